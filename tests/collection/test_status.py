"""The status board: states, timings, counts, unidentified files, JSON and text."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from itertools import count

from sheets_tools.formkit.declaration import load_forms
from sheets_tools.core.findings import STATUS_LABELS, finding
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.records import FileResult, Incoming, Row
from sheets_tools.collection.status import TIMING_LABELS, board
from workbooks import cell_of

DEADLINE = date(2024, 1, 31)  # the sample's registration deadline
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": "1985-03-15", "sex": "Nữ",
          "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
_serial = count()
GIVEN_NAME = cell_of("registration", "individuals", "given_name")  # on the first row


def send(camp, unit, received, findings=(), rows=None, name=None, form="registration"):
    """Record one received file in the campaign's ledger; returns the submission id.

    By default each unit registers one person of its own (no cross-unit duplicates)."""
    rows = rows if rows is not None else ({**PERSON, "given_name": f"Người của {unit}"},)
    inc = Incoming(name=name or f"{unit or 'x'}.xlsx", data=f"file {next(_serial)}".encode(),
                   source=f"inbox/{name or unit}.xlsx", received_at=received)
    result = FileResult(incoming=inc, form_id=form, unit_code=unit, findings=list(findings),
                        rows=[Row(sheet="individuals", row=9 + i, values=v) for i, v in enumerate(rows)])
    with Ledger(camp.dir) as ledger:
        return ledger.record(result)


def status_of(camp, today):
    with Ledger(camp.dir) as ledger:
        b = board(camp, ledger, today=today)
    return b, {e.unit: e for e in b.forms[0].entries}


def test_every_unit_is_listed_missing_before_anything_arrives(camp):
    b, entries = status_of(camp, today=date(2024, 1, 15))
    # every form whose deadline the campaign's calendar holds, in the order of the year
    assert [fs.form.id for fs in b.forms] == [f.id for f in load_forms().values() if camp.deadline(f.deadline)]
    assert {"registration", "scoring", "proposals"} <= {fs.form.id for fs in b.forms}
    by_id = {fs.form.id: fs for fs in b.forms}
    assert by_id["registration"].deadline == DEADLINE and by_id["scoring"].deadline == camp.deadline("yearend")
    assert list(entries) == [u.code for u in camp.units]
    assert {e.state for e in entries.values()} == {"missing"}
    assert {e.timing for e in entries.values()} == {"pending"}
    assert entries["VP"].unit_name == "Văn phòng Sở" and entries["VP"].block == camp.unit("VP").block


def test_missing_after_the_deadline_is_overdue(camp):
    _, entries = status_of(camp, today=DEADLINE + timedelta(days=1))
    assert {e.timing for e in entries.values()} == {"overdue"}
    _, entries = status_of(camp, today=DEADLINE)
    assert {e.timing for e in entries.values()} == {"pending"}


def test_states_and_timings(camp):
    send(camp, "VP", datetime(2024, 1, 31, 23, 59))
    send(camp, "TTR", datetime(2024, 2, 2, 8, 0), findings=[finding("file.macros")])
    send(camp, "XDKT", datetime(2024, 1, 20, 9, 0), findings=[finding("cell.required", sheet="individuals",
                                                                      cell=GIVEN_NAME, label="Tên")])
    _, entries = status_of(camp, today=date(2024, 2, 5))
    vp, ttr, xdkt = entries["VP"], entries["TTR"], entries["XDKT"]
    assert (vp.state, vp.timing, vp.errors, vp.warnings, vp.versions) == ("accepted", "on_time", 0, 0, 1)
    assert vp.received_at == datetime(2024, 1, 31, 23, 59) and vp.file == "VP.xlsx"
    assert (ttr.state, ttr.timing, ttr.warnings) == ("accepted_with_warnings", "late", 1)
    assert (xdkt.state, xdkt.timing, xdkt.errors) == ("rejected", "on_time", 1)
    assert not xdkt.older_data_in_use and xdkt.data_submission_id is None
    assert entries["PBGD"].state == "missing" and entries["PBGD"].timing == "overdue"


def test_rejected_latest_keeps_earlier_accepted_data_in_use(camp):
    first = send(camp, "VP", datetime(2024, 1, 20, 9, 0))
    latest = send(camp, "VP", datetime(2024, 1, 25, 9, 0),
                  findings=[finding("cell.required", sheet="individuals", cell=GIVEN_NAME, label="Tên")])
    _, entries = status_of(camp, today=date(2024, 2, 5))
    vp = entries["VP"]
    assert (vp.state, vp.versions, vp.errors) == ("rejected", 2, 1)
    assert vp.submission_id == latest and vp.data_submission_id == first
    assert vp.older_data_in_use
    assert vp.received_at == datetime(2024, 1, 25, 9, 0)
    assert "20/01/2024 09:00" in vp.note


def test_a_later_accepted_file_supersedes(camp):
    send(camp, "VP", datetime(2024, 1, 20, 9, 0), findings=[finding("file.macros")])
    second = send(camp, "VP", datetime(2024, 1, 22, 9, 0))
    _, entries = status_of(camp, today=date(2024, 2, 5))
    vp = entries["VP"]
    assert (vp.state, vp.versions, vp.warnings, vp.submission_id) == ("accepted", 2, 0, second)
    assert not vp.older_data_in_use


def test_counts(camp):
    send(camp, "VP", datetime(2024, 1, 30, 10, 0))
    send(camp, "TTR", datetime(2024, 2, 2, 8, 0), findings=[finding("file.macros")])
    send(camp, "XDKT", datetime(2024, 1, 20, 9, 0))
    send(camp, "XDKT", datetime(2024, 1, 21, 9, 0), findings=[finding("file.empty")])
    b, _ = status_of(camp, today=date(2024, 2, 5))
    counts = b.forms[0].counts
    n = len(camp.units)
    assert counts == {"units": n, "sent": 3, "on_time": 2, "late": 1, "missing": n - 3, "overdue": n - 3,
                      "accepted": 1, "accepted_with_warnings": 1, "rejected": 1, "older_data_in_use": 1,
                      "optional": 0}


def test_unidentified_files_are_listed_apart(camp):
    send(camp, None, datetime(2024, 1, 25, 9, 0), name="bao cao.xlsx",
         findings=[finding("ident.unknown_unit", detail="")])
    b, entries = status_of(camp, today=date(2024, 1, 26))
    assert {e.state for e in entries.values()} == {"missing"}
    [u] = b.unidentified
    assert (u.file, u.unit, u.status, u.errors) == ("bao cao.xlsx", None, "rejected", 1)


def test_received_time_with_offset_is_shown_in_local_time(camp):
    moment = datetime(2024, 1, 31, 16, 0, tzinfo=timezone(timedelta(hours=-10)))
    send(camp, "VP", moment)
    _, entries = status_of(camp, today=date(2024, 2, 5))
    local = moment.astimezone().replace(tzinfo=None)
    assert entries["VP"].received_at == local
    assert entries["VP"].timing == ("late" if local.date() > DEADLINE else "on_time")


def test_json_shape(camp):
    send(camp, "VP", datetime(2024, 1, 30, 10, 0))
    send(camp, None, datetime(2024, 1, 25, 9, 0), findings=[finding("ident.unknown_unit", detail="")])
    b, _ = status_of(camp, today=date(2024, 2, 5))
    data = json.loads(json.dumps(b.to_json(), ensure_ascii=False))
    assert set(data) == {"forms", "unidentified"}
    form = data["forms"][0]
    assert [f["form"] for f in data["forms"]] == [k for k, f in load_forms().items() if not f.regular]  # dated forms
    assert set(form) == {"form", "name", "deadline", "opens", "period", "counts", "units", "optional"}
    assert (form["form"], form["name"], form["deadline"]) == ("registration", "Đăng ký thi đua", "2024-01-31")
    vp = form["units"][0]
    assert vp == {"unit": "VP", "unit_name": "Văn phòng Sở", "block": camp.unit("VP").block,
                  "form": "registration", "deadline": "2024-01-31", "state": "accepted", "timing": "on_time",
                  "received_at": "2024-01-30T10:00:00", "file": "VP.xlsx", "versions": 1, "errors": 0,
                  "warnings": 0, "older_data_in_use": False}
    assert form["units"][1]["state"] == "missing" and form["units"][1]["received_at"] is None
    assert data["unidentified"][0]["received_at"] == "2024-01-25T09:00:00"


def test_text_table_is_vietnamese(camp):
    send(camp, "VP", datetime(2024, 1, 30, 10, 5))
    send(camp, "TTR", datetime(2024, 2, 2, 8, 0), findings=[finding("file.macros")])
    b, _ = status_of(camp, today=date(2024, 2, 5))
    text = b.format_text()
    # every form of the calendar, with when it goes out and how today stands against its deadline
    assert "Tự chấm điểm thi đua (gửi từ 01/11/2024, hạn nộp 30/11/2024; chưa đến kỳ gửi (gửi từ 01/11/2024))" \
        in text
    calendar, first = text.split("\n\n")[:2]
    assert calendar.splitlines()[0] == "Lịch nộp biểu mẫu (hôm nay 05/02/2024)"
    registration = next(line for line in calendar.splitlines() if line.startswith("Đăng ký thi đua"))
    assert "31/01/2024" in registration and "2/24" in registration and "đã quá hạn 5 ngày" in registration
    lines = first.splitlines()
    assert lines[0] == "Đăng ký thi đua (gửi từ 02/01/2024, hạn nộp 31/01/2024; đã quá hạn 5 ngày)"
    assert lines[1].split() == ["Mã", "Đơn", "vị", "Nhận", "lúc", "Thời", "hạn", "Tình", "trạng", "Lỗi", "Lưu", "ý"]
    vp = next(line for line in lines if line.startswith("VP "))
    assert "Văn phòng Sở" in vp and "30/01/2024 10:05" in vp and TIMING_LABELS["on_time"] in vp
    assert STATUS_LABELS["accepted"] in vp
    ttr = next(line for line in lines if line.startswith("TTR "))
    assert TIMING_LABELS["late"] in ttr and STATUS_LABELS["accepted_with_warnings"] in ttr
    assert sum(TIMING_LABELS["overdue"] in line for line in lines) == len(camp.units) - 2
    assert "Đã nộp 2/24 đơn vị (đúng hạn 1, muộn 1)" in lines[-1]
    # every row of the table is as wide as the header's columns say
    assert all(len(line) <= len(lines[2]) for line in lines[1:-1])


def test_same_person_in_two_units_shows_as_a_warning_on_the_board(camp):
    send(camp, "VP", datetime(2024, 1, 20, 9, 0), rows=(PERSON,))
    send(camp, "TTR", datetime(2024, 1, 21, 9, 0), rows=(PERSON,))
    b, entries = status_of(camp, today=date(2024, 2, 5))
    for unit in ("VP", "TTR"):
        assert (entries[unit].state, entries[unit].warnings) == ("accepted_with_warnings", 1)
    assert {f.code for fs in b.forms for fl in fs.cross_unit.values() for f in fl} == {"row.duplicate_across_units"}
