"""Ties broken by the Law's principle (Điều 5): women first, and units or collectives at least 70% women
first, by the sex January's registration records ("Giới tính"), through the command line:

- the block ranking of ``consolidate``: units of equal score, a unit whose registration lists at least
  70% women comes first (and alone leads its block for the Cờ thi đua, checked by ``collect``); units
  still equal share their rank; the master's list of ties says which rule decided;
- the council's result list of ``council tally``: equal "yes" votes for the same award, a woman (or a
  collective at least 70% women) first, the note column saying the rule decided;
- ``yearend.ties.order_candidates``: the candidates' order, the same rule.
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms.scoring import ranking_sheet
from sheets_tools.master.book import HEADER
from sheets_tools.store.ledger import Ledger
from sheets_tools.yearend.council import FIRST_ROW, HEADER_ROW, MEMBERS_SHEET, VOTES_SHEET
from sheets_tools.yearend.lines import candidates

from workbooks import make_return, scoring_workbook

JANUARY = datetime(2024, 1, 20, 9, 0)
YEAR_END = datetime(2024, 11, 20, 9, 0)
HTT, HTXS = "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ"
CSTDCS, CO = "Chiến sĩ thi đua cơ sở", "Cờ thi đua của Ủy ban nhân dân tỉnh"
VP, XDKT, BMT = "Văn phòng Sở", "Phòng Xây dựng và Kiểm tra văn bản quy phạm pháp luật", \
    "Phòng Tư pháp thành phố Buôn Ma Thuột"
HEAD = HEADER + 1  # 1-based row of the master's column labels


def woman(family: str, given: str, born: int) -> dict:
    return dict(family_name=family, given_name=given, birth_date=date(born, 3, 15), sex="Nữ")


def man(family: str, given: str, born: int) -> dict:
    return dict(family_name=family, given_name=given, birth_date=date(born, 5, 2), sex="Nam")


THUY = woman("Nguyễn Thị", "Thuỷ", 1985)  # registered with the old tone placement, proposed as "Thủy"
NAM = man("Trần Văn", "Nam", 1980)
WOMEN_VP = [THUY, woman("Lê Thị", "Thu", 1978), woman("Hoàng Thị", "Lan", 1988), NAM]  # 3 of 4: 75%
EVEN_VP = [THUY, NAM]  # 50%
XDKT_PEOPLE = [man("Phạm Minh", "Đức", 1990), woman("Đỗ Thị", "Mai", 1992)]  # 50%
BMT_PEOPLE = [man("Võ Văn", "Tám", 1975)]

_files = iter(range(10_000))


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def collect(camp, path: Path, moment: datetime) -> dict:
    """``sheets-tools collect`` of one file received at ``moment``: the file's JSON record."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(path), "--json", "--no-feedback"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    [record] = json.loads(result.output)["files"]
    return record


def register(camp, unit: str, people: list[dict], team: str) -> None:
    """January: the unit registers its people for CSTĐCS and itself for the Cờ thi đua."""
    rows = {"individuals": [{**p, "last_rating": HTT, "title": CSTDCS} for p in people],
            "collectives": [{"collective_name": team, "title": CO}],
            "movements": [{"movement": camp.movements[0].name}]}
    path = make_return(camp.dir.parent / f"dang-ky-{unit}-{next(_files)}.xlsx", camp, unit, rows)
    assert collect(camp, path, JANUARY)["status"] == "accepted"


def score(camp, unit: str) -> None:
    """The unit's scoring form, every criterion at its standard (100 points)."""
    path = camp.dir.parent / f"cham-diem-{unit}-{next(_files)}.xlsx"
    scoring_workbook(camp, unit).save(path)
    assert collect(camp, path, YEAR_END)["status"] == "accepted"


def year(camp, vp_people: list[dict]) -> None:
    """VP and XDKT (one block) score the same; PTP-BMT leads the district block alone."""
    for unit, people, team in (("VP", vp_people, VP), ("XDKT", XDKT_PEOPLE, XDKT), ("PTP-BMT", BMT_PEOPLE, BMT)):
        register(camp, unit, people, team)
        score(camp, unit)


def person(who: dict, **more) -> dict:
    return {**who, "rating": HTXS, "title": CSTDCS, "unit_vote": 100, "pending": "Không",
            "achievements": "Hoàn thành xuất sắc nhiệm vụ", **more}


def team(name: str) -> dict:
    return {"collective_name": name, "rating": HTXS, "title": CO, "members": 10, "ldtt_members": 9,
            "cstdcs_members": 2, "incomplete_members": 0, "disciplined_members": 0, "unit_vote": 100,
            "pending": "Không", "achievements": "Dẫn đầu khối thi đua"}


def propose(camp, unit: str, people=(), teams=()) -> dict:
    path = camp.dir.parent / f"de-nghi-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"individuals": list(people), "collectives": list(teams)}, form_id="proposals")
    return collect(camp, path, YEAR_END)


