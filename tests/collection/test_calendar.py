"""The campaign's calendar drives ``issue`` (which forms go out today), ``status`` (each form's window
and deadline) and ``remind`` (drafts to the units still owing a form near or after its deadline)."""
from __future__ import annotations

import email
from datetime import date, datetime
from email import policy
from itertools import count

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign
from sheets_tools.collection import calendar as schedule
from sheets_tools.collection import reminders
from sheets_tools.collection import issue as send
from sheets_tools.campaign.model import CampaignError
from sheets_tools.cli import main
from sheets_tools.core.findings import finding
from sheets_tools.formkit.declaration import get_form
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.records import FileResult, Incoming, Row

_serial = count()
REGISTRATION = get_form("registration")


def record(camp, unit, received, findings=()):
    """A registration file from ``unit`` in the ledger (rejected when ``findings`` hold an error)."""
    inc = Incoming(name=f"{unit}.xlsx", data=f"file {next(_serial)}".encode(), source=f"inbox/{unit}.xlsx",
                   received_at=received)
    row = Row(sheet="individuals", row=9, values={"family_name": "Lê Văn", "given_name": f"An {unit}",
                                                 "birth_date": "1980-01-01"})
    with Ledger(camp.dir) as ledger:
        ledger.record(FileResult(incoming=inc, form_id="registration", unit_code=unit, findings=list(findings),
                                 rows=[row]))


def issued_forms(result) -> set[str]:
    return {f.id for f in result.forms}


# --- issue ----------------------------------------------------------------------------------------
def test_issue_sends_only_the_forms_whose_window_is_open_today(camp):
    early = send.issue(camp, today=date(2024, 1, 10))  # registration and initiatives go out from 02/01
    assert {"registration", "initiatives"} <= issued_forms(early)
    assert "scoring" not in issued_forms(early) and "proposals" not in issued_forms(early)
    assert any("Tự chấm điểm thi đua" in n and "gửi từ ngày 01/11/2024" in n for n in early.skipped)
    assert len(early.files) == len(early.forms) * len(camp.units)


def test_issue_after_a_deadline_leaves_that_form_out_and_says_how_to_send_it(camp):
    later = send.issue(camp, today=date(2024, 2, 5))
    assert "registration" not in issued_forms(later)
    assert any("Đăng ký thi đua" in n and "đã quá hạn nộp 31/01/2024" in n and "--form registration" in n
               for n in later.skipped)
    explicit = send.issue(camp, ["registration"], today=date(2024, 2, 5))  # --form ignores the calendar
    assert issued_forms(explicit) == {"registration"}


def test_a_form_without_a_date_in_the_calendar_is_never_issued_by_the_calendar(camp):
    undated = camp.model_copy(update={"deadlines": [d for d in camp.deadlines if d.form != "registration"]})
    result = send.issue(undated, today=date(2024, 1, 10))
    assert "registration" not in issued_forms(result)
    assert any("Đăng ký thi đua" in n and "chưa có hạn nộp" in n for n in result.skipped)


def test_issue_command_without_open_forms_writes_nothing_and_explains(camp):
    out = CliRunner().invoke(main, ["issue", str(camp.dir), "--today", "15/12/2024"])
    assert out.exit_code == 0, out.output
    assert "Không có biểu mẫu nào đến kỳ gửi" in out.output and "--all" in out.output
    assert not (camp.dir / "outbox").exists()
    opened = CliRunner().invoke(main, ["issue", str(camp.dir), "--today", "10/06/2024"])
    assert opened.exit_code == 0 and "Biểu mẫu:" in opened.output
    bad = CliRunner().invoke(main, ["issue", str(camp.dir), "--today", "32/13/2024"])
    assert bad.exit_code != 0 and "không phải ngày hợp lệ" in bad.output


# --- status ---------------------------------------------------------------------------------------
def test_status_shows_every_form_window_and_each_units_state(camp):
    record(camp, "VP", datetime(2024, 1, 20, 9, 0))
    out = CliRunner().invoke(main, ["status", str(camp.dir), "--today", "25/01/2024"])
    assert out.exit_code == 0, out.output
    calendar = out.output.split("\n\n")[0]
    assert "Lịch nộp biểu mẫu (hôm nay 25/01/2024)" in calendar
    line = next(x for x in calendar.splitlines() if x.startswith("Đăng ký thi đua"))
    assert "02/01/2024" in line and "31/01/2024" in line and "1/24" in line and "còn 6 ngày" in line
    scoring = next(x for x in calendar.splitlines() if x.startswith("Tự chấm điểm"))
    assert "chưa đến kỳ gửi" in scoring
    assert "Chưa đến kỳ gửi" in out.output  # the units' timing on a form not yet sent out
    vp = next(x for x in out.output.splitlines() if x.startswith("VP "))
    assert "20/01/2024 09:00" in vp and "Đúng hạn" in vp


