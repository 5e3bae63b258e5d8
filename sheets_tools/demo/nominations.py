"""The nominations part of ``sheets-tools demo`` (seed 003): units nominate exemplary collectives and
individuals, the office selects some in the master, and the list to publish is written beside it.

Runs after the registration cycle of demo.py on the same sample campaign (the people nominated are the
ones the demo registered). The simulated units make the mistakes the checks must catch (MISTAKES).
"""
from __future__ import annotations

import random
from datetime import date, datetime
from typing import Callable

from openpyxl import load_workbook

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.collect import collect
from sheets_tools.master.consolidate import consolidate, master_path
from sheets_tools.core.files import atomic_save
from sheets_tools.core.findings import SEVERITY_LABELS
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from sheets_tools.store.ledger import Ledger
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.forms.nominations import (COLLECTIVE, CRITERIA, FORM_ID, INDIVIDUAL, KEY_LABEL, LIST_SHEET, REMARK_LABEL, SELECT_LABEL, SHEET)
from sheets_tools.collection.issue import issue
from sheets_tools.core.text import person_key
from sheets_tools.demo.common import issued_file, mail_back, registered_people

INBOX = "inbox-dien-hinh"
UNITS = ("VP", "TTR", "XDKT", "PBGD", "HCTP", "TGPL", "CC1", "PTP-BMT", "PTP-BH", "PTP-KN", "PTP-EHL", "PTP-EK")
SHARED = ("PTP-EHL", "PTP-EK")  # both nominate the person both registered in January
MISTAKES = {  # unit -> what it gets wrong (the checks must catch it)
    "PTP-BH": "một đề xuất không chọn tiêu chí nào",
    "PTP-KN": "đề xuất một người không có trong bản đăng ký thi đua",
    "CC1": "mô tả thành tích quá ngắn để tuyên truyền",
    "PTP-EK": "đề xuất cùng một người với Phòng Tư pháp huyện Ea H'leo",
    "XDKT": "chọn tiêu chí sáng kiến cho người không là tác giả sáng kiến nào đã đăng ký",
}
SELECTED = 3  # nominations the office selects to publish
_MODELS = [  # (category, field, what the collective did)
    ("Mô hình mới", "Phổ biến, giáo dục pháp luật, hòa giải ở cơ sở",
     "Xây dựng mô hình \"Tủ sách pháp luật điện tử\" có mã QR tại bộ phận một cửa; trong năm có hơn 3.000 lượt "
     "người dân tra cứu văn bản, số câu hỏi lặp lại tại bộ phận một cửa giảm khoảng 30%."),
    ("Điển hình tiên tiến", "Hành chính tư pháp, hộ tịch, chứng thực",
     "Giải quyết 100% hồ sơ hộ tịch, chứng thực đúng hạn, trong đó 65% hồ sơ trước hạn; không có phản ánh, kiến "
     "nghị của người dân về thái độ phục vụ."),
    ("Mô hình mới", "Văn phòng, tổ chức, cải cách hành chính, chuyển đổi số",
     "Số hóa toàn bộ hồ sơ lưu trữ từ năm 2015 đến nay (hơn 12.000 hồ sơ), rút ngắn thời gian tra cứu từ nửa ngày "
     "xuống dưới 10 phút; mô hình được các phòng khác học tập, áp dụng."),
    ("Điển hình tiên tiến", "Trợ giúp pháp lý",
     "Thực hiện 180 vụ việc trợ giúp pháp lý, vượt 20% chỉ tiêu; tổ chức 12 đợt trợ giúp pháp lý lưu động tại các "
     "xã đặc biệt khó khăn."),
]
_ACHIEVEMENT = ("Hoàn thành xuất sắc nhiệm vụ năm {year}; chủ trì thực hiện {what}, được lãnh đạo Sở ghi nhận và "
                "nhân rộng trong toàn ngành.")
_WORK = ["rà soát, hệ thống hóa 120 văn bản quy phạm pháp luật", "tổ chức 25 buổi tuyên truyền pháp luật tại cơ sở",
         "hướng dẫn nghiệp vụ hộ tịch cho 40 công chức cấp xã", "giải quyết dứt điểm 15 đơn thư tồn đọng"]


def run_nominations(camp: Campaign, echo: Callable[[str], None], step: int) -> int:
    """Run the nominations stage; returns the next step number."""
    rng = random.Random(310)
    year = camp.info.year
    today = date(year, 11, 4)  # after the deadline (31/10)
    issued = issue(camp, [FORM_ID])
    echo(f"{step}. Đã ghi {len(issued.files)} biểu mẫu đề xuất điển hình tiên tiến vào outbox")
    inbox = camp.dir / INBOX
    sent = _send(camp, inbox, rng)
    got = collect(camp, [inbox])
    counts = {s: sum(1 for c in got.files if c.result.status == s)
              for s in ("accepted", "accepted_with_warnings", "rejected")}
    echo(f"{step + 1}. Mô phỏng {sent} thư đề xuất điển hình tiên tiến trong {inbox}: hợp lệ {counts['accepted']}, "
         f"có lưu ý {counts['accepted_with_warnings']}, bị trả lại {counts['rejected']}. Các vấn đề đã phát hiện:")
    for c in got.files:
        for f in c.result.findings:
            if f.code.startswith("nomination."):
                echo(f"    - {c.result.unit_code} ({f.sheet}!{f.cell}, {SEVERITY_LABELS[f.severity]}): {f.message}")
    consolidate(camp, today=today)
    chosen = _office_selects(camp)
    master = consolidate(camp, today=today)
    echo(f"{step + 2}. Văn phòng chọn {chosen} đề xuất để tuyên truyền (trang \"{LIST_SHEET}\" của {master.path.name}); "
         "danh sách tuyên truyền: " + "; ".join(str(p) for p in master.outputs))
    return step + 3


