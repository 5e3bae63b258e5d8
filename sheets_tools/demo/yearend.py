"""The year-end part of ``sheets-tools demo``: scores, proposals, the office's check, the council, the decision.

Runs after the registration cycle of demo.py on the same sample campaign. The simulated units make
the mistakes the checks must catch (named in MISTAKES below); the office types checked scores into the
master, the council votes (one candidate short of 80% of the whole membership), and the decision
lists are written and added to the award history.
"""
from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from openpyxl import Workbook, load_workbook

from sheets_tools.yearend import award
from sheets_tools.yearend import council
from sheets_tools.yearend.documents import decide_with_documents
from sheets_tools.yearend import history_import as history
from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.collect import collect
from sheets_tools.master.consolidate import consolidate, master_path
from sheets_tools.core.files import atomic_save
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from sheets_tools.store.ledger import Ledger
from sheets_tools.collection.report import format_files
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms.initiatives import Initiative, registered
from sheets_tools.forms.scoring import CHECK_SHEET
from sheets_tools.core.text import person_key
from sheets_tools.collection.issue import issue
from sheets_tools.yearend.ranking import rankings
from sheets_tools.demo.common import issued_file, mail_back, registered_people, write_rows

YEAR_END_TODAY = date(2024, 12, 5)  # after the November deadline
SCORING_MISSING = {"DGTS", "PTP-LAK"}
PROPOSALS_MISSING = {"DGTS", "PTP-LAK", "PTP-KBK"}
HTXS, HTT, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
MISTAKES = {  # unit -> what it gets wrong (the checks must catch it)
    "PTP-BH": "điểm tự chấm cao hơn điểm chuẩn",
    "PTP-KN": "điểm không thuộc các mức điểm của tiêu chí",
    "PBGD": "điểm thấp hơn điểm chuẩn mà không ghi lý do; một người đang bị xem xét kỷ luật",
    "CC1": "thiếu tài liệu minh chứng",
    "PTP-KP": "ghi đè ô tổng của mục A",
    "PTP-BMT": "đề nghị một người chưa đăng ký thi đua",
    "PTP-CK": "đề nghị Lao động tiên tiến cho người chỉ hoàn thành nhiệm vụ",
    "XDKT": "đề nghị Chiến sĩ thi đua cơ sở không có sáng kiến, không hoàn thành xuất sắc",
    "BTTP": "đề nghị Tập thể lao động xuất sắc khi chưa đủ 70% thành viên đạt Lao động tiên tiến",
    "TGPL": "đề nghị Chiến sĩ thi đua cấp tỉnh khi lịch sử khen thưởng thiếu năm 2022",
    "PTP-EK": "đề nghị Cờ thi đua khi không dẫn đầu khối",
}
# when the initiative stage ran before (demo/initiatives.py), proposals rest on the registered initiatives:
INITIATIVE_CITED = "TTR"  # a CSTĐCS on "Hoàn thành tốt" resting on an initiative the council recognised
INITIATIVE_MISTAKES = {
    "PTP-CMG": "đề nghị Chiến sĩ thi đua cơ sở dựa trên sáng kiến Hội đồng Sáng kiến không công nhận",
    "PTP-EHL": "đề nghị Chiến sĩ thi đua cơ sở dựa trên sáng kiến chưa đăng ký với Hội đồng Sáng kiến",
}
CSTDCS, CSTD_TINH = "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh"


