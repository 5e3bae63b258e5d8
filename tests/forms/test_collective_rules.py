"""The collective rules of the proposal form, through ``sheets-tools collect``: a TTLĐTT needs the collective's
own rating "Hoàn thành tốt nhiệm vụ" or better; TTLĐXS (like TTLĐTT) refuses a collective with a member
disciplined at "cảnh cáo" or above; the LĐTT share of a TTLĐTT is compared inclusively ("từ 70% trở lên",
default) or exclusively ("trên 50%") as the campaign's settings say, and the finding uses those words.
Each rule has a passing and a failing case; each finding sits at its cell and cites its basis."""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.core.findings import ERROR, message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form

from workbooks import make_return, with_setting

JANUARY = datetime(2024, 1, 20, 9, 0)
YEAR_END = datetime(2024, 11, 20, 9, 0)
HTXS, HTT, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
TTLDTT, TTLDXS = "Tập thể lao động tiên tiến", "Tập thể lao động xuất sắc"
GOOD, BEST = "Tổ Tổng hợp", "Tổ Hành chính"
COL = get_form("proposals").sheet("collectives")

_files = iter(range(10_000))


def collect(camp, path: Path, moment: datetime) -> dict:
    """``sheets-tools collect`` of one file received at ``moment``: the file's JSON record."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    run = CliRunner().invoke(main, ["collect", str(camp.dir), str(path), "--json", "--no-feedback"])
    assert run.exception is None or isinstance(run.exception, SystemExit), run.output
    [record] = json.loads(run.output)["files"]
    return record


@pytest.fixture
def camp(camp):
    """The sample campaign with VP's January registration of its two collectives collected."""
    rows = {"collectives": [{"collective_name": GOOD, "title": TTLDTT}, {"collective_name": BEST, "title": TTLDXS}],
            "movements": [{"movement": camp.movements[0].name}]}
    path = make_return(camp.dir.parent / "dang-ky-VP.xlsx", camp, "VP", rows)
    assert collect(camp, path, JANUARY)["status"] == "accepted"
    return camp


def team(name: str = GOOD, title: str = TTLDTT, **more) -> dict:
    return {"collective_name": name, "rating": HTT, "title": title, "members": 10, "ldtt_members": 8,
            "cstdcs_members": 1, "incomplete_members": 0, "disciplined_members": 0, "unit_vote": 100,
            "pending": "Không", "achievements": "Hoàn thành tốt nhiệm vụ", **more}


def excellent(**more) -> dict:
    return team(BEST, TTLDXS, **{"rating": HTXS, **more})


def propose(camp, *teams: dict) -> dict:
    """VP's proposal file with ``teams``, collected at the year's end: its JSON record."""
    path = camp.dir.parent / f"de-nghi-VP-{next(_files)}.xlsx"
    make_return(path, camp, "VP", {"individuals": [], "collectives": list(teams)}, form_id="proposals")
    return collect(camp, path, YEAR_END)


def codes(record: dict) -> list[str]:
    return [f["code"] for f in record["findings"]]


def only(record: dict, code: str) -> dict:
    found = [f for f in record["findings"] if f["code"] == code]
    assert len(found) == 1, codes(record)
    return found[0]


def cell(field: str) -> str:
    return f"{COL.column(field).letter}{FIRST_ROW}"


def of(name: str) -> str:
    return f"Tập thể \"{name}\""


def basis(camp, award: str) -> str:
    return camp.basis(camp.catalogue_item(award))


# --- TTLĐTT: the collective's own rating ----------------------------------------------------------------
def test_ttldtt_with_a_good_rating_passes(camp):
    for rating in (HTT, HTXS):
        record = propose(camp, team(rating=rating))
        assert (record["status"], record["findings"]) == ("accepted", [])


def test_ttldtt_rated_below_good_is_refused(camp):
    record = propose(camp, team(rating=HT))
    f = only(record, "proposal.rating")
    assert (f["cell"], f["severity"], f["value"]) == (cell("rating"), ERROR, HT)
    assert f["message"] == message("proposal.rating", what=of(GOOD), award=TTLDTT, need=HTT, value=HT,
                                   basis=basis(camp, TTLDTT))
    assert "Căn cứ: " in f["message"] and "Điều 28" in basis(camp, TTLDTT)
    assert codes(record) == ["proposal.rating"] and record["status"] == "rejected"


# --- TTLĐXS: no member disciplined at "cảnh cáo" or above -----------------------------------------------
def test_ttldxs_without_a_disciplined_member_passes(camp):
    assert propose(camp, excellent())["findings"] == []


def test_ttldxs_with_a_disciplined_member_is_refused(camp):
    record = propose(camp, excellent(disciplined_members=1))
    f = only(record, "proposal.disciplined")
    assert (f["cell"], f["severity"], f["value"]) == (cell("disciplined_members"), ERROR, 1)
    assert f["message"] == message("proposal.disciplined", what=of(BEST), value=1, award=TTLDXS,
                                   basis=basis(camp, TTLDXS))
    assert codes(record) == ["proposal.disciplined"]


# --- the LĐTT share of a TTLĐTT: inclusive ("từ") or exclusive ("trên") -----------------------------------
def share_finding(camp, record: dict, ldtt: int, share: str, need: str) -> dict:
    f = only(record, "proposal.ldtt_share")
    assert (f["cell"], f["severity"], f["value"]) == (cell("ldtt_members"), ERROR, ldtt)
    assert f["message"] == message("proposal.ldtt_share", what=of(GOOD), value=ldtt, members=10, share=share,
                                   need=need, setting="ttldtt_ldtt_percent", award=TTLDTT, basis=basis(camp, TTLDTT))
    assert need in f["message"]
    return f


def test_share_at_least_seventy_percent_by_default(camp):
    assert camp.yearend.ttldtt_ldtt_compare == "từ"
    assert propose(camp, team(ldtt_members=7))["findings"] == []  # exactly 70%: enough
    record = propose(camp, team(ldtt_members=6))
    share_finding(camp, record, 6, "60,0%", "từ 70% trở lên")
    assert codes(record) == ["proposal.ldtt_share"]


def test_share_more_than_fifty_percent_when_set_exclusive(camp):
    older = with_setting(with_setting(camp, "ttldtt_ldtt_percent", 50), "ttldtt_ldtt_compare", "trên")
    assert (older.yearend.ttldtt_ldtt_percent, older.yearend.ttldtt_ldtt_compare) == (50, "trên")
    assert propose(older, team(ldtt_members=6))["findings"] == []
    record = propose(older, team(ldtt_members=5))  # exactly half is not more than half
    share_finding(older, record, 5, "50,0%", "trên 50%")
    assert codes(record) == ["proposal.ldtt_share"]


def test_exactly_the_percent_passes_when_inclusive(camp):
    half = with_setting(camp, "ttldtt_ldtt_percent", 50)
    assert propose(half, team(ldtt_members=5))["findings"] == []
    share_finding(half, propose(half, team(ldtt_members=4)), 4, "40,0%", "từ 50% trở lên")


def test_ttldxs_share_stays_at_least_its_own_percent(camp):
    exclusive = with_setting(camp, "ttldtt_ldtt_compare", "trên")
    assert propose(exclusive, excellent(ldtt_members=7))["findings"] == []  # TTLĐXS: at least 70%
    f = only(propose(exclusive, excellent(ldtt_members=6)), "proposal.ldtt_share")
    assert "từ 70% trở lên" in f["message"] and "ttldxs_ldtt_percent" in f["message"]
