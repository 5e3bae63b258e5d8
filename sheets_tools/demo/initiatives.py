"""The initiative part of ``sheets-tools demo``: units register đề tài, sáng kiến with the Department's
Initiative Council by 28/02 (seed 000); the office types the council's results into the master.

Runs after the registration cycle of demo.py (authors are the people the units registered in January)
and before the year-end stage, whose proposals cite these initiatives. The simulated units make the
mistakes the checks must catch (named in MISTAKES below).
"""
from __future__ import annotations

import random
from datetime import date, datetime
from typing import Callable

from openpyxl import load_workbook

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.collect import collect
from sheets_tools.master.book import HEADER
from sheets_tools.master.consolidate import consolidate, master_path
from sheets_tools.core.files import atomic_save
from sheets_tools.formkit.declaration import get_form
from sheets_tools.collection.report import format_files
from sheets_tools.forms.initiatives import (COUNCIL_SHEET, DECISION_LABEL, KEY_LABEL, NOT_RECOGNISED, RECOGNISED, RESULT_LABEL)
from sheets_tools.collection.issue import issue
from sheets_tools.demo.common import issued_file, mail_back, registered_people, write_rows

INITIATIVES_TODAY = date(2024, 3, 25)  # after the deadline 28/02 and the council's meeting
INBOX = "inbox-sang-kien"
SENDERS = 15  # units with a January registration that send a registration of initiatives
NO_REGISTRATION = "HCTP"  # its January registration was rejected: its authors cannot be checked
DUPLICATED = ("PTP-BMT", "PTP-BH")  # the second unit registers the first one's title again
MISTAKES = {  # unit -> what it gets wrong (the checks must catch it)
    "PBGD": "đồng tác giả không có trong bản đăng ký thi đua của đơn vị",
    "PTP-BH": "đăng ký trùng tên sáng kiến Phòng Tư pháp thành phố Buôn Ma Thuột đã đăng ký",
    "CC1": "phạm vi áp dụng ngoài danh mục (\"Toàn huyện\")",
    NO_REGISTRATION: "chưa có bản đăng ký thi đua hợp lệ nên chưa đối chiếu được tác giả",
}
NOT_RECOGNISED_UNIT = "PTP-CMG"  # the council does not recognise its first initiative
UNDECIDED_UNIT = "PTP-ES"  # the council has not decided on its initiatives yet
DECISION = "Quyết định số 15/QĐ-HĐSK ngày 25/3/2024"
PROVINCE_WIDE = "Đề án số hóa, liên thông dữ liệu hộ tịch trên địa bàn tỉnh"  # VP's, used for CSTĐ cấp tỉnh

_TITLES = [  # (field, title stem); the unit's name makes each title its own
    ("Văn phòng, tổ chức, cải cách hành chính, chuyển đổi số", "Ứng dụng phần mềm quản lý văn bản và hồ sơ công việc"),
    ("Phổ biến, giáo dục pháp luật, hòa giải ở cơ sở", "Tuyên truyền pháp luật qua mạng xã hội Zalo"),
    ("Hành chính tư pháp, hộ tịch, chứng thực", "Rút ngắn thời gian giải quyết thủ tục chứng thực"),
    ("Xây dựng, kiểm tra, rà soát văn bản quy phạm pháp luật", "Sổ tay rà soát văn bản quy phạm pháp luật"),
    ("Trợ giúp pháp lý", "Trợ giúp pháp lý lưu động cho đồng bào dân tộc thiểu số"),
    ("Thanh tra, giải quyết khiếu nại, tố cáo", "Quy trình tiếp công dân và phân loại đơn thư"),
    ("Bổ trợ tư pháp (công chứng, đấu giá, luật sư)", "Số hóa hồ sơ công chứng"),
    ("Quản lý xử lý vi phạm hành chính", "Cơ sở dữ liệu theo dõi xử lý vi phạm hành chính"),
]
_SCOPES = ["Trong đơn vị", "Toàn Sở", "Toàn Sở", "Toàn tỉnh"]
_EFFECTS = ["Rút ngắn 30% thời gian xử lý hồ sơ", "Tăng số người dân được tiếp cận pháp luật",
            "Giảm sai sót trong quá trình thực hiện nhiệm vụ", "Tiết kiệm chi phí in ấn, lưu trữ"]