def run_year_end(camp: Campaign, echo: Callable[[str], None], step: int) -> int:
    """Run the year-end stage; returns the next step number."""
    rng = random.Random(1122)
    directory = camp.dir
    people = registered_people(camp)
    hist = directory / "lich-su-khen-thuong.xlsx"
    _history_workbook(hist, camp, people)
    imported = history.import_history(camp, hist)
    echo(f"{step}. Nhập lịch sử khen thưởng các năm trước: {imported.added} dòng ({hist.name})")
    issued = issue(camp, ["scoring", "proposals"])
    echo(f"{step + 1}. Đã ghi {len(issued.files)} biểu mẫu tự chấm điểm và đề nghị khen thưởng vào outbox")
    inbox = directory / "inbox-cuoi-nam"
    sent = _send_scores(camp, inbox / "cham-diem", rng)
    scored = collect(camp, [inbox / "cham-diem"])
    echo(f"{step + 2}. Mô phỏng {sent} bảng tự chấm điểm; kết quả kiểm tra:\n" + format_files(scored))
    with Ledger(directory) as ledger:
        ranked = rankings(Context(camp, ledger))
    sent = _send_proposals(camp, inbox / "de-nghi", people, ranked, rng, _initiatives(camp))
    proposed = collect(camp, [inbox / "de-nghi"])
    echo(f"{step + 3}. Mô phỏng {sent} hồ sơ đề nghị khen thưởng; kết quả kiểm tra:\n" + format_files(proposed))
    consolidate(camp, today=YEAR_END_TODAY)
    checked = _office_checks(camp, ranked)
    master = consolidate(camp, today=YEAR_END_TODAY)
    echo(f"{step + 4}. Văn phòng nhập điểm thẩm định cho {checked} đơn vị vào trang \"{CHECK_SHEET}\"; "
         f"xếp hạng lại trong {master.path.name}")
    ballot = award.make_ballot(camp)
    if ballot.path is None:
        echo(f"{step + 5}. Không có trường hợp nào cần Hội đồng biểu quyết.")
    else:
        _vote(camp, ballot.path)
        counted = award.count_votes(camp, ballot.path)
        echo(f"{step + 5}. Hội đồng biểu quyết {ballot.candidates} trường hợp (tỷ lệ tính trên tổng số thành viên): "
             f"đạt {counted.passed}; kết quả: {counted.path}")
    done = decide_with_documents(camp, number="245/QĐ-STP", signed_on=date(camp.info.year, 12, 15))
    decided = done.decided
    echo(f"{step + 6}. Danh sách khen thưởng ({len(decided.awards)} dòng): "
         + "; ".join(str(p) for p in decided.paths) + f". Đã ghi {decided.recorded} khen thưởng vào lịch sử. "
         f"Tờ trình, quyết định (theo mẫu trong thư mục \"mẫu văn bản\"): "
         + "; ".join(str(p) for p in done.documents))
    consolidate(camp, today=YEAR_END_TODAY)
    return step + 7


