"""The report part of ``sheets-tools demo``: the targets units register in January (``fill_targets``,
called by demo.simulate_replies) and the mid-year and year-end reports (``run_report``).

Each simulated report is an e-mail with the filled workbook and a small Word narrative. The units make
the mistakes the checks must catch (MISTAKES below); the others report truthfully, a few short of a
target with an explanation.
"""
from __future__ import annotations

import io
import random
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from openpyxl import load_workbook

from sheets_tools.collection.templates import safe_file_name, unit_file_name
from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.collection.collect import collect
from sheets_tools.core.files import atomic_write_bytes
from sheets_tools.formkit.declaration import FIRST_ROW, Form, TableSheet, get_form
from sheets_tools.store.ledger import Ledger
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms.report_targets import midyear_share, number, outcome
from sheets_tools.collection.issue import draft_email, issue
from sheets_tools.demo.common import unit_sender

INBOX = "inbox-bao-cao"
REPORT_MISSING = {"DGTS", "PTP-LAK"}
NO_DOCUMENT = {"CC1", "PTP-KBK"}
WRONG_DOCUMENT = "PTP-EHL"
NOT_EXPLAINED = "PTP-KA"
TEXT_RESULT = "HCTP"
BELOW_MIDYEAR = "PTP-BD"
MISTAKES = {  # unit -> what it gets wrong in its report (the checks must catch it)
    "CC1": "quên gửi kèm văn bản báo cáo (Word)",
    "PTP-KBK": "quên gửi kèm văn bản báo cáo (Word)",
    WRONG_DOCUMENT: "ghi tên tệp báo cáo khác với tệp gửi kèm",
    NOT_EXPLAINED: "chưa đạt chỉ tiêu mà không giải trình",
    TEXT_RESULT: "gõ chữ vào ô kết quả",
    BELOW_MIDYEAR: "kết quả cả năm thấp hơn kết quả 6 tháng (chỉ báo cáo tổng kết)",
}
# January: units that leave some targets blank, and units that register below the common target
BLANK_TARGETS = {"PTP-BH", "CC1", "PTP-KN"}
WEAKER_TARGETS = {"PBGD", "PTP-KP"}
SHORT = "Chưa đạt do thiếu nhân lực, kinh phí; đơn vị sẽ khắc phục trong thời gian tới"
WHAT = {"midyear_report": ("báo cáo sơ kết 6 tháng", "BÁO CÁO SƠ KẾT PHONG TRÀO THI ĐUA 6 THÁNG ĐẦU NĂM", (6, 10, 27)),
        "yearend_report": ("báo cáo tổng kết năm", "BÁO CÁO TỔNG KẾT PHONG TRÀO THI ĐUA NĂM", (11, 12, 28))}


# --- January: the targets of the registration ---------------------------------------------------
def fill_targets(path: Path, camp: Campaign, unit: Unit) -> None:
    """Type a unit's targets into its saved registration workbook ``path`` (sheet "Chỉ tiêu"): most
    register the common target or more; BLANK_TARGETS leave one blank, WEAKER_TARGETS one lower."""
    rng = random.Random(f"targets-{unit.code}")  # its own: the caller's random sequence stays as it was
    sheet = get_form("registration").sheet("targets")
    wb = load_workbook(path)
    ws = wb[sheet.name]
    rows = _rows(ws, sheet)
    for n, (code, r) in enumerate(rows.items()):
        indicator = next((i for i in camp.indicators if i.code == code), None)
        common = indicator.target if indicator else None
        if common is None:
            continue
        value: float | None = common
        if indicator.kind == "count" and indicator.direction == "min":
            value = float(round(common * rng.choice([1, 1, 1.1, 1.2])))
        if n == 0 and unit.code in BLANK_TARGETS:
            value = None
        elif n == 0 and unit.code in WEAKER_TARGETS:
            value = float(round(common * 0.8))
            ws[f"{sheet.column('note').letter}{r}"] = "Đơn vị thiếu biên chế trong năm"
        if value is not None:
            ws[f"{sheet.column('target').letter}{r}"] = value
    wb.save(path)