def _send(camp: Campaign, inbox, rng: random.Random) -> int:
    form = get_form(FORM_ID)
    sheet = form.sheet(SHEET)
    people = registered_people(camp)
    authors = _authors(camp)
    shared = _shared_person(people)
    count = 0
    for n, code in enumerate(UNITS):
        unit = camp.unit(code)
        mine = people.get(code)
        if unit is None or not mine:
            continue
        model = _MODELS[n % len(_MODELS)]
        rows = [_row(COLLECTIVE, unit.name, "", model[0], model[1], model[2], rng, publicity=n)]
        person = shared if shared is not None and code in SHARED else mine[0]
        name = f"{person['family_name']} {person['given_name']}"
        rows.append(_row(INDIVIDUAL, name, f"{person.get('position') or 'Chuyên viên'}, {unit.name}",
                         "Điển hình tiên tiến", model[1],
                         _ACHIEVEMENT.format(year=camp.info.year, what=_WORK[n % len(_WORK)]), rng, publicity=n + 1,
                         initiative=person_key(name) in authors.get(code, set())))
        _mistake(code, rows)
        wb = load_workbook(issued_file(camp, form, unit))
        ws = wb[sheet.name]
        for i, values in enumerate(rows):
            for col in sheet.columns:
                if values.get(col.field) is not None:
                    ws[f"{col.letter}{FIRST_ROW + i}"] = values[col.field]
                    ws[f"{col.letter}{FIRST_ROW + i}"].data_type = "s"
        day = {"PTP-EHL": 5, "PTP-EK": 20}.get(code, rng.randint(6, 28))
        mail_back(camp, unit, wb, inbox, "de-xuat-dien-hinh", "danh sách đề xuất điển hình tiên tiến",
              datetime(camp.info.year, 10, day, rng.randint(8, 16)))
        count += 1
    return count


def _row(subject: str, name: str, position: str, category: str, field: str, description: str,
         rng: random.Random, *, publicity: int, initiative: bool = False) -> dict:
    lists = get_form(FORM_ID).sheet(SHEET)
    return {"subject": subject, "name": name, "position": position or None, "category": category, "field": field,
            CRITERIA[0]: "Có", CRITERIA[1]: "Có" if initiative else None,
            CRITERIA[2]: "Có" if rng.random() < 0.4 else None, "description": description,
            "evidence": f"Báo cáo tổng kết năm, số {rng.randint(10, 99)}/BC; số liệu thống kê kèm theo",
            "publicity": lists.column("publicity").choices[publicity % 3]}


def _mistake(code: str, rows: list[dict]) -> None:
    person = rows[1]
    if code == "PTP-BH":
        person.update({c: None for c in CRITERIA})
    elif code == "PTP-KN":
        rows.append({**person, "name": "Lương Thị Mận", "position": "Chuyên viên", "category": "Nhân tố mới"})
    elif code == "CC1":
        person["description"] = "Hoàn thành tốt nhiệm vụ."
    elif code == "XDKT":
        person[CRITERIA[1]] = "Có"


def _shared_person(people: dict[str, list[dict]]) -> dict | None:
    """The person both SHARED units registered in January (demo.py registers one twice), if any."""
    first, second = ({person_key(f"{p['family_name']} {p['given_name']}"): p for p in people.get(u, [])}
                     for u in SHARED)
    common = [k for k in first if k in second]
    return first[common[0]] if common else None


def _authors(camp: Campaign) -> dict[str, set[str]]:
    """Per unit, the person keys of the authors of the initiatives it registered (when the demo did)."""
    split = hook("initiatives", "split_names")
    out: dict[str, set[str]] = {}
    if split is None:
        return out
    with Ledger(camp.dir) as ledger:
        for unit, rows in Context(camp, ledger).rows_in_use("initiatives").items():
            out[unit] = {person_key(n) for r in rows for f in ("authors", "co_authors")
                         for n in split(r.values.get(f))}
    return out


def _office_selects(camp: Campaign) -> int:
    """The office types "Có" (or "x") in "Chọn tuyên truyền" for the first nomination of each category."""
    path = master_path(camp)
    wb = load_workbook(path)
    ws = wb[LIST_SHEET]
    head = next(r for r in range(1, 15) if ws.cell(row=r, column=1).value == "STT")
    labels = {str(c.value): c.column for c in ws[head] if c.value}
    count, first = 0, False
    for r in range(head + 1, ws.max_row + 1):
        if not ws.cell(row=r, column=labels[KEY_LABEL]).value:
            first = True  # a category's heading row: its first nomination follows
        elif first and count < SELECTED:
            ws.cell(row=r, column=labels[SELECT_LABEL]).value = "Có" if count == 0 else "x"
            ws.cell(row=r, column=labels[REMARK_LABEL]).value = "Đăng Cổng thông tin điện tử của Sở trong quý IV"
            count, first = count + 1, False
    atomic_save(wb, path)
    return count