# --- the award history the office already has ------------------------------------------------------
def _history_workbook(path: Path, camp: Campaign, people: dict[str, list[dict]]) -> None:
    """CSTĐCS of the two previous years for VP's first person; only the last year for TGPL's."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Lịch sử khen thưởng"
    ws.append(["Họ và tên đệm", "Tên", "Ngày sinh", "Đơn vị", "Năm", "Danh hiệu, hình thức", "Số quyết định",
               "Ngày quyết định"])
    year = camp.info.year
    for code, years in (("VP", (year - 2, year - 1)), ("TGPL", (year - 1,))):
        if not people.get(code):
            continue
        p, unit = people[code][0], camp.unit(code)
        for y in years:
            ws.append([p["family_name"], p["given_name"], p["birth_date"], unit.name, y, "Chiến sĩ thi đua cơ sở",
                       f"{100 + y % 100}/QĐ-STP", date(y, 12, 20)])
    for row in ws.iter_rows(min_row=2):
        row[2].number_format = row[7].number_format = "dd/mm/yyyy"
    atomic_save(wb, path)


# --- scoring ---------------------------------------------------------------------------------------
def _send_scores(camp: Campaign, inbox: Path, rng: random.Random) -> int:
    form = get_form("scoring")
    sheet = form.sheet("scores")
    count = 0
    for unit in camp.units:
        table = camp.criteria_of(unit)
        if unit.code in SCORING_MISSING or table is None:
            continue
        wb = load_workbook(issued_file(camp, form, unit))
        ws = wb[sheet.name]
        at = {ws[f"{sheet.column('code').letter}{r}"].value: r for r in range(FIRST_ROW, FIRST_ROW + len(table.items) + 1)}
        col = {c.field: c.letter for c in sheet.columns}
        for c in table.leaves:
            value, note = _score(c, rng)
            r = at[c.code]
            ws[f"{col['score']}{r}"] = value
            if note:
                ws[f"{col['note']}{r}"] = note
            if c.evidence and value:
                ws[f"{col['evidence']}{r}"] = f"Văn bản số {rng.randint(10, 300)}/{unit.code}"
        _score_mistake(unit.code, table, ws, at, col)
        mail_back(camp, unit, wb, inbox, "tu-cham-diem", "bảng tự chấm điểm thi đua",
              datetime(camp.info.year, 11, rng.randint(18, 28), rng.randint(8, 16)))
        count += 1
    return count


def _score(c, rng: random.Random) -> tuple[float, str]:
    if c.kind != "score":
        return (0, "") if rng.random() < 0.7 else (min(c.standard, c.values[0] if c.values else 1), "")
    options = list(c.values) or [c.standard, c.standard, c.standard - 1]
    value = options[0] if rng.random() < 0.7 else rng.choice(options[:3])
    return value, ("" if value >= c.standard else "Chưa đạt toàn bộ chỉ tiêu (xem báo cáo tổng kết)")


def _score_mistake(code: str, table, ws, at: dict, col: dict) -> None:
    leaves = {c.code: c for c in table.leaves}
    if code == "PTP-BH":
        ws[f"{col['score']}{at['A.II.2.2']}"] = leaves["A.II.2.2"].standard + 2
    elif code == "PTP-KN":
        ws[f"{col['score']}{at['A.I.1']}"] = 9
    elif code == "PBGD":
        ws[f"{col['score']}{at['A.II.1']}"] = 20
        ws[f"{col['note']}{at['A.II.1']}"] = None
    elif code == "CC1":
        ws[f"{col['score']}{at['A.II.2.1']}"] = 5
        ws[f"{col['evidence']}{at['A.II.2.1']}"] = None
    elif code == "PTP-KP":
        ws[f"{col['score']}{at['A']}"] = 58.25


# --- proposals -------------------------------------------------------------------------------------
def _send_proposals(camp: Campaign, inbox: Path, people: dict[str, list[dict]], ranked: dict,
                    rng: random.Random, initiatives: dict[str, list[Initiative]]) -> int:
    form = get_form("proposals")
    count = 0
    district = next((ranks for block, ranks in ranked.items() if "huyện" in block), [])
    leader = next((r.unit for r in district if r.rank == 1), None)
    for unit in camp.units:
        mine = people.get(unit.code)
        if unit.code in PROPOSALS_MISSING or not mine:
            continue
        individuals = [_proposal(p, rng) for p in mine]
        collectives = [{"collective_name": unit.name, "rating": HTT, "title": "Tập thể lao động tiên tiến",
                        "members": 20, "ldtt_members": 17, "cstdcs_members": 2, "incomplete_members": 0,
                        "disciplined_members": 0, "unit_vote": 95, "pending": "Không",
                        "achievements": f"{unit.name} hoàn thành tốt nhiệm vụ năm {camp.info.year}."}]
        if unit.code in (leader, "PTP-EK"):
            collectives.append({**collectives[0], "title": "Cờ thi đua của Ủy ban nhân dân tỉnh", "rating": HTXS,
                                "achievements": f"Dẫn đầu khối thi đua năm {camp.info.year}."})
        _proposal_mistake(unit.code, individuals, collectives, rng)
        _cite_initiatives(unit.code, individuals, initiatives.get(unit.code, []))
        wb = load_workbook(issued_file(camp, form, unit))
        for key, rows in (("individuals", individuals), ("collectives", collectives)):
            write_rows(wb, form.sheet(key), rows)
        mail_back(camp, unit, wb, inbox, "de-nghi-khen-thuong", "hồ sơ đề nghị khen thưởng",
              datetime(camp.info.year, 11, rng.randint(20, 29), rng.randint(8, 16)))
        count += 1
    return count


def _proposal(p: dict, rng: random.Random) -> dict:
    cstdcs = (p.get("title") or "") == "Chiến sĩ thi đua cơ sở"
    return {**{k: p.get(k) for k in ("family_name", "given_name", "birth_date", "sex", "position")},
            "rating": HTXS if cstdcs else HTT, "title": p.get("title"), "unit_vote": rng.choice([85, 90, 100]),
            "pending": "Không", "initiative": f"Sáng kiến \"Cải tiến quy trình\" (QĐ công nhận số {rng.randint(5, 90)}/QĐ-HĐSK)"
            if cstdcs else None, "initiative_scope": "Cơ sở" if cstdcs else None,
            "achievements": "Hoàn thành tốt nhiệm vụ được giao; tham gia tích cực các phong trào thi đua."}


def _proposal_mistake(code: str, individuals: list[dict], collectives: list[dict], rng: random.Random) -> None:
    first = individuals[0]
    if code == "VP":  # CSTĐ cấp tỉnh, with CSTĐCS this year and the two previous years in the history
        first.update(rating=HTXS, title="Chiến sĩ thi đua cơ sở", initiative="Đề án số hóa hồ sơ (QĐ 12/QĐ-UBND)",
                     initiative_scope="Tỉnh, bộ")
        individuals.append({**first, "title": "Chiến sĩ thi đua cấp tỉnh"})
    elif code == "TGPL":
        individuals.append({**first, "rating": HTXS, "title": "Chiến sĩ thi đua cấp tỉnh",
                            "initiative": "Đề tài cấp tỉnh (QĐ 33/QĐ-UBND)", "initiative_scope": "Tỉnh, bộ"})
    elif code == "PTP-BMT":
        individuals.append({**first, "family_name": "Lương Văn", "given_name": "Khải", "birth_date": date(1985, 4, 2)})
    elif code == "PTP-CK":
        first.update(rating=HT, title="Lao động tiên tiến", initiative=None, initiative_scope=None)
    elif code == "XDKT":
        first.update(rating=HTT, title="Chiến sĩ thi đua cơ sở", initiative=None, initiative_scope=None)
    elif code == "PBGD":
        first["pending"] = "Có"
    elif code == "BTTP":
        collectives[0].update(title="Tập thể lao động xuất sắc", rating=HTXS, ldtt_members=12)


def _initiatives(camp: Campaign) -> dict[str, list[Initiative]]:
    """The initiatives the units registered (none when the initiative stage did not run), by unit."""
    with Ledger(camp.dir) as ledger:
        items = registered(Context(camp, ledger))
    out: dict[str, list[Initiative]] = {}
    for item in items:
        out.setdefault(item.unit, []).append(item)
    return out


def _cite_initiatives(code: str, individuals: list[dict], initiatives: list[Initiative]) -> None:
    """Proposals resting on the unit's registered initiatives: VP's CSTĐ cấp tỉnh on its initiative of
    provincial scope (the scope cell left empty: the registered one counts); one CSTĐCS on a recognised
    initiative, one on an initiative the council refused, one on an initiative never registered."""
    def author_row(item: Initiative) -> dict | None:
        return next((r for r in individuals if item.authors and person_key(_name(r)) == person_key(item.authors[0])),
                    None)

    if not initiatives:
        return
    if code == "VP":
        item = next((i for i in initiatives if i.scope_level in ("Tỉnh, bộ", "Toàn quốc") and i.recognised), None)
        for row in individuals:
            if item is not None and row.get("title") == CSTD_TINH and item.has_author(_name(row)):
                row.update(initiative=f"{item.title} ({item.decision})", initiative_scope=None)
    elif code in (INITIATIVE_CITED, "PTP-CMG"):
        wanted = code == INITIATIVE_CITED
        item = next((i for i in initiatives if i.recognised is wanted and author_row(i) is not None), None)
        if item is not None:
            author_row(item).update(title=CSTDCS, rating=HTT, initiative_scope=None, initiative=item.title + (
                f" ({item.decision})" if item.decision else ""))
    elif code == "PTP-EHL":
        individuals[0].update(title=CSTDCS, rating=HTT, initiative_scope=None,
                              initiative="Sáng kiến \"Sổ tay nghiệp vụ hộ tịch\" (đang chờ công nhận)")


def _name(row: dict) -> str:
    return f"{row.get('family_name') or ''} {row.get('given_name') or ''}".strip()


# --- the office and the council ------------------------------------------------------------------
def _office_checks(camp: Campaign, ranked: dict) -> int:
    """The office types checked scores for the first units of each block (one lowered by 3 points)."""
    path = master_path(camp)
    wb = load_workbook(path)
    ws = wb[CHECK_SHEET]
    labels = {str(c.value): c.column for c in ws[6] if c.value}
    count = 0
    for r in range(7, ws.max_row + 1):
        own = ws.cell(row=r, column=labels["Tổng điểm tự chấm"]).value
        if isinstance(own, (int, float)) and count < 6:
            lowered = count == 0
            ws.cell(row=r, column=labels["Điểm thẩm định"]).value = own - 3 if lowered else own
            ws.cell(row=r, column=labels["Ý kiến thẩm định"]).value = (
                "Trừ 3 điểm: minh chứng tiêu chí A.II.1 chưa đầy đủ" if lowered else "Thống nhất với điểm tự chấm")
            count += 1
    atomic_save(wb, path)
    return count


def _vote(camp: Campaign, path: Path) -> None:
    """Eight members present, one votes in writing; one CSTĐCS candidate gets only 7 of 9 votes."""
    wb = load_workbook(path)
    members = wb[council.MEMBERS_SHEET]
    head = {str(c.value): c.column for c in members[council.HEADER_ROW] if c.value}
    for i, r in enumerate(range(council.FIRST_ROW, council.FIRST_ROW + len(camp.council))):
        members.cell(row=r, column=head[council.L_PRESENT]).value = "Không" if i == len(camp.council) - 1 else "Có"
        members.cell(row=r, column=head[council.L_WRITING]).value = "Có" if i == len(camp.council) - 1 else "Không"
    votes = wb[council.VOTES_SHEET]
    head = {str(c.value): c.column for c in votes[council.HEADER_ROW] if c.value}
    names = [m.name for m in camp.council]
    short_of = None
    for r in range(council.FIRST_ROW, votes.max_row + 1):
        award_name = votes.cell(row=r, column=head[council.L_AWARD]).value
        if not award_name:
            continue
        against = 2 if short_of is None and award_name == "Chiến sĩ thi đua cơ sở" else 0
        short_of = r if against else short_of
        for i, name in enumerate(names):
            votes.cell(row=r, column=head[name]).value = council.NO if i < against else council.YES
    atomic_save(wb, path)


# --- helpers -------------------------------------------------------------------------------------