# --- the reports -----------------------------------------------------------------------------------
def run_report(camp: Campaign, form_id: str, echo: Callable[[str], None], step: int) -> int:
    """Issue the report ``form_id`` ("midyear_report" or "yearend_report"), simulate the units' e-mails
    (workbook and Word narrative), collect them and echo a summary; returns the next step number."""
    form = get_form(form_id)
    what = WHAT[form_id][0]
    issued = issue(camp, [form_id])
    echo(f"{step}. Đã ghi {len(issued.files)} biểu mẫu \"{form.name}\" (chỉ tiêu đăng ký tháng 1 ghi sẵn) vào outbox")
    inbox = camp.dir / INBOX / form_id
    if inbox.exists():
        shutil.rmtree(inbox)
    sent = _send_reports(camp, form, inbox)
    collected = collect(camp, [inbox])
    states = [c.result.status for c in collected.files]
    with Ledger(camp.dir) as ledger:
        kept = sum(len(ledger.documents(s.id)) for s in ledger.submissions(form=form_id))
    echo(f"{step + 1}. Mô phỏng {sent} thư gửi {what} (biểu mẫu kèm văn bản Word); kết quả kiểm tra: "
         f"hợp lệ {states.count('accepted')}, hợp lệ có lưu ý {states.count('accepted_with_warnings')}, "
         f"bị trả lại {states.count('rejected')}; đã lưu {kept} văn bản báo cáo.")
    return step + 2


def _send_reports(camp: Campaign, form: Form, inbox: Path) -> int:
    rng = random.Random(f"{form.id}-{camp.info.year}")
    month, first, last = WHAT[form.id][2]
    sheet = form.sheet("results")
    midyear = _midyear_results(camp) if form.id == "yearend_report" else {}
    share = midyear_share(camp) if form.id == "midyear_report" else None
    count = 0
    for unit in camp.units:
        if unit.code in REPORT_MISSING:
            continue
        wb = load_workbook(camp.dir / "outbox" / unit.code / unit_file_name(form, camp, unit))
        ws = wb[sheet.name]
        for n, (code, r) in enumerate(_rows(ws, sheet).items()):
            indicator = next(i for i in camp.indicators if i.code == code)
            target = number(ws[f"{sheet.column('target').letter}{r}"].value)
            value, note = _result(indicator, target, share, rng)
            value = max(value, midyear.get(unit.code, {}).get(code, 0)) if indicator.kind == "count" else value
            if n == 0 and unit.code == NOT_EXPLAINED and target:
                value, note = float(round(target * 0.2)), None
            if n == 0 and unit.code == BELOW_MIDYEAR and code in midyear.get(unit.code, {}):
                value = max(0.0, midyear[unit.code][code] - 3)
                note = "Số liệu 6 tháng đầu năm được rà soát lại"
            if note is None and unit.code != NOT_EXPLAINED and target is not None and \
                    not outcome(indicator, target, value, share).met:
                note = SHORT
            ws[f"{sheet.column('result').letter}{r}"] = value
            if note:
                ws[f"{sheet.column('explanation').letter}{r}"] = note
            if n == 0 and unit.code == TEXT_RESULT:
                ws[f"{sheet.column('result').letter}{r}"] = f"khoảng {int(value)} {indicator.measure}"
        when = datetime(camp.info.year, month, rng.randint(first, last), rng.randint(8, 16))
        document = safe_file_name(f"{WHAT[form.id][0].capitalize()} {camp.info.year} - {unit.code}", ".docx")
        named = "Báo cáo.docx" if unit.code == WRONG_DOCUMENT else document
        _documents_row(wb, form.sheet("documents"), named, unit, when, rng, WHAT[form.id][1] + f" {camp.info.year}")
        attachments = {} if unit.code in NO_DOCUMENT else {document: _narrative(camp, unit, form)}
        _mail(camp, unit, wb, attachments, inbox, form, when)
        count += 1
    return count


