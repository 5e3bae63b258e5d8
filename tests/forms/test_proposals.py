"""The proposal form's rules (domain.md §3): each rule with a case that passes and a case that fails,
checked the way ``sheets-tools validate`` checks a file (with the campaign's ledger: January's
registrations, the award history, the scoring results). Each rule's finding cites its basis."""
from __future__ import annotations

import os
import sys
import types
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.store import history
from sheets_tools.collection.collect import check as check_files
from sheets_tools.collection.collect import collect
from sheets_tools.core.findings import CATALOGUE, ERROR, WARNING, message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form, load_forms
from sheets_tools.formkit.files import FORMS_PACKAGE
from sheets_tools.formkit.plugins import Context, load_all_rules, rules_for
from sheets_tools.store.history import PastAward
from sheets_tools.store.ledger import Ledger
from sheets_tools.forms.initiatives import COUNCIL_SCOPE, entry_key
from sheets_tools.forms import proposals
from sheets_tools.forms.proposal_collectives import HTT, HTXS, PRINCIPLE
from sheets_tools.master.book import HEADER
from sheets_tools.master.consolidate import consolidate
from sheets_tools.store import office
from sheets_tools.yearend.lines import candidates, check_sheet, form_lines

from workbooks import with_setting, codes, make_return, only, scoring_workbook

FORM = get_form("proposals")
IND, COL = FORM.sheet("individuals"), FORM.sheet("collectives")
YEAR_END = datetime(2024, 11, 20, 9, 0)
JANUARY = datetime(2024, 1, 20, 9, 0)
LDTT, CSTDCS, CSTD_TINH = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh"
TTLDTT, TTLDXS, CO = "Tập thể lao động tiên tiến", "Tập thể lao động xuất sắc", "Cờ thi đua của Ủy ban nhân dân tỉnh"
GK_CN = "Giấy khen của Giám đốc Sở (cá nhân)"
BLOCK = "Khối các phòng, đơn vị thuộc Sở"

HOA = dict(family_name="Nguyễn Thị", given_name="Hoa", birth_date=date(1985, 3, 15), sex="Nữ")
NAM = dict(family_name="Trần Văn", given_name="Nam", birth_date=date(1980, 5, 2), sex="Nam")
THU = dict(family_name="Lê Thị", given_name="Thu", birth_date=date(1978, 7, 9), sex="Nữ")
DUC = dict(family_name="Phạm Minh", given_name="Đức", birth_date=date(1990, 1, 1), sex="Nam")
LAN = dict(family_name="Hoàng Thị", given_name="Lan", birth_date=date(1988, 9, 30), sex="Nữ")
TAM = dict(family_name="Võ Văn", given_name="Tám", birth_date=date(1975, 12, 1), sex="Nam")  # never registered
REGISTERED = [(HOA, LDTT), (NAM, CSTDCS), (THU, CSTD_TINH), (DUC, LDTT), (LAN, CSTDCS)]
TEAMS = [("Tổ Tổng hợp", TTLDTT), ("Tổ Hành chính", TTLDXS), ("Văn phòng Sở", CO)]


