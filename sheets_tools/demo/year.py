"""``sheets-tools demo``: the whole year on the sample campaign: registration here, then the
initiatives (initiatives.py), the exemplary nominations (nominations.py), the mid-year
report (reports.py), the ad-hoc commendations (adhoc.py), the year-end report and the year-end stage (yearend.py); what they share is in common.py.

Builds the sample campaign, issues the forms, simulates the units' replies as e-mails
(most correct; some with typical mistakes; one late; one resubmitted; one typed with an old
TCVN3 font; some missing),
collects them, consolidates and returns the status table and the master's path. Where local mail servers
can run, the forms, the feedback and the reminders of the registration go out over SMTP and the replies are
fetched from an IMAP mailbox (mail.py).
"""
from __future__ import annotations

import random
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from openpyxl import load_workbook
from openpyxl.styles import Font

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.excel import legacy
from sheets_tools.formkit.declaration import FIRST_ROW, ID_SHEET, Form, get_form
from sheets_tools.core.files import atomic_write_bytes
from sheets_tools.collection.templates import build_blanks, unit_file_name
from sheets_tools.master.consolidate import consolidate
from sheets_tools.store.ledger import Ledger
from sheets_tools.collection.report import format_files
from sheets_tools.collection.issue import issue, remind
from sheets_tools.collection.status import board
from sheets_tools.demo.adhoc import run_adhoc
from sheets_tools.demo.initiatives import run_initiatives
from sheets_tools.demo.nominations import run_nominations
from sheets_tools.demo.reports import run_report
from sheets_tools.demo.yearend import YEAR_END_TODAY, run_year_end
from sheets_tools.demo.reports import fill_targets
from sheets_tools.collection.issue import draft_email
from sheets_tools.demo.common import unit_sender
from sheets_tools.demo.mail import mail_steps

SAMPLE = "daklak-2024"
MARKER = ".sheets-tools-demo"
TODAY = date(2024, 2, 10)  # the demo's "today": after the registration deadline
DERIVED = ("archive", "outbox", "feedback", "master", "inbox", "templates", "ledger.sqlite",
           "ledger.sqlite-wal", "ledger.sqlite-shm", "inbox-cuoi-nam", "council", "decision",
           "inbox-sang-kien", "inbox-dien-hinh", "inbox-bao-cao", "inbox-dot-xuat", "lich-su-khen-thuong.xlsx",
           "backup", ".ledger-rebuild.sqlite", "mẫu văn bản")
ISSUE_DAY = date(2024, 1, 5)  # the calendar sends the registration and the initiative forms out from 02/01

MISSING = {"DGTS", "PTP-LAK", "PTP-KBK"}
LATE = "PTP-BD"
RESUBMITTED = "TTR"
LEGACY_FONT = "PTP-CMG"

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
           "Hồ", "Ngô", "Dương", "Lý"]
_MIDDLE_M = ["Văn", "Hữu", "Minh", "Quang", "Đức", "Thanh", "Công", "Xuân"]
_MIDDLE_F = ["Thị", "Thị Thu", "Ngọc", "Thị Hồng", "Thanh", "Thị Kim", "Thị Mỹ", "Phương"]
_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phúc",
            "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt"]
_GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân",
            "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Yến"]
_POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng", "Trưởng phòng", "Văn thư",
              "Kế toán", "Trợ giúp viên pháp lý", "Công chứng viên"]


class DemoError(Exception):
    """The demo cannot run in the given folder."""


@dataclass
class DemoResult:
    directory: Path
    master: Path
    status_text: str
    status: dict = field(default_factory=dict)  # the same as ``status --json``


