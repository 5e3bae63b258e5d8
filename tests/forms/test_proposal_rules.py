"""The individual proposal rules, through ``sheets-tools collect`` (and ``history import``): an ineligible line
is an error of that line, never a warning (an undecided initiative, a Cờ thi đua without a ranking, the
registered scope of an initiative over the typed one); one achievement is rewarded once (the award history
and the year's other lines, any spelling of a name); Giấy khen and the provincial Bằng khen against their
criteria; the runs of consecutive years of CSTĐ cấp tỉnh and toàn quốc; the recruitment date for LĐTT.
Each rule: a case that passes and a case that fails, with its code, its cell and the basis it cites."""
from __future__ import annotations

import json
import os
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from sheets_tools.campaign.model import CampaignError
from sheets_tools.cli import main
from sheets_tools.core.findings import ERROR, message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from sheets_tools.forms.initiatives import COUNCIL_SCOPE, entry_key
from sheets_tools.forms import proposals
from sheets_tools.forms.proposal_collectives import HTT, HTXS, PRINCIPLE
from sheets_tools.master.book import HEADER
from sheets_tools.store import office
from sheets_tools.store.ledger import Ledger

from workbooks import index_of, make_return, scoring_workbook, with_setting

FORM = get_form("proposals")
IND, COL = FORM.sheet("individuals"), FORM.sheet("collectives")
JANUARY, FEBRUARY, YEAR_END = datetime(2024, 1, 20, 9), datetime(2024, 2, 20, 9), datetime(2024, 11, 20, 9)
HTNV = "Hoàn thành nhiệm vụ"
LDTT, CSTDCS = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"
CSTD_TINH, CSTD_TQ = "Chiến sĩ thi đua cấp tỉnh", "Chiến sĩ thi đua toàn quốc"
TTLDTT, CO = "Tập thể lao động tiên tiến", "Cờ thi đua của Ủy ban nhân dân tỉnh"
GK_CN, GK_TT = "Giấy khen của Giám đốc Sở (cá nhân)", "Giấy khen của Giám đốc Sở (tập thể)"
BK = "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"

HOA = dict(family_name="Nguyễn Thị", given_name="Hoa", birth_date=date(1985, 3, 15), sex="Nữ")
NAM = dict(family_name="Trần Văn", given_name="Nam", birth_date=date(1980, 5, 2), sex="Nam")
THU = dict(family_name="Lê Thị", given_name="Thu", birth_date=date(1978, 7, 9), sex="Nữ")
THUY = dict(family_name="Phạm Thị", given_name="Thủy", birth_date=date(1984, 6, 12), sex="Nữ")
DIGITAL = "Văn phòng, tổ chức, cải cách hành chính, chuyển đổi số"
OWN = "Số hóa hồ sơ lưu trữ của Văn phòng Sở"  # Lê Thị Thu's, registered for the Department ("Cơ sở")
WIDE = "Đề án liên thông hộ tịch toàn tỉnh"  # Lê Thị Thu's, registered for the province ("Tỉnh, bộ")
HISTORY_HEADER = ["STT", "Đối tượng", "Họ và tên đệm", "Tên", "Ngày sinh", "Đơn vị", "Năm", "Danh hiệu, hình thức",
                  "Số quyết định", "Ngày quyết định"]

_files = iter(range(10_000))


# --- the commands --------------------------------------------------------------------------------------
def collect(camp, path: Path, moment: datetime) -> dict:
    """``sheets-tools collect`` of one file received at ``moment``: the file's JSON record."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    run = CliRunner().invoke(main, ["collect", str(camp.dir), str(path), "--json", "--no-feedback"])
    assert run.exception is None or isinstance(run.exception, SystemExit), run.output
    [record] = json.loads(run.output)["files"]
    return record


def register(camp, unit: str = "VP", people=((HOA, LDTT), (NAM, CSTDCS), (THU, CSTD_TINH), (THUY, LDTT)),
             teams=(("Tổ Tổng hợp", TTLDTT), ("Văn phòng Sở", CO)), last_rating: str = HTT) -> None:
    """January: the unit's registration ("Xếp loại năm trước": ``last_rating``)."""
    rows = {"individuals": [{**p, "last_rating": last_rating, "title": t} for p, t in people],
            "collectives": [{"collective_name": n, "title": t} for n, t in teams],
            "movements": [{"movement": camp.movements[0].name}]}
    path = make_return(camp.dir.parent / f"dang-ky-{unit}-{next(_files)}.xlsx", camp, unit, rows)
    assert collect(camp, path, JANUARY)["status"] in ("accepted", "accepted_with_warnings")