# --- reminders ------------------------------------------------------------------------------------
def test_no_reminder_before_the_reminding_days(camp):
    assert schedule.window(camp, REGISTRATION).remind_from == date(2024, 1, 24)
    with Ledger(camp.dir) as ledger:
        assert not [r for r in reminders.reminders(camp, ledger, date(2024, 1, 23)) if r.form.id == "registration"]


def test_reminders_go_to_units_without_accepted_data_only(camp):
    record(camp, "VP", datetime(2024, 1, 20, 9, 0))  # accepted
    record(camp, "TTR", datetime(2024, 1, 21, 9, 0), findings=[finding("row.no_data", sheet="Tập thể")])
    with Ledger(camp.dir) as ledger:
        due = [r for r in reminders.reminders(camp, ledger, date(2024, 1, 25)) if r.form.id == "registration"]
    units = {r.unit.code: r for r in due}
    assert "VP" not in units and units["TTR"].state == "rejected"
    assert len(units) == len(camp.units) - 1 and not units["TTR"].overdue


def test_remind_writes_a_draft_with_the_form_and_what_to_do(camp):
    record(camp, "TTR", datetime(2024, 1, 21, 9, 0), findings=[finding("row.no_data", sheet="Tập thể")])
    send.issue(camp, ["registration"])  # only a form that went out is reminded
    result = send.remind(camp, today=date(2024, 2, 3), form_ids=["registration"])
    assert len(result.drafts) == len(camp.units)
    draft = next(p for p in result.drafts if p.parent.name == "TTR")
    msg = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
    assert msg["To"] == camp.unit("TTR").email and msg["Subject"].startswith("Nhắc nộp: ")
    text = msg.get_body(("plain",)).get_content()
    assert "còn lỗi" in text and "tệp phản hồi" in text and "đã quá hạn 3 ngày" in text
    attached = [p for p in msg.iter_attachments()]
    assert len(attached) == 1 and attached[0].get_filename().endswith(".xlsx")
    other = email.message_from_bytes(next(p for p in result.drafts if p.parent.name == "VP").read_bytes(),
                                     policy=policy.default)
    assert "chưa nhận được biểu mẫu" in other.get_body(("plain",)).get_content()
    # the attached form is the unit's own, ready to fill
    wb = load_workbook(result.files[0])
    assert wb[REGISTRATION.sheets[0].name]["C7"].value == result.files[0].parent.name


def test_remind_command_says_when_nobody_is_due(camp):
    out = CliRunner().invoke(main, ["remind", str(camp.dir), "--today", "10/01/2024"])
    assert out.exit_code == 0, out.output
    assert "không có đơn vị nào cần nhắc" in out.output
    assert CliRunner().invoke(main, ["issue", str(camp.dir), "--form", "registration"]).exit_code == 0
    due = CliRunner().invoke(main, ["remind", str(camp.dir), "--today", "01/02/2024", "--form", "registration"])
    assert due.exit_code == 0 and f"Đã ghi {len(camp.units)} thư nhắc" in due.output


# --- the calendar in campaign.xlsx ----------------------------------------------------------------
def test_calendar_dates_typed_as_text_are_read_and_bad_reminder_days_are_reported(camp):
    path = camp.dir / campaign.CAMPAIGN_FILE
    wb = load_workbook(path)
    ws = wb["Thời hạn"]
    ws["D2"] = "05/01/2024"  # "Ngày gửi biểu mẫu" of the registration, typed as text
    wb.save(path)
    assert campaign.load(camp.dir).calendar("registration").opens == date(2024, 1, 5)
    ws["E2"] = "một tuần"
    wb.save(path)
    with pytest.raises(CampaignError) as err:
        campaign.load(camp.dir)
    assert any(f.cell == "E2" and f.sheet == "Thời hạn" for f in err.value.findings)