def run_demo(directory: Path, echo: Callable[[str], None] = print, *, mail: bool = True) -> DemoResult:
    """Run the sample cycle in ``directory`` (created; a previous demo there is redone). With ``mail``, the
    registration part goes through local mail servers where they can run (``demo.mail``)."""

    directory = Path(directory)
    _prepare(directory)
    campaign_writer.create(directory, sample=SAMPLE)
    (directory / MARKER).write_text("sheets-tools demo\n", encoding="utf-8")
    camp = campaign_mod.load(directory)
    echo(f"1. Đã tạo đợt thi đua mẫu: {directory / campaign_mod.CAMPAIGN_FILE}")
    blanks = build_blanks(directory / "templates", camp)
    echo(f"2. Đã ghi {len(blanks)} biểu mẫu trống vào {directory / 'templates'}")
    with mail_steps(directory, echo, enabled=mail) as post:  # the local mail servers, stopped on leaving
        issued = issue(camp, today=ISSUE_DAY)  # what the calendar sends out on that day
        echo(f"3. Ngày {ISSUE_DAY:%d/%m/%Y}, theo lịch gửi {', '.join(f.name for f in issued.forms)}: đã ghi "
             f"{len(issued.files)} biểu mẫu điền sẵn và {len(issued.drafts)} thư vào {directory / 'outbox'}")
        post.send(camp, "issue")
        form = get_form("registration")
        inbox = directory / "inbox"
        with post.replies_folder(inbox) as replies_to:
            replies = simulate_replies(camp, form, replies_to,
                                       lambda unit: directory / "outbox" / unit.code / unit_file_name(form, camp, unit))
        echo(f"4. Mô phỏng {replies} thư trả lời của các đơn vị gửi tới {post.place(inbox)}")
        collected = post.take(camp, inbox)
        echo("5. Kết quả nhận và kiểm tra:\n" + format_files(collected))
        post.send(camp, "feedback")
        master = consolidate(camp, today=TODAY)
        echo(f"6. Đã ghi bảng tổng hợp {master.path}")
        reminded = remind(camp, today=TODAY, form_ids=["registration"])
        echo(f"7. Ngày {TODAY:%d/%m/%Y} (đã quá hạn 31/01): {len(reminded.drafts)} thư nhắc cho các đơn vị chưa nộp "
             "hoặc bị trả lại đăng ký thi đua (outbox/<đơn vị>/Nhắc nộp - ....eml)")
        post.send(camp, "remind")
    echo("\nĐỀ TÀI, SÁNG KIẾN (hạn 28/02), ĐIỂN HÌNH TIÊN TIẾN, SƠ KẾT 6 THÁNG, KHEN THƯỞNG ĐỘT XUẤT")
    step = run_initiatives(camp, echo, 8)
    step = run_nominations(camp, echo, step)
    step = run_report(camp, "midyear_report", echo, step)
    step = run_adhoc(camp, echo, step)
    echo("\nGIAI ĐOẠN CUỐI NĂM (báo cáo tổng kết, tự chấm điểm, đề nghị khen thưởng, Hội đồng, quyết định)")
    step = run_report(camp, "yearend_report", echo, step)
    run_year_end(camp, echo, step)
    with Ledger(directory) as ledger:
        status = board(camp, ledger, today=YEAR_END_TODAY)
    return DemoResult(directory=directory, master=master.path, status_text=status.format_text(), status=status.to_json())


def _prepare(directory: Path) -> None:
    """Refuse a folder that holds something else; clear what a previous demo wrote."""
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise DemoError(f"Thư mục {directory} đã có dữ liệu khác. Hãy chọn một thư mục mới cho bản chạy thử.")
        for name in DERIVED + (campaign_mod.CAMPAIGN_FILE,):
            p = directory / name
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
    directory.mkdir(parents=True, exist_ok=True)


def simulate_replies(camp, form: Form, inbox: Path, unit_workbook: Callable) -> int:
    """Write the units' simulated replies as .eml files into ``inbox``; returns their number."""

    rng = random.Random(2024)
    deadline = camp.deadline(form.deadline) or date(camp.info.year, 1, 31)
    count = 0
    shared_person = None
    for unit in camp.units:
        if unit.code in MISSING:
            continue
        people = [_person(rng) for _ in range(rng.randint(4, 9))]
        if unit.code == "PTP-EHL":
            shared_person = people[0]
        if unit.code == "PTP-EK" and shared_person:
            people.append(dict(shared_person))  # the same person registered by two units
        versions = [_mistakes(unit.code, people, rng)]
        if unit.code == RESUBMITTED:
            versions = [_mistakes("TTR-first", people, rng), people]
        sent = datetime.combine(deadline - timedelta(days=rng.randint(2, 20)), datetime.min.time()) \
            + timedelta(hours=rng.randint(8, 16))
        if unit.code == LATE:
            sent = datetime.combine(deadline + timedelta(days=5), datetime.min.time()) + timedelta(hours=9)
        for i, rows in enumerate(versions):
            when = sent + timedelta(days=3 * i)
            path = inbox / unit.code / f"{unit.code}-lan-{i + 1}.xlsx"
            _fill(unit_workbook(unit), path, unit, rows, rng, strip_identity=(unit.code == "PTP-KB"))
            fill_targets(path, camp, unit)  # the sheet "Chỉ tiêu" (a few blank or below the common target)
            mail = draft_email(sender=unit_sender(unit), to=camp.info.office_email,
                               subject=f"{unit.name} gửi đăng ký thi đua năm {camp.info.year}",
                               body="Kính gửi Văn phòng Sở,\nĐơn vị gửi kèm bảng đăng ký thi đua.\nTrân trọng.",
                               attachments=[path], date=when)
            atomic_write_bytes(inbox / f"{when:%Y%m%d-%H%M}-{unit.code}-{i + 1}.eml", mail)
            path.unlink()
            count += 1
        if not any((inbox / unit.code).iterdir()):
            (inbox / unit.code).rmdir()
    return count


