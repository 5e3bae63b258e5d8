"""The sender of a fetched mail against the unit its workbook names (through ``fetch --from``, the same intake
as the server's): another unit's address is a warning naming both, an address of no unit is reported, a
unit's second address and a return the office forwarded are not; the warnings survive a ledger rebuild."""
from __future__ import annotations

import mailbox as stdlib_mailbox
from email import message_from_bytes, policy
from email.message import EmailMessage

from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.core.findings import message
from sheets_tools.store.ledger import Ledger

from imap_server import unit_mail, with_unit_email


def fetch_from(camp, tmp_path, *raws: bytes):
    box = stdlib_mailbox.mbox(tmp_path / "box")
    for raw in raws:
        box.add(raw)
    box.close()
    return CliRunner().invoke(main, ["fetch", str(camp.dir), "--from", str(tmp_path / "box")])


def findings_of(camp, unit: str) -> list:
    with Ledger(camp.dir) as ledger:
        (sub,) = [s for s in ledger.submissions() if s.unit == unit]
        return [f for f in ledger.findings(sub.id) if f.code.startswith("fetch.")]


def test_a_file_sent_from_another_units_address_is_a_warning_naming_both(camp, tmp_path):
    result = fetch_from(camp, tmp_path, unit_mail(camp, "PBGD", tmp_path, sender="vp.stp@example.gov.vn"))
    assert result.exit_code == 0, result.output
    expected = message("fetch.sender_other_unit", sender="vp.stp@example.gov.vn", sender_unit="Văn phòng Sở (VP)",
                       unit_label="Phòng Phổ biến, giáo dục pháp luật (PBGD)")
    assert expected in result.output and "[Hợp lệ, có lưu ý]" in result.output
    assert [f.message for f in findings_of(camp, "PBGD")] == [expected]
    assert (camp.dir / "feedback" / "PBGD").is_dir()  # the unit hears of it too
    rebuilt = CliRunner().invoke(main, ["ledger", "rebuild", str(camp.dir), "--force"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert [f.message for f in findings_of(camp, "PBGD")] == [expected]  # the archive and its sidecar keep it


def test_an_address_of_no_unit_is_reported(camp, tmp_path):
    result = fetch_from(camp, tmp_path, unit_mail(camp, "VP", tmp_path, sender="hoa.nguyen@gmail.com"))
    assert result.exit_code == 0, result.output
    expected = message("fetch.sender_unknown", sender="hoa.nguyen@gmail.com",
                       known=" (địa chỉ đã đăng ký của Văn phòng Sở (VP): vp.stp@example.gov.vn)")
    assert [f.message for f in findings_of(camp, "VP")] == [expected]
    assert expected in result.output


def test_any_of_a_units_addresses_is_its_own(camp, tmp_path):
    camp = with_unit_email(camp, "VP", "vp.stp@example.gov.vn; Van.Thu@Example.gov.vn")
    result = fetch_from(camp, tmp_path, unit_mail(camp, "VP", tmp_path, sender="van.thu@example.gov.vn"))
    assert result.exit_code == 0, result.output
    assert findings_of(camp, "VP") == []
    assert "[Hợp lệ]" in result.output


def test_a_return_the_office_forwarded_keeps_the_units_address(camp, tmp_path):
    inner = message_from_bytes(unit_mail(camp, "TTR", tmp_path), policy=policy.default)
    forward = EmailMessage()
    forward["From"], forward["To"] = "vanphong.stp@example.gov.vn", "vanphong.stp@example.gov.vn"
    forward["Subject"], forward["Date"] = "Fwd: đăng ký", "Tue, 16 Jan 2024 08:00:00 +0700"
    forward.set_content("Chuyển tiếp")
    forward.add_attachment(inner)
    result = fetch_from(camp, tmp_path, forward.as_bytes())
    assert result.exit_code == 0, result.output
    assert findings_of(camp, "TTR") == []