def when(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def register(camp, unit: str, people, teams, tmp: Path) -> None:
    """January: the unit's registration, collected into the ledger."""
    rows = {"individuals": [{**p, "last_rating": HTT, "title": t} for p, t in people],
            "collectives": [{"collective_name": n, "title": t} for n, t in teams],
            "movements": [{"movement": camp.movements[0].name}]}
    path = when(make_return(tmp / f"dang-ky-{unit}.xlsx", camp, unit, rows), JANUARY)
    [done] = collect(camp, [path], feedback=False).files
    assert done.result.status == "accepted", codes(done.result)


@pytest.fixture
def camp(camp, tmp_path):
    """The sample campaign (conftest.py ``camp``) with VP's January registration collected."""
    register(camp, "VP", REGISTERED, TEAMS, tmp_path)
    return camp



def person(who: dict, title: str | None = LDTT, **more) -> dict:
    return {**who, "rating": HTT, "title": title, "unit_vote": 100, "pending": "Không",
            "achievements": "Hoàn thành tốt nhiệm vụ được giao", **more}


def team(name: str, title: str | None = TTLDTT, **more) -> dict:
    return {"collective_name": name, "rating": HTT, "title": title, "members": 10, "ldtt_members": 8,
            "cstdcs_members": 1, "incomplete_members": 0, "disciplined_members": 0, "unit_vote": 100,
            "pending": "Không", "achievements": "Hoàn thành tốt nhiệm vụ", **more}


_files = iter(range(10_000))


def proposed(camp, people=(), teams=(), unit: str = "VP"):
    """Check one proposal file of ``unit`` like ``sheets-tools validate`` (with the ledger)."""
    path = camp.dir.parent / f"de-nghi-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"individuals": list(people), "collectives": list(teams)}, form_id="proposals")
    [done] = check_files(camp, [when(path, YEAR_END)]).files
    assert done.result.form_id == "proposals" and done.result.unit_code == unit
    return done.result


def who(p: dict) -> str:
    return f"Ông/bà {p['family_name']} {p['given_name']} (sinh ngày {p['birth_date']:%d/%m/%Y})"


def of(name: str) -> str:
    return f"Tập thể \"{name}\""


def basis(camp, award: str) -> str:
    return camp.basis(camp.catalogue_item(award))


def registration_basis() -> str:
    return "Kế hoạch phát động thi đua năm 2024: đăng ký thi đua trước 31/01/2024"


def cited(result, code: str, cell: str | None = None):
    """The one finding of ``code``, which must cite its basis (and sit at ``cell``)."""
    f = only(result, code)
    assert "Căn cứ" in f.message, f.message
    if cell is not None:
        assert f.cell == cell
    return f


def col(sheet, field: str, n: int = 0) -> str:
    return f"{sheet.column(field).letter}{FIRST_ROW + n}"


# --- a correct file ---------------------------------------------------------------------------------
def test_correct_proposals_have_no_findings(camp):
    result = proposed(camp, [person(HOA), person(NAM, CSTDCS, rating=HTXS), person(DUC, award_form=GK_CN)],
                      [team("Tổ Tổng hợp")])
    assert result.findings == []
    assert result.status == "accepted"


# --- one row, one rule ------------------------------------------------------------------------------
def test_nothing_proposed(camp):
    bare = person(HOA, None)
    f = only(proposed(camp, [bare]), "proposal.nothing")
    assert (f.cell, f.severity) == (col(IND, "title"), ERROR)
    assert f.message == message("proposal.nothing", what=who(HOA))
    # a form of commendation alone is a proposal (no title rules apply to it)
    assert proposed(camp, [person(TAM, None, award_form=GK_CN)]).findings == []


def test_pending_discipline_blocks_the_proposal(camp):
    result = proposed(camp, [person(HOA, pending="Có")])
    f = cited(result, "proposal.pending", col(IND, "pending"))
    assert f.message == message("proposal.pending", what=who(HOA), basis=PRINCIPLE)
    assert codes(result) == ["proposal.pending"]
    assert proposed(camp, [person(HOA, pending="Không")]).findings == []
    # it blocks a form of commendation too
    assert codes(proposed(camp, [person(TAM, None, award_form=GK_CN, pending="Có")])) == ["proposal.pending"]


def test_ldtt_needs_a_good_rating(camp):
    result = proposed(camp, [person(HOA, rating="Hoàn thành nhiệm vụ")])
    f = cited(result, "proposal.rating", col(IND, "rating"))
    assert f.message == message("proposal.rating", what=who(HOA), award=LDTT, need=HTT, value="Hoàn thành nhiệm vụ",
                                basis=basis(camp, LDTT))
    assert codes(result) == ["proposal.rating"]
    assert proposed(camp, [person(HOA, rating=HTT)]).findings == []
    assert proposed(camp, [person(HOA, rating=HTXS)]).findings == []


def test_cstdcs_needs_htxs_or_an_initiative(camp):
    result = proposed(camp, [person(NAM, CSTDCS, rating=HTT)])
    f = cited(result, "proposal.cstdcs_basis", col(IND, "initiative"))
    assert f.message == message("proposal.cstdcs_basis", what=who(NAM), award=CSTDCS,
                                label=IND.column("initiative").label, basis=basis(camp, CSTDCS))
    assert codes(result) == ["proposal.cstdcs_basis"]
    assert proposed(camp, [person(NAM, CSTDCS, rating=HTXS)]).findings == []
    initiative = "Sáng kiến số hóa hồ sơ, Quyết định số 12/QĐ-HĐSK"
    assert proposed(camp, [person(NAM, CSTDCS, rating=HTT, initiative=initiative, initiative_scope="Cơ sở")]
                    ).findings == []
    # and below "Hoàn thành tốt" the rating rule speaks first
    assert codes(proposed(camp, [person(NAM, CSTDCS, rating="Hoàn thành nhiệm vụ")])) == ["proposal.rating"]


# --- CSTĐ cấp tỉnh: initiative scope, three consecutive CSTĐCS from the award history ---------------------
INITIATIVE = "Đề án hòa giải trực tuyến, Quyết định số 45/QĐ-UBND"


def past_cstdcs(camp, who_: dict, *years: int) -> None:
    item = camp.catalogue_item(CSTDCS)
    with Ledger(camp.dir) as ledger:
        history.record(ledger, [PastAward.of_person(who_["family_name"], who_["given_name"], who_["birth_date"],
                                                    y, item, unit="Văn phòng Sở") for y in years], "test")


def province(scope: str | None = "Tỉnh, bộ", initiative: str | None = INITIATIVE, **more) -> dict:
    return person(THU, CSTD_TINH, rating=HTXS, initiative=initiative, initiative_scope=scope, **more)


def this_year(**more) -> dict:
    return person(THU, CSTDCS, rating=HTXS, **more)


def test_cstd_tinh_with_full_history_and_this_years_cstdcs(camp):
    past_cstdcs(camp, THU, 2022, 2023)
    assert proposed(camp, [province(), this_year()]).findings == []


def test_cstd_tinh_needs_an_initiative_of_provincial_scope(camp):
    past_cstdcs(camp, THU, 2022, 2023)
    result = proposed(camp, [province("Cơ sở"), this_year()])
    f = cited(result, "proposal.initiative_scope", col(IND, "initiative_scope"))
    assert f.message == message("proposal.initiative_scope", what=who(THU), award=CSTD_TINH, need="tỉnh, bộ trở lên",
                                value="Cơ sở", basis=basis(camp, CSTD_TINH))
    assert codes(result) == ["proposal.initiative_scope"]
    # a scope without the initiative itself
    f = cited(proposed(camp, [province(initiative=None), this_year()]), "proposal.initiative_scope")
    assert f.value == "Tỉnh, bộ"
    assert proposed(camp, [province("Toàn quốc"), this_year()]).findings == []


def test_cstd_tinh_history_missing_a_past_year(camp):
    past_cstdcs(camp, THU, 2022)
    result = proposed(camp, [province(), this_year()])
    f = cited(result, "proposal.history_missing", col(IND, "title"))
    # either run of three years counts (setting "history_window"): the missing years of each are named
    assert f.message == message("proposal.history_missing", what=who(THU), award=CSTD_TINH,
                                need="3 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\"", missing=CSTDCS,
                                years="2023 (tính các năm 2022-2024) hoặc năm 2021, 2023 (tính các năm 2021-2023)",
                                basis=basis(camp, CSTD_TINH))
    assert codes(result) == ["proposal.history_missing"]
    this_run = with_setting(camp, "history_window", "năm nay")
    f = cited(proposed(this_run, [province(), this_year()]), "proposal.history_missing")
    assert f.message == message("proposal.history_missing", what=who(THU), award=CSTD_TINH,
                                need="3 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\"", missing=CSTDCS, years="2023",
                                basis=basis(camp, CSTD_TINH))


def test_cstd_tinh_needs_this_years_cstdcs_in_the_same_file(camp):
    past_cstdcs(camp, THU, 2022, 2023)
    this_run = with_setting(camp, "history_window", "năm nay")  # the run ending this year only
    f = cited(proposed(this_run, [province()]), "proposal.history_missing")
    assert f.message == message("proposal.history_missing", what=who(THU), award=CSTD_TINH,
                                need="3 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\"", missing=CSTDCS, years="2024",
                                basis=basis(camp, CSTD_TINH))
    # someone else's CSTĐCS this year does not count for her
    assert codes(proposed(this_run, [province(), person(NAM, CSTDCS, rating=HTXS)])) == ["proposal.history_missing"]


def test_cstd_tinh_without_any_history(camp):
    f = cited(proposed(camp, [province()]), "proposal.history_missing")
    assert "năm 2022, 2023, 2024" in f.message


def test_history_of_another_person_with_the_same_name_does_not_count(camp):
    past_cstdcs(camp, {**THU, "birth_date": date(1979, 7, 9)}, 2022, 2023)
    f = cited(proposed(camp, [province(), this_year()]), "proposal.history_missing")
    assert "năm 2022, 2023 (tính các năm 2022-2024) hoặc năm 2021, 2022, 2023 (tính" in f.message


# --- collectives ----------------------------------------------------------------------------------------
def test_ttldtt_needs_its_share_of_ldtt_members(camp):
    result = proposed(camp, teams=[team("Tổ Tổng hợp", ldtt_members=6)])
    f = cited(result, "proposal.ldtt_share", col(COL, "ldtt_members"))
    assert f.message == message("proposal.ldtt_share", what=of("Tổ Tổng hợp"), value=6, members=10, share="60,0%",
                                need="từ 70% trở lên", setting="ttldtt_ldtt_percent", award=TTLDTT,
                                basis=basis(camp, TTLDTT))
    assert codes(result) == ["proposal.ldtt_share"]
    assert proposed(camp, teams=[team("Tổ Tổng hợp", ldtt_members=7)]).findings == []  # exactly 70%


def test_ttldtt_share_follows_the_setting(camp):
    older = with_setting(camp, "ttldtt_ldtt_percent", 50)  # the older rule: more than half
    assert older.yearend.ttldtt_ldtt_percent == 50
    assert proposed(older, teams=[team("Tổ Tổng hợp", ldtt_members=6)]).findings == []
    stricter = with_setting(camp, "ttldtt_ldtt_percent", 80)
    f = cited(proposed(stricter, teams=[team("Tổ Tổng hợp", ldtt_members=7)]), "proposal.ldtt_share")
    assert f.message == message("proposal.ldtt_share", what=of("Tổ Tổng hợp"), value=7, members=10, share="70,0%",
                                need="từ 80% trở lên", setting="ttldtt_ldtt_percent", award=TTLDTT,
                                basis=basis(camp, TTLDTT))


def excellent(**more) -> dict:
    return team("Tổ Hành chính", TTLDXS, **{"rating": HTXS, **more})


def test_ttldxs_correct(camp):
    assert proposed(camp, teams=[excellent()]).findings == []


def test_ttldxs_needs_its_share_of_ldtt_members(camp):
    result = proposed(camp, teams=[excellent(ldtt_members=6)])
    f = cited(result, "proposal.ldtt_share", col(COL, "ldtt_members"))
    assert f.message == message("proposal.ldtt_share", what=of("Tổ Hành chính"), value=6, members=10, share="60,0%",
                                need="từ 70% trở lên", setting="ttldxs_ldtt_percent", award=TTLDXS,
                                basis=basis(camp, TTLDXS))
    assert codes(result) == ["proposal.ldtt_share"]
    # the TTLĐTT setting does not change the TTLĐXS share
    other = with_setting(camp, "ttldtt_ldtt_percent", 50)
    assert codes(proposed(other, teams=[excellent(ldtt_members=6)])) == ["proposal.ldtt_share"]
    looser = with_setting(camp, "ttldxs_ldtt_percent", 60)
    assert proposed(looser, teams=[excellent(ldtt_members=6)]).findings == []


def test_ttldxs_needs_htxs(camp):
    f = cited(proposed(camp, teams=[excellent(rating=HTT)]), "proposal.rating", col(COL, "rating"))
    assert f.message == message("proposal.rating", what=of("Tổ Hành chính"), award=TTLDXS, need=HTXS, value=HTT,
                                basis=basis(camp, TTLDXS))


def test_ttldxs_needs_every_member_to_complete_tasks(camp):
    result = proposed(camp, teams=[excellent(incomplete_members=1)])
    f = cited(result, "proposal.incomplete_members", col(COL, "incomplete_members"))
    assert f.message == message("proposal.incomplete_members", what=of("Tổ Hành chính"), value=1, award=TTLDXS,
                                basis=basis(camp, TTLDXS))
    assert codes(result) == ["proposal.incomplete_members"]
    assert proposed(camp, teams=[excellent(incomplete_members=0)]).findings == []


def test_ttldxs_needs_a_cstdcs_member(camp):
    result = proposed(camp, teams=[excellent(cstdcs_members=0)])
    f = cited(result, "proposal.no_cstdcs", col(COL, "cstdcs_members"))
    assert f.message == message("proposal.no_cstdcs", what=of("Tổ Hành chính"), value=0, award=TTLDXS,
                                basis=basis(camp, TTLDXS))
    assert codes(result) == ["proposal.no_cstdcs"]
    assert proposed(camp, teams=[excellent(cstdcs_members=2)]).findings == []


def test_ttldtt_with_a_disciplined_member(camp):
    result = proposed(camp, teams=[team("Tổ Tổng hợp", disciplined_members=1)])
    f = cited(result, "proposal.disciplined", col(COL, "disciplined_members"))
    assert f.message == message("proposal.disciplined", what=of("Tổ Tổng hợp"), value=1, award=TTLDTT,
                                basis=basis(camp, TTLDTT))
    assert codes(result) == ["proposal.disciplined"]
    assert proposed(camp, teams=[team("Tổ Tổng hợp", disciplined_members=0)]).findings == []


def test_member_counts_larger_than_the_collective(camp):
    f = only(proposed(camp, teams=[team("Tổ Tổng hợp", ldtt_members=11)]), "proposal.member_counts")
    assert f.message == message("proposal.member_counts", what=of("Tổ Tổng hợp"), value=11, members=10)


# --- registration in January ------------------------------------------------------------------------------
def test_not_registered_in_january(camp):
    result = proposed(camp, [person(TAM)])
    f = cited(result, "proposal.not_registered", col(IND, "title"))
    assert f.message == message("proposal.not_registered", what=who(TAM), award=LDTT, basis=registration_basis())
    assert codes(result) == ["proposal.not_registered"]
    # the same name with another birth date is another person
    other = {**HOA, "birth_date": date(1986, 3, 15)}
    assert codes(proposed(camp, [person(other)])) == ["proposal.not_registered"]
    # a collective that did not register
    assert codes(proposed(camp, teams=[team("Tổ Lưu trữ")])) == ["proposal.not_registered"]
    # names are matched case- and Unicode-insensitively
    typed = {**HOA, "family_name": unicodedata.normalize("NFD", "nguyễn thị")}
    assert proposed(camp, [person(typed)]).findings == []


def test_unit_without_registration(camp):
    result = proposed(camp, [person(TAM)], unit="TTR")
    f = cited(result, "proposal.no_registration", col(IND, "title"))
    assert f.message == message("proposal.no_registration", what=who(TAM), award=LDTT, basis=registration_basis())
    assert codes(result) == ["proposal.no_registration"]
    register(camp, "TTR", [(TAM, LDTT)], [], camp.dir.parent)
    assert proposed(camp, [person(TAM)], unit="TTR").findings == []


def test_registered_for_another_title(camp):
    result = proposed(camp, [person(HOA, CSTDCS, rating=HTXS)])  # registered LĐTT only
    f = cited(result, "proposal.registered_other", col(IND, "title"))
    assert f.severity == WARNING
    assert f.message == message("proposal.registered_other", what=who(HOA), registered=LDTT, award=CSTDCS,
                                basis=registration_basis())
    assert result.status == "accepted_with_warnings"
    # a lower title than the one registered is normal
    assert proposed(camp, [person(NAM, LDTT)]).findings == []
    assert proposed(camp, [person(NAM, CSTDCS, rating=HTXS)]).findings == []


# --- optional ratio caps (settings) ---------------------------------------------------------------------
def test_cstdcs_ratio_cap(camp):
    """The base is the people proposed for LĐTT or a title that needs it (a CSTĐCS is an LĐTT too), less the
    lines refused on their own: 2 LĐTT and 2 CSTĐCS are 4 people."""
    four = [person(HOA), person(DUC), person(NAM, CSTDCS, rating=HTXS), person(LAN, CSTDCS, rating=HTXS)]
    assert proposed(camp, four).findings == []  # no cap unless the office sets one
    assert proposed(with_setting(camp, "cstdcs_cap_percent", 50), four).findings == []  # 50% of 4: 2
    capped = with_setting(camp, "cstdcs_cap_percent", 25)  # 25% of 4: 1
    result = proposed(capped, four)
    f = cited(result, "proposal.ratio_cap", col(IND, "title", 3))  # the first CSTĐCS over the limit
    base = "số người được đề nghị Lao động tiên tiến hoặc danh hiệu cao hơn (đủ điều kiện)"
    assert f.message == message("proposal.ratio_cap", value=2, award=CSTDCS, need="25", base=base, count=4,
                                limit=1, setting="cstdcs_cap_percent")
    assert codes(result) == ["proposal.ratio_cap"]
    # an LĐTT line refused on its own (its rating) is not in the base: 50% of 3 is 1
    refused = [person(HOA, rating="Hoàn thành nhiệm vụ"), *four[1:]]
    result = proposed(with_setting(camp, "cstdcs_cap_percent", 50), refused)
    assert sorted(codes(result)) == ["proposal.rating", "proposal.ratio_cap"]
    assert cited(result, "proposal.ratio_cap", col(IND, "title", 3)).message == message(
        "proposal.ratio_cap", value=2, award=CSTDCS, need="50", base=base, count=3, limit=1,
        setting="cstdcs_cap_percent")
    # every line past the cap is refused, not only the first (each line reaches the council on its own)
    none_allowed = proposed(with_setting(camp, "cstdcs_cap_percent", 20), four)  # 20% of 4: none
    assert [f.cell for f in none_allowed.findings if f.code == "proposal.ratio_cap"] == [
        col(IND, "title", 2), col(IND, "title", 3)]


def test_ttldxs_ratio_cap(camp):
    teams = [excellent(), team("Tổ Tổng hợp")]
    capped = with_setting(camp, "ttldxs_cap_percent", 20)  # 20% of 2 collectives: none
    f = cited(proposed(capped, teams=teams), "proposal.ratio_cap", col(COL, "title"))
    assert f.message == message("proposal.ratio_cap", value=1, award=TTLDXS, need="20",
                                base="số tập thể đề nghị (đủ điều kiện)", count=2, limit=0,
                                setting="ttldxs_cap_percent")
    assert proposed(with_setting(camp, "ttldxs_cap_percent", 50), teams=teams).findings == []


# --- Cờ thi đua: only the unit leading its block ------------------------------------------------------------
def scores_of(camp, unit: str, scores: dict, tmp: Path) -> None:
    """A unit's scoring form, collected (the ranking is computed from it)."""
    notes = {code: "Chưa đạt điểm chuẩn" for code in scores}
    path = tmp / f"cham-diem-{unit}.xlsx"
    scoring_workbook(camp, unit, scores, notes=notes).save(path)
    [done] = collect(camp, [when(path, YEAR_END)], feedback=False).files
    assert done.result.status == "accepted", codes(done.result)


def test_flag_without_any_ranking(camp):
    result = proposed(camp, teams=[team("Văn phòng Sở", CO)])
    f = cited(result, "proposal.no_ranking", col(COL, "title"))
    assert f.severity == ERROR and result.status == "rejected"  # an ineligible line never goes on a warning
    assert f.message == message("proposal.no_ranking", what=of("Văn phòng Sở"), award=CO, basis=basis(camp, CO))
    assert codes(result) == ["proposal.no_ranking"]


def test_flag_for_the_block_leader_only(camp, tmp_path):
    register(camp, "TTR", [], [("Thanh tra Sở", CO)], tmp_path)
    scores_of(camp, "VP", {}, tmp_path)  # 100
    scores_of(camp, "TTR", {"A.II.1": 20}, tmp_path)  # 95
    assert proposed(camp, teams=[team("Văn phòng Sở", CO)]).findings == []
    result = proposed(camp, teams=[team("Thanh tra Sở", CO)], unit="TTR")
    f = cited(result, "proposal.not_leader", col(COL, "title"))
    assert f.message == message("proposal.not_leader", what=of("Thanh tra Sở"), award=CO, block=BLOCK,
                                leader="Văn phòng Sở", basis=basis(camp, CO))
    assert codes(result) == ["proposal.not_leader"]


def test_flag_for_units_tied_first(camp, tmp_path):
    register(camp, "TTR", [], [("Thanh tra Sở", CO)], tmp_path)
    scores_of(camp, "VP", {"A.II.1": 20}, tmp_path)
    scores_of(camp, "TTR", {"A.II.1": 20}, tmp_path)
    assert proposed(camp, teams=[team("Văn phòng Sở", CO)]).findings == []
    assert proposed(camp, teams=[team("Thanh tra Sở", CO)], unit="TTR").findings == []


# --- a title and a form are different things ----------------------------------------------------------------
def test_form_typed_in_the_title_column(camp):
    result = proposed(camp, [person(HOA, GK_CN)])
    f = cited(result, "row.title_is_form", col(IND, "title"))
    assert f.message == message("row.title_is_form", value=GK_CN, actual="hình thức khen thưởng",
                                expected="danh hiệu thi đua", label=IND.column("award_form").label)
    assert codes(result) == ["row.title_is_form"]
    assert proposed(camp, [person(HOA, LDTT, award_form=GK_CN)]).findings == []


def test_title_typed_in_the_form_column(camp):
    f = cited(proposed(camp, teams=[team("Tổ Tổng hợp", None, award_form=TTLDTT)]), "row.title_is_form",
              col(COL, "award_form"))
    assert f.message == message("row.title_is_form", value=TTLDTT, actual="danh hiệu thi đua",
                                expected="hình thức khen thưởng", label=COL.column("title").label)


# --- every finding of a rule cites it ---------------------------------------------------------------------
# Not rules of the law but of filling in the form: nothing chosen; member counts that contradict each other.
NOT_RULES = {"proposal.nothing", "proposal.member_counts"}


def test_every_rule_message_cites_its_basis():
    load_all_rules()  # the forms' own codes join the catalogue when their rules are imported
    rules = [code for code in CATALOGUE if code.startswith("proposal.")]
    assert len(rules) >= 17
    for code in rules:
        assert ("Căn cứ" in CATALOGUE[code].text) != (code in NOT_RULES), code
    assert "Căn cứ" in CATALOGUE["row.title_is_form"].text


def test_all_problems_of_one_file_at_once(camp):
    """A unit hears of every problem in one reply, each at its own cell."""
    result = proposed(camp, [person(HOA, pending="Có"), person(TAM), person(NAM, CSTDCS)],
                      [team("Tổ Tổng hợp", disciplined_members=2), excellent(cstdcs_members=0)])
    assert sorted((f.code, f.cell) for f in result.findings) == sorted([
        ("proposal.pending", col(IND, "pending", 0)), ("proposal.not_registered", col(IND, "title", 1)),
        ("proposal.cstdcs_basis", col(IND, "initiative", 2)), ("proposal.disciplined", col(COL, "disciplined_members")),
        ("proposal.no_cstdcs", col(COL, "cstdcs_members", 1))])
    assert all("Căn cứ" in f.message for f in result.findings)


# --- the initiative named is one registered with the Initiative Council by 28/02 (rules/initiatives.py) ----
DIGITAL = "Văn phòng, tổ chức, cải cách hành chính, chuyển đổi số"
OWN = "Số hóa hồ sơ lưu trữ của Văn phòng Sở"  # Trần Văn Nam's, co-author Lê Thị Thu
WIDE = "Đề án liên thông hộ tịch toàn tỉnh"  # Lê Thị Thu's, scope "Toàn tỉnh"
INITIATIVE_BASIS = ("Kế hoạch phát động thi đua năm 2024: đăng ký đề tài, sáng kiến với Hội đồng Sáng kiến trước "
                    "28/02/2024")


def initiatives(camp, rows: list[dict], unit: str = "VP", results: dict[str, str] | None = None) -> None:
    """February: the unit's initiative registration, collected; then the council's results by title."""
    full = [{"kind": "Sáng kiến", "field": DIGITAL, "scope": "Toàn Sở", "effect": "Rút ngắn thời gian xử lý", **r}
            for r in rows]
    path = camp.dir.parent / f"sang-kien-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"initiatives": full}, form_id="initiatives")
    [done] = collect(camp, [when(path, datetime(2024, 2, 20, 9, 0))], feedback=False).files
    assert done.result.status != "rejected", codes(done.result)
    with Ledger(camp.dir) as ledger:
        office.store(ledger, COUNCIL_SCOPE, {entry_key(unit, t): {"result": r, "decision": "15/QĐ-HĐSK ngày 20/3/2024"}
                                             for t, r in (results or {}).items()})


@pytest.fixture
def council_done(camp):
    """VP registered two initiatives; the council recognised both."""
    initiatives(camp, [{"title": OWN, "authors": "Trần Văn Nam", "co_authors": "Lê Thị Thu"},
                       {"title": WIDE, "authors": "Lê Thị Thu", "scope": "Toàn tỉnh"}],
                results={OWN: "Công nhận", WIDE: "Công nhận"})
    return camp


def test_cstdcs_on_a_registered_recognised_initiative(council_done):
    cited_text = f"Sáng kiến \"{OWN}\" (QĐ số 15/QĐ-HĐSK)"
    assert proposed(council_done, [person(NAM, CSTDCS, initiative=cited_text)]).findings == []
    # a co-author may cite it too; the scope cell may stay empty
    assert proposed(council_done, [person(THU, CSTDCS, initiative=OWN.lower())]).findings == []


def test_initiative_not_registered_by_february(council_done):
    result = proposed(council_done, [person(NAM, CSTDCS, initiative="Sổ tay hòa giải viên")])
    f = cited(result, "proposal.initiative_not_registered", col(IND, "initiative"))
    assert f.severity == ERROR and result.status == "rejected"  # never to the ballot on a warning
    assert f.message == message("proposal.initiative_not_registered", what=who(NAM), value="Sổ tay hòa giải viên",
                                deadline="28/02/2024", award=CSTDCS, basis=INITIATIVE_BASIS)
    assert codes(result) == ["proposal.initiative_not_registered"]
    # another unit's initiative is not this unit's
    initiatives(council_done, [{"title": "Sổ tay hòa giải viên", "authors": "Phạm Minh Đức"}], unit="TTR")
    assert codes(proposed(council_done, [person(NAM, CSTDCS, initiative="Sổ tay hòa giải viên")])) == [
        "proposal.initiative_not_registered"]


def test_initiatives_are_not_looked_up_when_not_needed_or_not_used(camp):
    unregistered = person(NAM, CSTDCS, initiative="Sổ tay hòa giải viên")
    # a campaign where nobody registered any initiative (the stage is not used): nothing to look up
    assert proposed(camp, [unregistered]).findings == []
    initiatives(camp, [{"title": OWN, "authors": "Trần Văn Nam"}], results={OWN: "Công nhận"})
    assert codes(proposed(camp, [unregistered])) == ["proposal.initiative_not_registered"]
    # CSTĐCS on an HTXS rating does not rest on the initiative
    assert proposed(camp, [{**unregistered, "rating": HTXS}]).findings == []


def test_initiative_of_someone_else(council_done):
    result = proposed(council_done, [person(HOA, CSTDCS, initiative=WIDE)])
    f = cited(result, "proposal.initiative_not_author", col(IND, "initiative"))
    assert f.severity == ERROR and result.status == "rejected"
    assert f.message == message("proposal.initiative_not_author", what=who(HOA), kind="sáng kiến", title=WIDE,
                                authors="Lê Thị Thu", award=CSTDCS, basis=basis(council_done, CSTDCS))
    assert "proposal.initiative_not_author" in codes(result)
    assert proposed(council_done, [person(THU, CSTDCS, initiative=WIDE)]).findings == []


def test_initiative_the_council_did_not_recognise(camp):
    initiatives(camp, [{"title": OWN, "authors": "Trần Văn Nam"}], results={OWN: "Không công nhận"})
    result = proposed(camp, [person(NAM, CSTDCS, initiative=OWN)])
    f = cited(result, "proposal.initiative_rejected", col(IND, "initiative"))
    assert f.severity == ERROR and result.status == "rejected"
    assert f.message == message("proposal.initiative_rejected", what=who(NAM), kind="sáng kiến", title=OWN,
                                decision=" (15/QĐ-HĐSK ngày 20/3/2024)", award=CSTDCS, basis=basis(camp, CSTDCS))
    assert codes(result) == ["proposal.initiative_rejected"]


def test_initiative_the_council_has_not_decided_yet(camp):
    initiatives(camp, [{"title": OWN, "authors": "Trần Văn Nam"}])
    result = proposed(camp, [person(NAM, CSTDCS, initiative=OWN)])
    f = cited(result, "proposal.initiative_undecided", col(IND, "initiative"))
    assert f.severity == ERROR and result.status == "rejected"  # the initiative is the title's only basis
    assert f.message == message("proposal.initiative_undecided", what=who(NAM), kind="sáng kiến", title=OWN,
                                award=CSTDCS, basis=basis(camp, CSTDCS))
    assert codes(result) == ["proposal.initiative_undecided"]


def test_cstd_tinh_takes_the_scope_of_the_registered_initiative(council_done):
    past_cstdcs(council_done, THU, 2022, 2023)
    # the scope cell left empty: the registered "Toàn tỉnh" (level "Tỉnh, bộ") is used
    assert proposed(council_done, [province(None, initiative=WIDE), this_year()]).findings == []
    # her other initiative is registered for the Department only ("Cơ sở"): not enough for CSTĐ cấp tỉnh
    f = cited(proposed(council_done, [province(None, initiative=OWN), this_year()]), "proposal.initiative_scope")
    assert f.value == "Cơ sở"


def test_cstd_tinh_on_an_unregistered_initiative_with_a_typed_provincial_scope(council_done):
    """The scope a unit types does not stand for an initiative the Initiative Council never had: the line is
    refused (an error), not carried to the ballot on a warning."""
    past_cstdcs(council_done, THU, 2022, 2023)
    result = proposed(council_done, [province("Tỉnh, bộ", initiative="Sáng kiến chưa đăng ký (đang chờ công nhận)"),
                                     this_year()])
    f = cited(result, "proposal.initiative_not_registered", col(IND, "initiative"))
    assert f.severity == ERROR and result.status == "rejected"
    assert codes(result) == ["proposal.initiative_not_registered"]


def test_scope_that_disagrees_with_the_registration(council_done):
    past_cstdcs(council_done, THU, 2022, 2023)
    result = proposed(council_done, [province("Toàn quốc", initiative=WIDE), this_year()])
    f = cited(result, "proposal.initiative_scope_differs", col(IND, "initiative_scope"))
    assert f.severity == WARNING
    assert f.message == message("proposal.initiative_scope_differs", what=who(THU), value="Toàn quốc",
                                kind="sáng kiến", title=WIDE, scope="Toàn tỉnh", level="Tỉnh, bộ",
                                award=CSTD_TINH, basis=basis(council_done, CSTD_TINH))
    assert codes(result) == ["proposal.initiative_scope_differs"]
    assert proposed(council_done, [province("Tỉnh, bộ", initiative=WIDE), this_year()]).findings == []


def test_master_check_sheet_cites_the_registered_initiative(council_done, tmp_path):
    path = council_done.dir.parent / "de-nghi-VP.xlsx"
    make_return(path, council_done, "VP", {"individuals": [person(NAM, CSTDCS, initiative=OWN), person(HOA)]},
                form_id="proposals")
    collect(council_done, [when(path, YEAR_END)], feedback=False)
    ws = load_workbook(consolidate(council_done).path)[proposals.CHECK_SHEET]
    cols = {c.value: c.column - 1 for c in ws[HEADER + 1] if c.value}
    rows = {r[cols["Họ và tên / Tên tập thể"]]: r for r in ws.iter_rows(min_row=HEADER + 2, values_only=True) if r[0]}
    assert rows["Trần Văn Nam"][cols["Sáng kiến đã đăng ký"]] == (
        f"Sáng kiến đã đăng ký: \"{OWN}\" (phạm vi: Toàn Sở; Hội đồng Sáng kiến công nhận, 15/QĐ-HĐSK ngày 20/3/2024)")
    assert rows["Trần Văn Nam"][cols["Kết quả kiểm tra"]] == "Đạt"
    assert rows["Nguyễn Thị Hoa"][cols["Sáng kiến đã đăng ký"]] is None
    # the closing count wraps over the whole table, not one narrow cell
    [total] = [c for row in ws.iter_rows() for c in row if str(c.value).startswith("Tổng số đề nghị: 2;")]
    assert total.alignment.wrap_text and total.column == 1
    assert any(total.coordinate in span and span.max_col == ws.max_column for span in ws.merged_cells.ranges)


# --- the year end's plug-in contract (yearend.lines) ----------------------------------------------------
def test_another_award_proposal_form_reaches_the_council_and_the_master(camp, monkeypatch):
    """A form with role "award_proposal" and the hooks ``proposal_lines`` and ``master`` is all the year
    end needs: its lines join the ballot's candidates (ids prefixed by the form) and get their check sheet."""
    path = camp.dir.parent / "de-nghi-VP.xlsx"
    make_return(path, camp, "VP", {"individuals": [person(NAM, CSTDCS, rating=HTXS)]}, form_id="proposals")
    collect(camp, [when(path, YEAR_END)], feedback=False)
    rules = types.ModuleType(f"{FORMS_PACKAGE}.adhoc")
    rules.proposal_lines = lambda context: [replace(line, proposal=replace(line.proposal, form="adhoc"))
                                            for line in form_lines(context, "proposals")]
    rules.master = lambda m, context: check_sheet(m, context, "adhoc")
    adhoc = FORM.model_copy(update={"id": "adhoc", "name": "Đề nghị khen thưởng đột xuất theo chuyên đề"})
    monkeypatch.setitem(load_forms(), "adhoc", adhoc)
    monkeypatch.setitem(sys.modules, rules.__name__, rules)
    rules_for.cache_clear()
    try:
        with Ledger(camp.dir) as ledger:
            found = candidates(Context(camp, ledger))
        assert [c.id for c in found] == ["VP/individuals/9/CSTDCS", "adhoc:VP/individuals/9/CSTDCS"]
        assert {c.name for c in found} == {"Trần Văn Nam"}
        names = load_workbook(consolidate(camp).path).sheetnames
        assert {proposals.CHECK_SHEET, "Kiểm tra đề nghị khen thưởng"} <= set(names)  # cut at a word: 31 characters
    finally:
        rules_for.cache_clear()