def _person(rng: random.Random) -> dict:
    female = rng.random() < 0.55
    rating = rng.choice(["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành tốt nhiệm vụ"])
    return {
        "family_name": f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_F if female else _MIDDLE_M)}",
        "given_name": rng.choice(_GIVEN_F if female else _GIVEN_M),
        "birth_date": date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28)),
        "sex": "Nữ" if female else "Nam",
        "position": rng.choice(_POSITIONS),
        "last_rating": rating,
        "title": "Chiến sĩ thi đua cơ sở" if rating.startswith("Hoàn thành xuất sắc") else "Lao động tiên tiến",
    }


def _mistakes(code: str, people: list[dict], rng: random.Random) -> list[dict]:
    """Typical mistakes of a unit, by unit code (the rest send correct data)."""
    rows = [dict(p) for p in people]
    if code == "TTR-first":
        rows[0]["given_name"] = None  # required cell left empty
        rows[1]["birth_date"] = "31/02/1980"  # a date that does not exist, typed as text
    elif code == "HCTP":
        rows[0]["title"] = "Giấy khen của Giám đốc Sở (cá nhân)"  # a form of commendation in the title column
    elif code == "PTP-KA":
        rows.append(dict(rows[1]))  # the same person twice
    elif code == "PTP-MD":  # decomposed letters and non-breaking spaces, silently normalised
        rows[0]["family_name"] = unicodedata.normalize("NFD", rows[0]["family_name"]) + "\u00a0"
        rows[0]["birth_date"] = rows[0]["birth_date"].strftime("%d/%m/%Y")  # a date typed as text
    elif code == "TGPL":
        rows[0]["note"] = '=HYPERLINK("http://example.com","Bấm vào đây")'  # text that looks like a formula
    return rows


def _fill(template: Path, out: Path, unit, people: list[dict], rng: random.Random, *, strip_identity: bool) -> None:
    """Fill a unit's pre-filled workbook the way a unit would, and save it as ``out``."""
    wb = load_workbook(template)
    form = get_form("registration")
    collectives = [{"collective_name": unit.name, "title": "Tập thể lao động xuất sắc" if rng.random() < 0.4
                    else "Tập thể lao động tiên tiến"},
                   {"collective_name": f"Tổ công tác số 1 - {unit.name}", "title": "Tập thể lao động tiên tiến"}]
    if unit.code == "HCTP":
        collectives[1]["title"] = "Chiến sĩ thi đua cơ sở"  # an individual title given to a collective
    movements = [{"movement": m.name} for m in rng.sample(_movements(), 3)]
    for key, rows in (("collectives", collectives), ("individuals", people), ("movements", movements)):
        sheet = form.sheet(key)
        ws = wb[sheet.name]
        for i, values in enumerate(rows):
            for col in sheet.columns:
                v = values.get(col.field)
                if v is None:
                    continue
                cell = ws[f"{col.letter}{FIRST_ROW + i}"]
                cell.value = v
                if isinstance(v, str):
                    cell.data_type = "s"
    if unit.code == LEGACY_FONT:  # a unit still typing with an old TCVN3 font
        cell = wb[form.sheet("individuals").name][f"B{FIRST_ROW}"]
        cell.value = legacy.from_unicode(people[0]["family_name"], legacy.TCVN3)
        cell.data_type = "s"
        cell.font = Font(name=".VnTime")
    if strip_identity:  # a unit that copied its data into a workbook of its own
        del wb[ID_SHEET]
        for name in [n for n in wb.defined_names if n.startswith("st_")]:
            del wb.defined_names[name]
        wb.custom_doc_props.props.clear()
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)


def _movements():
    return campaign_mod.sample_campaign(SAMPLE).movements
