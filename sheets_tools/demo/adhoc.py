"""The ad-hoc commendation part of ``sheets-tools demo``: during the year some units propose one of their
people or teams for a Giấy khen for one achievement (khen thưởng đột xuất, theo chuyên đề); the accepted
lines go to the year-end decision list with the rest.

Runs after the registration cycle (the people proposed are the ones the demo registered in January). The
simulated units make the mistakes the checks must catch (MISTAKES).
"""
from __future__ import annotations

import random
from datetime import date, datetime
from typing import Callable

from openpyxl import load_workbook

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.collect import collect
from sheets_tools.collection.issue import issue
from sheets_tools.collection.report import format_files
from sheets_tools.demo.common import issued_file, mail_back, registered_people, write_rows
from sheets_tools.formkit.declaration import get_form

FORM_ID = "adhoc_proposals"
INBOX = "inbox-dot-xuat"
PERSONAL = ("VP", "HCTP", "TGPL", "PTP-BMT", "PTP-KN", "TTR")  # each proposes one of its people
TEAMS = {"BTTP": "Tổ thẩm định hồ sơ đấu giá", "PBGD": "Tổ tuyên truyền pháp luật lưu động"}
MISTAKES = {  # unit -> what it gets wrong (the checks must catch it)
    "PTP-BMT": "thành tích lập từ năm trước (ngày lập thành tích ngoài năm của đợt thi đua)",
    "PTP-KN": "đề nghị một người của đơn vị khác",
    "TTR": "đề nghị lại đúng thành tích Văn phòng Sở đã đề nghị",
}
_DEEDS = [
    "Phát hiện, ngăn chặn kịp thời một vụ làm giả hồ sơ chứng thực tại bộ phận một cửa",
    "Hoàn thành trước hạn việc rà soát 350 thủ tục hành chính phục vụ sáp nhập đơn vị hành chính",
    "Tham gia cứu hộ, hỗ trợ người dân vùng lũ huyện Krông Ana trong đợt mưa lũ tháng 10",
    "Tổ chức thành công Hội thi hòa giải viên giỏi cấp tỉnh",
]


def run_adhoc(camp: Campaign, echo: Callable[[str], None], step: int) -> int:
    """Send, collect and check the ad-hoc proposals; returns the next step number."""
    rng = random.Random(606)
    issued = issue(camp, [FORM_ID])
    echo(f"{step}. Biểu mẫu \"{get_form(FORM_ID).name}\" (thường xuyên, không có hạn nộp): đã ghi "
         f"{len(issued.files)} biểu mẫu vào outbox")
    sent = _send(camp, rng)
    collected = collect(camp, [camp.dir / INBOX])
    echo(f"{step + 1}. Mô phỏng {sent} đề nghị khen thưởng đột xuất, chuyên đề trong năm; kết quả kiểm tra:\n"
         + format_files(collected))
    return step + 2


def _send(camp: Campaign, rng: random.Random) -> int:
    form = get_form(FORM_ID)
    people = registered_people(camp)
    year = camp.info.year
    movement = camp.movements[0].name if camp.movements else ""
    lines: dict[str, tuple[str, dict]] = {}
    for n, code in enumerate(PERSONAL):
        unit, mine = camp.unit(code), people.get(code) or []
        if unit is None or (not mine and code != "TTR"):
            continue
        person = mine[0] if mine else {}
        row = {**{k: person.get(k) for k in ("family_name", "given_name", "birth_date", "sex", "position")},
               "work_unit": unit.name, "achievement": _DEEDS[n % len(_DEEDS)],
               "achievement_date": date(year, 3 + n, 10 + n), "movement": movement,
               "award_form": "Giấy khen của Giám đốc Sở (cá nhân)", "evidence": f"Báo cáo số {20 + n}/BC-{code}"}
        lines[code] = ("individuals", row)
    _mistakes(camp, lines, people)
    for code, name in TEAMS.items():
        unit = camp.unit(code)
        if unit is not None:
            lines[code] = ("collectives", {"collective_name": name, "work_unit": unit.name,
                                           "achievement": _DEEDS[3], "achievement_date": date(year, 8, 20),
                                           "movement": movement, "award_form": "Giấy khen của Giám đốc Sở (tập thể)",
                                           "evidence": f"Quyết định số {rng.randint(100, 199)}/QĐ-STP"})
    inbox = camp.dir / INBOX
    for n, (code, (key, row)) in enumerate(lines.items()):
        unit = camp.unit(code)
        wb = load_workbook(issued_file(camp, form, unit))
        write_rows(wb, form.sheet(key), [row])
        mail_back(camp, unit, wb, inbox, "de-nghi-dot-xuat", "đề nghị khen thưởng đột xuất",
                  datetime(year, 9, 2 + n, rng.randint(8, 16)))
    return len(lines)


def _mistakes(camp: Campaign, lines: dict[str, tuple[str, dict]], people: dict[str, list[dict]]) -> None:
    year = camp.info.year
    if "PTP-BMT" in lines:
        lines["PTP-BMT"][1]["achievement_date"] = date(year - 1, 12, 20)
    if "PTP-KN" in lines and people.get("VP"):
        other = people["VP"][-1]
        lines["PTP-KN"][1].update({k: other.get(k) for k in ("family_name", "given_name", "birth_date", "sex")})
        lines["PTP-KN"][1]["work_unit"] = camp.unit("VP").name
    if "TTR" in lines and "VP" in lines:
        lines["TTR"] = ("individuals", dict(lines["VP"][1], work_unit=camp.unit("TTR").name))