def codes(record: dict) -> list[str]:
    return [f["code"] for f in record["findings"]]


# --- the block ranking ----------------------------------------------------------------------------------
def ranking(camp) -> tuple[list[tuple], list[str]]:
    """``sheets-tools consolidate``: the first block's ranking sheet, (unit, rank, note) of its ranked
    units, and the texts below the table."""
    run("consolidate", camp.dir)
    ws = load_workbook(next((camp.dir / "master").glob("*.xlsx")))[ranking_sheet(1)]
    cols = {c.value: c.column for c in ws[HEAD] if c.value}
    rows, texts = [], []
    for r in range(HEAD + 1, ws.max_row + 1):
        code, rank = ws.cell(row=r, column=cols["Mã đơn vị"]).value, ws.cell(row=r, column=cols["Hạng"]).value
        if code and rank is not None:
            rows.append((code, rank, ws.cell(row=r, column=cols["Diễn giải"]).value))
        elif not code and isinstance(ws.cell(row=r, column=1).value, str):
            texts.append(ws.cell(row=r, column=1).value)
    return rows, texts


def test_a_unit_at_least_seventy_percent_women_comes_first(camp):
    year(camp, WOMEN_VP)
    rows, texts = ranking(camp)
    assert rows[:2] == [("VP", 1, "Bằng điểm, xếp theo nữ từ 70% trở lên"),
                        ("XDKT", 2, "Bằng điểm, xếp theo nữ từ 70% trở lên")]
    [tie] = [t for t in texts if VP in t]
    assert tie.startswith(f"Bằng điểm: {VP} (hạng 1), {XDKT} (hạng 2) (cùng 100 điểm): ")
    assert "nữ từ 70% trở lên" in tie and "Điều 5" in tie and f"{VP} xếp trên {XDKT}" in tie
    assert "vẫn đồng hạng" not in tie


def test_the_unit_the_rule_puts_first_alone_leads_for_the_flag(camp):
    year(camp, WOMEN_VP)
    assert codes(propose(camp, "VP", teams=[team(VP)])) == []
    record = propose(camp, "XDKT", teams=[team(XDKT)])
    assert codes(record) == ["proposal.not_leader"]
    assert f"là {VP}" in record["findings"][0]["message"]


SEVEN = ("Hạnh", "Hương", "Hoa", "Huệ", "Hằng", "Hiền", "Hà")
SEVEN_OF_TEN = ([woman("Ngô Thị", g, 1980 + i) for i, g in enumerate(SEVEN)]
                + [man("Bùi Văn", g, 1990 + i) for i, g in enumerate(("Hùng", "Hải", "Hiếu"))])
TWO_OF_THREE = [woman("Ngô Thị", "Hạnh", 1981), woman("Lý Thị", "Hương", 1982), man("Bùi Văn", "Hùng", 1983)]


@pytest.mark.parametrize("people, first", [(SEVEN_OF_TEN, True), (TWO_OF_THREE, False)], ids=["70%", "66.7%"])
def test_seventy_percent_is_enough_and_less_is_not(camp, people, first):
    year(camp, people)
    rows, _ = ranking(camp)
    expected = [("VP", 1), ("XDKT", 2)] if first else [("VP", 1), ("XDKT", 1)]
    assert sorted((unit, rank) for unit, rank, _ in rows[:2]) == expected


def test_units_still_equal_stay_tied(camp):
    year(camp, EVEN_VP)  # VP 50% women, XDKT 50%: the rule cannot decide
    rows, texts = ranking(camp)
    assert sorted(rows[:2]) == [("VP", 1, "Đồng hạng"), ("XDKT", 1, "Đồng hạng")]
    [tie] = [t for t in texts if VP in t]
    assert tie.startswith("Đồng hạng: ") and "vẫn đồng hạng" in tie and "Điều 5" in tie
    assert codes(propose(camp, "XDKT", teams=[team(XDKT)])) == []  # both lead the block


# --- the council: candidates and results ---------------------------------------------------------------------
def proposals(camp) -> None:
    """The year's proposals: Nam then Thủy (registered "Thuỷ") for CSTĐCS, each block's leader for the Cờ."""
    year(camp, WOMEN_VP)
    thuy = {**THUY, "given_name": "Thủy"}
    assert codes(propose(camp, "PTP-BMT", teams=[team(BMT)])) == []
    assert codes(propose(camp, "VP", [person(NAM), person(thuy)], [team(VP)])) == []


def columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def vote(camp, yes: dict[str, int]) -> list[str]:
    """``council ballot --counts``, every member present, then the "yes" count typed per name (the rest no).
    Returns the names in the ballot's order."""
    run("council", "ballot", camp.dir, "--counts")
    path = next((camp.dir / "council").glob("Phiếu*.xlsx"))
    wb = load_workbook(path)
    ws = wb[MEMBERS_SHEET]
    cols, r = columns(ws), FIRST_ROW
    while ws.cell(row=r, column=cols["Họ và tên"]).value:
        ws.cell(row=r, column=cols["Có mặt"], value="Có")
        ws.cell(row=r, column=cols["Biểu quyết bằng văn bản"], value="Không")
        r += 1
    vs = wb[VOTES_SHEET]
    cols, r, names = columns(vs), FIRST_ROW, []
    while vs.cell(row=r, column=cols["Mã ứng viên"]).value:
        names.append(vs.cell(row=r, column=cols["Họ và tên cá nhân, tên tập thể"]).value)
        count = yes[names[-1]]
        vs.cell(row=r, column=cols["Số phiếu đồng ý"], value=count)
        vs.cell(row=r, column=cols["Số phiếu không đồng ý"], value=9 - count)
        r += 1
    wb.save(path)
    return names


def results(camp, yes: dict[str, int]) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """``council tally``: the result list, award heading -> (name, note) in its order; the ballot's order."""
    ballot = vote(camp, yes)
    run("council", "tally", camp.dir)
    ws = load_workbook(next((camp.dir / "council").glob("Kết quả*.xlsx")))["Kết quả biểu quyết"]
    out: dict[str, list[tuple[str, str]]] = {}
    heading = ""
    for row in ws.iter_rows(min_row=8, values_only=True):
        if isinstance(row[0], str) and row[0][:2] in ("I.", "II"):
            heading = row[0]
        elif isinstance(row[0], int):
            out.setdefault(heading, []).append((row[1], row[7]))
    return out, ballot


def group(found: dict, award: str) -> list[tuple[str, str]]:
    [rows] = [rows for heading, rows in found.items() if f" {award} " in heading]
    return rows


def test_equal_votes_put_women_and_women_collectives_first(camp):
    proposals(camp)
    found, _ = results(camp, {"Trần Văn Nam": 8, "Nguyễn Thị Thủy": 8, VP: 8, BMT: 8})
    individuals, flags = group(found, CSTDCS), group(found, CO)
    assert [name for name, _ in individuals] == ["Nguyễn Thị Thủy", "Trần Văn Nam"]
    assert "xếp trước theo nguyên tắc ưu tiên cá nhân nữ" in individuals[0][1]
    assert "xếp sau theo nguyên tắc ưu tiên cá nhân nữ" in individuals[1][1]
    assert all(note.startswith("Đạt 8/9 phiếu") and "Bằng số phiếu đồng ý" in note for _, note in individuals)
    assert [name for name, _ in flags] == [VP, BMT]
    assert "xếp trước" in flags[0][1] and "tập thể có từ 70% nữ trở lên" in flags[0][1]


def test_unequal_votes_keep_their_order_and_no_tie_note(camp):
    proposals(camp)
    found, ballot = results(camp, {"Trần Văn Nam": 9, "Nguyễn Thị Thủy": 8, VP: 9, BMT: 8})
    individuals = group(found, CSTDCS)
    assert [name for name, _ in individuals] == [n for n in ballot if n in ("Trần Văn Nam", "Nguyễn Thị Thủy")]
    assert not any("Bằng số phiếu" in note for _, note in individuals)


def test_order_candidates_puts_women_first_among_the_same_award(camp):
    from sheets_tools.yearend.ties import order_candidates
    proposals(camp)
    with Ledger(camp.dir) as ledger:
        context = Context(camp, ledger)
        given = sorted(candidates(context), key=lambda c: c.name not in ("Trần Văn Nam", BMT))  # men's first
        ordered = order_candidates(context, given)
    assert [c.name for c in given if c.award_code == "CSTDCS"] == ["Trần Văn Nam", "Nguyễn Thị Thủy"]
    assert sorted(c.id for c in ordered) == sorted(c.id for c in given)
    by_award = {}
    for c in ordered:
        by_award.setdefault(c.award_code, []).append(c.name)
    assert by_award["CSTDCS"] == ["Nguyễn Thị Thủy", "Trần Văn Nam"]
    assert by_award["CO_TINH"] == [VP, BMT]
    # each award keeps the places it had in the given order
    assert [c.award_code for c in ordered] == [c.award_code for c in given]



def test_a_tie_of_many_names_a_few_and_counts_the_rest():
    """47 candidates with 9/9 votes each: a note naming 46 others ran to a page per line on the results."""
    from sheets_tools.yearend.ties import named_few

    assert named_few(["A", "B"]) == "A, B"
    assert named_few(["A", "B", "C", "D"]) == "A, B, C, D"
    many = named_few([f"Người {i}" for i in range(46)])
    assert many == "Người 0, Người 1, Người 2 và 43 trường hợp khác"