def run_initiatives(camp: Campaign, echo: Callable[[str], None], step: int) -> int:
    """Run the initiative stage; returns the next step number."""

    rng = random.Random(2802)
    issued = issue(camp, ["initiatives"])
    echo(f"{step}. Đã ghi {len(issued.files)} biểu mẫu đăng ký đề tài, sáng kiến vào outbox")
    people = registered_people(camp)
    form = get_form("initiatives")
    sheet = form.sheet("initiatives")
    inbox = camp.dir / INBOX
    senders = [u for u in camp.units if people.get(u.code)][:SENDERS]
    senders += [u for u in camp.units if u.code in MISTAKES and u not in senders]
    taken: dict[str, str] = {}
    for n, unit in enumerate(senders):
        rows = _rows(camp, unit, people.get(unit.code) or [], rng)
        taken[unit.code] = rows[0]["title"]
        if unit.code == DUPLICATED[1] and DUPLICATED[0] in taken:
            rows[0]["title"] = taken[DUPLICATED[0]]
        wb = load_workbook(issued_file(camp, form, unit))
        write_rows(wb, sheet, rows)
        # in the order of the units, all before the deadline (the duplicate after the original)
        mail_back(camp, unit, wb, inbox, "dang-ky-sang-kien", "bảng đăng ký đề tài, sáng kiến",
              datetime(camp.info.year, 2, 5 + n, rng.randint(8, 16)))
    collected = collect(camp, [inbox])
    echo(f"{step + 1}. Mô phỏng {len(senders)} bảng đăng ký đề tài, sáng kiến gửi Hội đồng Sáng kiến; kết quả "
         "kiểm tra:\n" + format_files(collected))
    consolidate(camp, today=INITIATIVES_TODAY)
    typed = _council(camp)
    master = consolidate(camp, today=INITIATIVES_TODAY)
    echo(f"{step + 2}. Hội đồng Sáng kiến xét {sum(typed.values())} đề tài, sáng kiến: công nhận "
         f"{typed[RECOGNISED]}, không công nhận {typed[NOT_RECOGNISED]}; Văn phòng nhập kết quả vào trang "
         f"\"{COUNCIL_SHEET}\" của {master.path.name}")
    return step + 3


def _name(p: dict) -> str:
    return f"{p.get('family_name') or ''} {p.get('given_name') or ''}".strip()


def _rows(camp: Campaign, unit, people: list[dict], rng: random.Random) -> list[dict]:
    """One or two initiatives of a unit, written by the people it registered in January."""
    authors = [_name(p) for p in people] or ["Nguyễn Văn Hùng", "Trần Thị Mai"]
    rows = []
    for i in range(1 if rng.random() < 0.5 else 2):
        field, stem = _TITLES[(camp.units.index(unit) + 3 * i) % len(_TITLES)]
        row = {"title": f"{stem} tại {unit.name}", "kind": "Sáng kiến" if rng.random() < 0.8 else "Đề tài",
               "authors": authors[i % len(authors)], "field": field, "scope": rng.choice(_SCOPES),
               "effect": rng.choice(_EFFECTS), "start_date": date(camp.info.year, 1, rng.randint(2, 31))}
        if len(authors) > 2 and rng.random() < 0.5:
            row["co_authors"] = "; ".join(a for a in authors[1:3] if a != row["authors"])
        rows.append(row)
    if unit.code == "VP":  # the initiative of provincial scope VP's first person is proposed CSTĐ cấp tỉnh for
        rows[0].update(title=PROVINCE_WIDE, kind="Đề tài", authors=authors[0], scope="Toàn tỉnh",
                       field="Hành chính tư pháp, hộ tịch, chứng thực")
    elif unit.code == "PBGD":
        rows[0]["co_authors"] = "Lương Văn Khải"  # not in the unit's January registration
    elif unit.code == "CC1":
        rows[0]["scope"] = "Toàn huyện"  # not in the campaign's list
    return rows


def _council(camp: Campaign) -> dict[str, int]:
    """The office types the Initiative Council's results into the master: every initiative recognised,
    except the first of NOT_RECOGNISED_UNIT; those of UNDECIDED_UNIT are left for a later meeting."""
    path = master_path(camp)
    wb = load_workbook(path)
    ws = wb[COUNCIL_SHEET]
    cols = {str(c.value): c.column for c in ws[HEADER + 1] if c.value}
    typed = {RECOGNISED: 0, NOT_RECOGNISED: 0}
    refused = False
    for r in range(HEADER + 2, ws.max_row + 1):
        key = ws.cell(row=r, column=cols[KEY_LABEL]).value
        if not key or key.startswith(UNDECIDED_UNIT + "-"):
            continue
        result = RECOGNISED
        if key.startswith(NOT_RECOGNISED_UNIT + "-") and not refused:
            result, refused = NOT_RECOGNISED, True
        ws.cell(row=r, column=cols[RESULT_LABEL]).value = result
        if result == RECOGNISED:
            ws.cell(row=r, column=cols[DECISION_LABEL]).value = DECISION
        typed[result] += 1
    atomic_save(wb, path)
    return typed