def _rows(ws, sheet: TableSheet) -> dict[str, int]:
    """Indicator code -> row on a prefilled indicator sheet."""
    letter, out = sheet.column("code").letter, {}
    for r in range(FIRST_ROW, FIRST_ROW + sheet.rows):
        code = ws[f"{letter}{r}"].value
        if not isinstance(code, str) or not code.strip():
            break
        out[code] = r
    return out


def _result(indicator, target: float | None, share: float | None, rng: random.Random) -> tuple[float, str | None]:
    """A plausible result; short of the target now and then, with an explanation."""
    short = SHORT
    if target is None:
        return float(rng.randint(1, 20)), None
    if indicator.direction == "max":
        return (1.0, short) if rng.random() < 0.1 else (target, None)
    if indicator.kind == "percent":
        value = 100.0 if rng.random() < 0.85 else round(rng.uniform(max(0.0, target - 8), 100), 1)
        return value, short if value < target else None
    goal = target * (share or 100) / 100
    value = float(round(goal * rng.choice([1, 1, 1.1, 1.2, 1.3, 1.5, 0.9])))
    return value, short if value < goal else None


def _midyear_results(camp: Campaign) -> dict[str, dict[str, float]]:
    with Ledger(camp.dir) as ledger:
        used = Context(camp, ledger).rows_in_use("midyear_report")
    return {unit: {str(r.values.get("code")): r.values["result"] for r in rows
                   if r.sheet == "results" and number(r.values.get("result")) is not None}
            for unit, rows in used.items()}


def _documents_row(wb, sheet: TableSheet, named: str, unit: Unit, when: datetime, rng: random.Random,
                   title: str) -> None:
    ws = wb[sheet.name]
    values = {"file_name": named, "number": f"{rng.randint(10, 199)}/BC-{unit.code}", "signed_on": when.date(),
              "summary": title.capitalize()}
    for field, value in values.items():
        cell = ws[f"{sheet.column(field).letter}{FIRST_ROW}"]
        cell.value = value
        if isinstance(value, date):
            cell.number_format = "dd/mm/yyyy"


def _narrative(camp: Campaign, unit: Unit, form: Form) -> bytes:
    """A short Word narrative (python-docx)."""
    from docx import Document
    doc = Document()
    doc.add_heading(f"{WHAT[form.id][1]} {camp.info.year}", level=1)
    doc.add_paragraph(f"Đơn vị: {unit.name}")
    doc.add_paragraph("I. Kết quả tổ chức các phong trào thi đua: đơn vị đã phát động, triển khai các phong trào "
                      "thi đua theo Kế hoạch của Sở; số liệu các chỉ tiêu tại biểu mẫu kèm theo.")
    doc.add_paragraph("II. Tồn tại, hạn chế và phương hướng thời gian tới.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _mail(camp: Campaign, unit: Unit, wb, attachments: dict[str, bytes], inbox: Path, form: Form,
          when: datetime) -> None:
    folder = inbox / unit.code
    folder.mkdir(parents=True, exist_ok=True)
    book = folder / unit_file_name(form, camp, unit)
    wb.save(book)
    paths = [book]
    for name, data in attachments.items():
        paths.append(atomic_write_bytes(folder / name, data))
    what = WHAT[form.id][0]
    mail = draft_email(sender=unit_sender(unit), to=camp.info.office_email,
                       subject=f"{unit.name} gửi {what} năm {camp.info.year}",
                       body=f"Kính gửi Văn phòng Sở,\nĐơn vị gửi kèm biểu mẫu và văn bản {what}.\nTrân trọng.",
                       attachments=paths, date=when)
    atomic_write_bytes(inbox / f"{when:%Y%m%d-%H%M}-{unit.code}.eml", mail)
    shutil.rmtree(folder)
