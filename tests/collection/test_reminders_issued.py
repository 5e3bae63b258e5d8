"""Reminders that make sense: ``remind`` writes only for forms issued to the unit (its form in
``outbox/<unit>/`` or its issue mail accepted in the ledger), says which forms were not issued, and an
optional form (column "Không bắt buộc" of sheet "Thời hạn") is never reminded nor overdue in ``status``."""
from __future__ import annotations

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.formkit.declaration import get_form
from sheets_tools.store import outbox
from sheets_tools.store.ledger import Ledger

AFTER_EVERY_DEADLINE = "15/12/2024"  # every form of the 2024 sample is past its deadline
REMINDER = "Nhắc nộp - "


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def reminders_of(folder):
    """{unit code: the names of its reminder drafts}."""
    out: dict[str, set[str]] = {}
    for p in (folder / "outbox").glob(f"*/{REMINDER}*.eml"):
        out.setdefault(p.parent.name, set()).add(p.name)
    return out


def calendar_column(camp, label: str) -> str:
    ws = load_workbook(camp.dir / campaign_mod.CAMPAIGN_FILE)["Thời hạn"]
    return next(c.column_letter for c in ws[1] if c.value == label)


def test_remind_writes_only_for_the_form_that_was_issued(camp):
    assert run("issue", camp.dir, "--form", "registration").exit_code == 0
    before = sorted(p.name for p in (camp.dir / "outbox").rglob("*.xlsx"))

    result = run("remind", camp.dir, "--today", AFTER_EVERY_DEADLINE)

    assert result.exit_code == 0, result.output
    expected = f"{REMINDER}{get_form('registration').name} 2024.eml"
    assert reminders_of(camp.dir) == {u.code: {expected} for u in camp.units}
    assert f"Đã ghi {len(camp.units)} thư nhắc" in result.output
    # no form was built for a form never issued
    assert sorted(p.name for p in (camp.dir / "outbox").rglob("*.xlsx")) == before
    report = get_form("yearend_report").name
    assert f"chưa gửi biểu mẫu \"{report}\" cho đơn vị nào nên không nhắc: chạy issue trước" in result.output


def test_remind_with_nothing_issued_writes_nothing_and_says_why(camp):
    result = run("remind", camp.dir, "--today", AFTER_EVERY_DEADLINE)

    assert result.exit_code == 0, result.output
    assert not (camp.dir / "outbox").exists() or not any((camp.dir / "outbox").rglob("*.*"))
    assert "Chưa ghi thư nhắc nào." in result.output
    registration = get_form("registration").name
    assert (f"chưa gửi biểu mẫu \"{registration}\" cho đơn vị nào nên không nhắc: chạy issue trước "
            f"(sheets-tools issue {camp.dir} --form registration)") in result.output


def test_a_form_issued_by_mail_only_is_reminded_to_that_unit_only(camp):
    """The outbox folder was cleaned, the ledger still knows the issue mail the server accepted for VP."""
    assert run("issue", camp.dir, "--form", "registration").exit_code == 0
    for path in (camp.dir / "outbox").rglob("*.*"):
        path.unlink()
    with Ledger(camp.dir) as ledger:
        attempt = outbox.queue(ledger, key="issue:VP:registration", kind="issue", unit="VP", form="registration",
                               message_id="<1@example.gov.vn>", recipients=["vp.stp@example.gov.vn"], subject="x")
        outbox.accepted(ledger, attempt)
        failed = outbox.queue(ledger, key="issue:TTR:registration", kind="issue", unit="TTR", form="registration",
                              message_id="<2@example.gov.vn>", recipients=["ttr.stp@example.gov.vn"], subject="x")
        outbox.failed(ledger, failed, "550")  # never reached the unit

    result = run("remind", camp.dir, "--today", "10/02/2024", "--form", "registration")

    assert result.exit_code == 0, result.output
    assert list(reminders_of(camp.dir)) == ["VP"]
    others = [u.code for u in camp.units if u.code != "VP"]
    assert f"cho {', '.join(others)} nên không nhắc" in result.output


def test_nominations_are_optional_never_reminded_nor_overdue(camp):
    assert run("issue", camp.dir, "--form", "nominations", "--form", "registration").exit_code == 0

    asked = run("remind", camp.dir, "--today", "15/11/2024", "--form", "nominations")
    assert asked.exit_code == 0, asked.output
    assert not reminders_of(camp.dir) and "không bắt buộc" in asked.output
    everything = run("remind", camp.dir, "--today", "15/11/2024")
    assert everything.exit_code == 0, everything.output
    assert all(names == {f"{REMINDER}{get_form('registration').name} 2024.eml"}
               for names in reminders_of(camp.dir).values())

    status = run("status", camp.dir, "--json", "--today", "15/11/2024")
    assert status.exit_code == 0, status.output
    forms = {f["form"]: f for f in json.loads(status.stdout)["forms"]}
    nominations, registration = forms["nominations"], forms["registration"]
    assert nominations["optional"] is True and registration["optional"] is False
    assert nominations["counts"]["overdue"] == 0 and nominations["counts"]["missing"] == 0
    assert nominations["counts"]["optional"] == len(camp.units)
    assert {u["timing"] for u in nominations["units"]} == {"optional"}
    assert registration["counts"]["overdue"] == len(camp.units)  # a required form still is
    text = run("status", camp.dir, "--today", "15/11/2024").output
    assert "đã hết hạn nộp; không bắt buộc" in text and "Không bắt buộc" in text
    assert camp.calendar("nominations").optional and not camp.calendar("registration").optional


def test_the_calendar_column_is_read_and_an_old_campaign_without_it_still_loads(camp):
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    column = calendar_column(camp, "Không bắt buộc")
    wb = load_workbook(path)
    ws = wb["Thời hạn"]
    row = next(c.row for c in ws["A"] if c.value == "registration")
    ws[f"{column}{row}"] = "có"  # any case: the registration becomes optional
    wb.save(path)
    assert campaign_mod.load(camp.dir).calendar("registration").optional

    ws[f"{column}{row}"] = "x"
    wb.save(path)
    bad = run("status", camp.dir)
    assert bad.exit_code == 3 and f"Thời hạn!{column}{row}" in bad.output and "\"Có\" hoặc \"Không\"" in bad.output

    ws.delete_cols(ws[f"{column}1"].column)  # a campaign.xlsx made before the column existed
    wb.save(path)
    old = campaign_mod.load(camp.dir)
    assert not any(d.optional for d in old.deadlines)