@pytest.fixture
def camp(camp):
    """The sample campaign with VP's January registration collected."""
    register(camp)
    return camp


def propose(camp, people=(), teams=(), unit: str = "VP", tweak=None) -> dict:
    """A proposal file of ``unit`` collected at the year's end (each file its own content: collect skips a file
    it already took)."""
    path = camp.dir.parent / f"de-nghi-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"individuals": [{**p, "note": f"Tệp {next(_files)}"} for p in people],
                                   "collectives": [{**t, "note": f"Tệp {next(_files)}"} for t in teams]},
                form_id="proposals", tweak=tweak)
    return collect(camp, path, YEAR_END)


def history(camp, rows) -> None:
    """``sheets-tools history import`` of past awards: (person, unit name, year, award) rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(HISTORY_HEADER)
    for i, (who_, unit, year, award) in enumerate(rows, start=1):
        ws.append([i, "Cá nhân", who_["family_name"], who_["given_name"], who_["birth_date"], unit, year, award,
                   f"{i}/QĐ-STP", date(year, 12, 20)])
    path = camp.dir.parent / f"lich-su-{next(_files)}.xlsx"
    wb.save(path)
    run = CliRunner().invoke(main, ["history", "import", str(camp.dir), str(path)])
    assert run.exit_code == 0, run.output


def initiatives(camp, rows: list[dict], results: dict[str, str], unit: str = "VP") -> None:
    """February: the unit's initiatives, collected; then the Initiative Council's results the office records."""
    full = [{"kind": "Sáng kiến", "field": DIGITAL, "scope": "Toàn Sở", "effect": "Rút ngắn thời gian xử lý", **r}
            for r in rows]
    path = camp.dir.parent / f"sang-kien-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"initiatives": full}, form_id="initiatives")
    assert collect(camp, path, FEBRUARY)["status"] != "rejected"
    with Ledger(camp.dir) as ledger:
        office.store(ledger, COUNCIL_SCOPE, {entry_key(unit, t): {"result": r, "decision": "15/QĐ-HĐSK ngày 20/3/2024"}
                                             for t, r in results.items()})


# --- what the records say ------------------------------------------------------------------------------
def person(who_: dict, title: str | None = LDTT, **more) -> dict:
    return {**who_, "rating": HTT, "title": title, "unit_vote": 100, "pending": "Không",
            "achievements": "Hoàn thành tốt nhiệm vụ được giao", **more}


def team(name: str, title: str | None = TTLDTT, **more) -> dict:
    return {"collective_name": name, "rating": HTT, "title": title, "members": 10, "ldtt_members": 8,
            "cstdcs_members": 1, "incomplete_members": 0, "disciplined_members": 0, "unit_vote": 100,
            "pending": "Không", "achievements": "Hoàn thành tốt nhiệm vụ", **more}


def codes(record: dict) -> list[str]:
    return [f["code"] for f in record["findings"]]


def errors(record: dict) -> list[str]:
    return [f["code"] for f in record["findings"] if f["severity"] == ERROR]


def only(record: dict, code: str) -> dict:
    found = [f for f in record["findings"] if f["code"] == code]
    assert len(found) == 1, codes(record)
    return found[0]


def refused(record: dict, code: str, cell: str) -> dict:
    """The one finding of ``code``: an error at ``cell`` that cites its basis; the file is not taken."""
    f = only(record, code)
    assert (f["severity"], f["cell"], record["status"]) == (ERROR, cell, "rejected"), (f, record["status"])
    assert "Căn cứ" in f["message"]
    return f


def taken(record: dict) -> None:
    assert not errors(record), record["findings"]
    assert record["status"] in ("accepted", "accepted_with_warnings")


def col(sheet, field: str, n: int = 0) -> str:
    return f"{sheet.column(field).letter}{FIRST_ROW + n}"


def who(p: dict) -> str:
    return f"Ông/bà {p['family_name']} {p['given_name']} (sinh ngày {p['birth_date']:%d/%m/%Y})"


def basis(camp, award: str) -> str:
    return camp.basis(camp.catalogue_item(award))


# --- item 2: an ineligible line is an error, never a warning -------------------------------------------
def test_cstdcs_on_an_initiative_not_yet_recognised_is_refused(camp):
    initiatives(camp, [{"title": OWN, "authors": "Trần Văn Nam"}], results={})
    record = propose(camp, [person(NAM, CSTDCS, initiative=OWN)])  # rated HTT: the initiative is the basis
    f = refused(record, "proposal.initiative_undecided", col(IND, "initiative"))
    assert f["message"] == message("proposal.initiative_undecided", what=who(NAM), kind="sáng kiến", title=OWN,
                                   award=CSTDCS, basis=basis(camp, CSTDCS))
    assert "Văn phòng có thể trình Hội đồng kèm lý do" in f["message"]
    with Ledger(camp.dir) as ledger:
        office.store(ledger, COUNCIL_SCOPE, {entry_key("VP", OWN): {"result": "Công nhận"}})
    taken(propose(camp, [person(NAM, CSTDCS, initiative=OWN)]))


def scores(camp, unit: str, points: dict) -> None:
    path = camp.dir.parent / f"cham-diem-{unit}-{next(_files)}.xlsx"
    scoring_workbook(camp, unit, points, notes={code: "Chưa đạt điểm chuẩn" for code in points}).save(path)
    assert collect(camp, path, YEAR_END)["status"] == "accepted"


def test_flag_for_a_block_without_ranking_is_refused(camp):
    f = refused(propose(camp, teams=[team("Văn phòng Sở", CO)]), "proposal.no_ranking", col(COL, "title"))
    assert f["message"] == message("proposal.no_ranking", what="Tập thể \"Văn phòng Sở\"", award=CO,
                                   basis=basis(camp, CO))
    scores(camp, "VP", {})
    scores(camp, "TTR", {"A.II.1": 20})
    taken(propose(camp, teams=[team("Văn phòng Sở", CO)]))  # now VP leads its block


def test_the_registered_scope_of_the_initiative_wins_over_the_typed_one(camp):
    initiatives(camp, [{"title": OWN, "authors": "Lê Thị Thu"}, {"title": WIDE, "authors": "Lê Thị Thu",
                                                                 "scope": "Toàn tỉnh"}],
                results={OWN: "Công nhận", WIDE: "Công nhận"})
    history(camp, [(THU, "Văn phòng Sở", y, CSTDCS) for y in (2022, 2023)])
    this_year = person(THU, CSTDCS, rating=HTXS)
    record = propose(camp, [person(THU, CSTD_TINH, rating=HTXS, initiative=OWN, initiative_scope="Tỉnh, bộ"),
                            this_year])
    f = refused(record, "proposal.initiative_scope_registered", col(IND, "initiative_scope"))
    assert f["message"] == message("proposal.initiative_scope_registered", what=who(THU), award=CSTD_TINH,
                                   need="tỉnh, bộ trở lên", value="Tỉnh, bộ", kind="sáng kiến", title=OWN,
                                   scope="Toàn Sở", level="Cơ sở", basis=basis(camp, CSTD_TINH))
    assert errors(record) == ["proposal.initiative_scope_registered"]
    assert "proposal.initiative_scope_differs" not in codes(record)  # said once, as the error
    taken(propose(camp, [person(THU, CSTD_TINH, rating=HTXS, initiative=WIDE, initiative_scope="Tỉnh, bộ"),
                         this_year]))


# --- one achievement, one award (Điều 5) ------------------------------------------------------------------
def test_an_award_already_in_the_history_for_the_year_is_refused(camp):
    history(camp, [(HOA, "Văn phòng Sở", 2023, LDTT)])
    taken(propose(camp, [person(HOA)]))  # last year's LĐTT: this year's is another achievement
    history(camp, [({**THUY, "given_name": "Thuỷ"}, "Văn phòng Sở", 2024, LDTT),  # the old tone placement
                   (HOA, "Văn phòng Sở", 2024, LDTT)])
    record = propose(camp, [person(HOA)])
    f = refused(record, "proposal.awarded_before", col(IND, "title"))
    assert f["message"] == message("proposal.awarded_before", what=who(HOA), award=LDTT, year=2024,
                                   decision=", quyết định số 2/QĐ-STP", basis=PRINCIPLE)
    assert PRINCIPLE.startswith("nguyên tắc khen thưởng, Điều 5")
    refused(propose(camp, [person(THUY)]), "proposal.awarded_before", col(IND, "title"))  # typed "Thủy"
    taken(propose(camp, [person(HOA, None, award_form=GK_CN)]))  # another award that year: not the same


def test_the_same_award_twice_in_one_file_is_refused(camp):
    taken(propose(camp, [person(HOA), person(HOA, None, award_form=GK_CN)]))
    typed = {**HOA, "family_name": unicodedata.normalize("NFD", "NGUYỄN  THỊ")}  # case, NFD, two spaces
    record = propose(camp, [person(HOA), person(typed, LDTT, award_form=GK_CN)])
    f = refused(record, "proposal.same_award", col(IND, "title", 1))
    assert f["message"] == message("proposal.same_award", what=who({**typed, "family_name": "NGUYỄN THỊ"}),
                                   award=LDTT, where=f"ở dòng {FIRST_ROW} của tệp này",
                                   action="hãy bỏ một trong hai dòng", basis=PRINCIPLE)


def test_the_same_award_proposed_by_another_unit_is_refused(camp):
    register(camp, "TTR", people=[(HOA, LDTT)], teams=[])
    taken(propose(camp, [person(HOA)]))
    record = propose(camp, [person(HOA)], unit="TTR")
    f = refused(record, "proposal.same_award", col(IND, "title"))
    assert f["message"] == message("proposal.same_award", what=who(HOA), award=LDTT,
                                   where="trong đề nghị của Văn phòng Sở",
                                   action="hãy thống nhất với Văn phòng Sở để chỉ một đơn vị đề nghị",
                                   basis=PRINCIPLE)
    # the master's check: VP's line (first in) passes, TTR's is refused
    run = CliRunner().invoke(main, ["consolidate", str(camp.dir)])
    assert run.exit_code == 0, run.output
    ws = load_workbook(next((camp.dir / "master").glob("*.xlsx")), read_only=True)[proposals.CHECK_SHEET]
    table = list(ws.iter_rows(min_row=HEADER + 1, values_only=True))
    cols = {c: i for i, c in enumerate(table[0]) if c}
    results = {r[cols["Mã đơn vị"]]: r for r in table[1:] if r[cols["Họ và tên / Tên tập thể"]] == "Nguyễn Thị Hoa"}
    assert results["VP"][cols["Kết quả kiểm tra"]] == "Đạt"
    assert results["TTR"][cols["Kết quả kiểm tra"]] == "Chưa đạt"
    assert "trong đề nghị của Văn phòng Sở" in results["TTR"][cols["Vấn đề (căn cứ)"]]
    taken(propose(camp, [person(HOA, None, award_form=GK_CN)], unit="TTR"))  # another award


# --- forms of commendation against their criteria -----------------------------------------------------------
def test_giay_khen_needs_a_good_rating(camp):
    record = propose(camp, [person(HOA, None, award_form=GK_CN, rating=HTNV)])
    f = refused(record, "proposal.rating", col(IND, "rating"))
    assert f["message"] == message("proposal.rating", what=who(HOA), award=GK_CN, need=HTT, value=HTNV,
                                   basis=basis(camp, GK_CN))
    taken(propose(camp, [person(HOA, None, award_form=GK_CN, rating=HTT)]))
    record = propose(camp, teams=[team("Tổ Tổng hợp", None, award_form=GK_TT, rating=HTNV)])
    f = refused(record, "proposal.rating", col(COL, "rating"))
    assert f["message"] == message("proposal.rating", what="Tập thể \"Tổ Tổng hợp\"", award=GK_TT, need=HTT,
                                   value=HTNV, basis=basis(camp, GK_TT))
    taken(propose(camp, teams=[team("Tổ Tổng hợp", None, award_form=GK_TT)]))


BK_NEED = (f"2 năm liên tục đạt \"{CSTDCS}\", hoặc 2 năm liên tục \"{HTXS}\" và có 2 sáng kiến, đề tài được "
           f"công nhận")


def test_bang_khen_on_two_consecutive_cstdcs(camp):
    record = propose(camp, [person(NAM, CSTDCS, rating=HTXS, award_form=BK)])
    f = refused(record, "proposal.bang_khen", col(IND, "award_form"))
    assert f["message"] == message(
        "proposal.bang_khen", what=who(NAM), award=BK, need=BK_NEED, basis=basis(camp, BK),
        missing=f"\"{CSTDCS}\" năm 2023 (lịch sử khen thưởng); \"{HTXS}\" năm 2023 (năm nay theo đề nghị, năm trước "
                f"theo bản đăng ký thi đua tháng 1); sáng kiến, đề tài được Hội đồng Sáng kiến năm 2024 công nhận: "
                f"có 0, cần 2")
    history(camp, [(NAM, "Văn phòng Sở", 2023, CSTDCS)])
    taken(propose(camp, [person(NAM, CSTDCS, rating=HTXS, award_form=BK)]))
    # this year's CSTĐCS is needed too (in the same file)
    assert "proposal.bang_khen" in errors(propose(camp, [person(NAM, LDTT, award_form=BK)]))


def test_bang_khen_on_two_years_htxs_with_two_initiatives(camp):
    register(camp, last_rating=HTXS)  # January: last year "Hoàn thành xuất sắc nhiệm vụ"
    initiatives(camp, [{"title": OWN, "authors": "Trần Văn Nam"}, {"title": WIDE, "authors": "Lê Thị Thu",
                                                                   "co_authors": "Trần Văn Nam"}],
                results={OWN: "Công nhận", WIDE: "Không công nhận"})
    record = propose(camp, [person(NAM, LDTT, rating=HTXS, award_form=BK)])
    f = refused(record, "proposal.bang_khen", col(IND, "award_form"))
    assert f["message"].count("Còn thiếu: ") == 1
    assert (f"Còn thiếu: \"{CSTDCS}\" năm 2023, 2024 (lịch sử khen thưởng); sáng kiến, đề tài được Hội đồng Sáng "
            f"kiến năm 2024 công nhận: có 1, cần 2. ") in f["message"]
    with Ledger(camp.dir) as ledger:
        office.store(ledger, COUNCIL_SCOPE, {entry_key("VP", WIDE): {"result": "Công nhận"}})
    taken(propose(camp, [person(NAM, LDTT, rating=HTXS, award_form=BK)]))
    # this year rated only "Hoàn thành tốt"
    assert "proposal.bang_khen" in errors(propose(camp, [person(NAM, LDTT, rating=HTT, award_form=BK)]))


def test_bang_khen_criteria_are_campaign_settings(camp):
    looser = with_setting(camp, "bang_khen_years", 1)  # one year: this year's CSTĐCS is enough
    taken(propose(looser, [person(NAM, CSTDCS, rating=HTXS, award_form=BK)]))
    off = with_setting(looser, "bang_khen_years", 0)
    taken(propose(off, [person(NAM, LDTT, award_form=BK)]))
    other = with_setting(with_setting(off, "bang_khen_years", 2), "bang_khen_codes", "BK_BO_CN")
    taken(propose(other, [person(NAM, LDTT, award_form=BK)]))  # the rule names another Bằng khen


# --- "03 lần liên tục", "02 lần liên tục": which run of years counts --------------------------------------------
def province(**more) -> dict:
    return person(THU, CSTD_TINH, rating=HTXS, initiative="Đề án hòa giải trực tuyến, Quyết định số 45/QĐ-UBND",
                  initiative_scope="Tỉnh, bộ", **more)


def test_three_cstdcs_ending_last_year_or_this_year(camp):
    history(camp, [(THU, "Văn phòng Sở", y, CSTDCS) for y in (2021, 2022, 2023)])
    taken(propose(camp, [province()]))  # the three previous years: accepted by default
    this_run = with_setting(camp, "history_window", "năm nay")
    f = refused(propose(this_run, [province()]), "proposal.history_missing", col(IND, "title"))
    assert f["message"] == message("proposal.history_missing", what=who(THU), award=CSTD_TINH,
                                   need="3 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\"", missing=CSTDCS, years="2024",
                                   basis=basis(camp, CSTD_TINH))
    taken(propose(this_run, [province(), person(THU, CSTDCS, rating=HTXS)]))


def test_three_cstdcs_ending_this_year(camp):
    history(camp, [(THU, "Văn phòng Sở", y, CSTDCS) for y in (2022, 2023)])
    this_year = person(THU, CSTDCS, rating=HTXS)
    taken(propose(camp, [province(), this_year]))
    f = refused(propose(camp, [province()]), "proposal.history_missing", col(IND, "title"))
    assert "năm 2024 (tính các năm 2022-2024) hoặc năm 2021 (tính các năm 2021-2023)." in f["message"]
    last_run = with_setting(camp, "history_window", "năm trước")  # campaign.xlsx: every later command
    f = refused(propose(last_run, [province(), this_year]), "proposal.history_missing", col(IND, "title"))
    assert "chưa có \"Chiến sĩ thi đua cơ sở\" năm 2021. " in f["message"]


def test_cstd_toan_quoc_on_two_cstd_tinh(camp):
    history(camp, [(THU, "Văn phòng Sở", y, CSTD_TINH) for y in (2022, 2023)])
    national = person(THU, CSTD_TQ, rating=HTXS, initiative="Đề án hòa giải trực tuyến", initiative_scope="Toàn quốc")
    taken(propose(camp, [national]))  # the two previous years
    this_run = with_setting(camp, "history_window", "năm nay")
    f = refused(propose(this_run, [national]), "proposal.history_missing", col(IND, "title"))
    assert f["message"] == message("proposal.history_missing", what=who(THU), award=CSTD_TQ,
                                   need="2 lần liên tục đạt \"Chiến sĩ thi đua cấp tỉnh, bộ\"", missing=CSTD_TINH,
                                   years="2024", basis=basis(camp, CSTD_TQ))


# --- LĐTT and the recruitment date (optional provincial rule) ------------------------------------------------
def test_ldtt_for_staff_recruited_less_than_ten_months_before(camp):
    recent = person(HOA, recruitment_date=date(2024, 6, 1))
    taken(propose(camp, [recent]))  # off by default
    ten = with_setting(camp, "ldtt_min_months", 10)
    f = refused(propose(ten, [recent]), "proposal.recruited_recently", col(IND, "recruitment_date"))
    assert f["message"] == message("proposal.recruited_recently", what=who(HOA), value="01/06/2024", year=2024,
                                   months=10, award=LDTT, basis=basis(camp, LDTT))
    taken(propose(ten, [person(HOA, recruitment_date=date(2024, 3, 1))]))  # March to December: ten months
    taken(propose(ten, [person(HOA)]))  # no date: not checked


def test_an_older_return_without_the_recruitment_date_column_is_accepted(camp):
    ten = with_setting(camp, "ldtt_min_months", 10)
    column = index_of("proposals", "individuals", "recruitment_date")
    record = propose(ten, [person(HOA)], tweak=lambda wb: wb[IND.name].delete_cols(column))
    taken(record)
    assert "sheet.optional_column_missing" in codes(record)


# --- the settings: a bad value is reported where it is --------------------------------------------------------
@pytest.mark.parametrize("key, value", [("history_window", "bất kỳ"), ("bang_khen_years", "2,5"),
                                        ("bang_khen_initiatives", "-1"), ("ldtt_min_months", "13")])
def test_a_bad_setting_is_reported_with_its_cell(camp, key, value):
    with pytest.raises(CampaignError):
        with_setting(camp, key, value)
    run = CliRunner().invoke(main, ["status", str(camp.dir)])
    assert run.exit_code != 0
    assert key in run.output and "Cài đặt" in run.output and "Traceback" not in run.output
