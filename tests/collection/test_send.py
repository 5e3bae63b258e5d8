"""Tests of sheets_tools.send: e-mail drafts and the issue stage."""
from __future__ import annotations

from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser

import pytest
from openpyxl import load_workbook

from sheets_tools.collection import templates as build
from sheets_tools.formkit import declaration as forms
from sheets_tools.collection import issue as send

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def test_draft_email_round_trip(tmp_path):
    attachment = tmp_path / "Đăng ký thi đua 2024 - Phòng Tư pháp huyện Cư M'gar.xlsx"
    attachment.write_bytes(b"PK\x03\x04 not really a workbook")
    data = send.draft_email(sender="vanphong@example.gov.vn", to="donvi@example.gov.vn",
                            subject="[Sở Tư pháp] Đăng ký thi đua năm 2024 - hạn nộp 31/01/2024",
                            body="Kính gửi: Phòng Tư pháp huyện Cư M'gar\n", attachments=[attachment],
                            date=datetime(2024, 1, 5, 8, 0, tzinfo=timezone.utc))
    msg = _parse(data)
    assert msg["Subject"] == "[Sở Tư pháp] Đăng ký thi đua năm 2024 - hạn nộp 31/01/2024"
    assert (msg["From"], msg["To"]) == ("vanphong@example.gov.vn", "donvi@example.gov.vn")
    assert msg["Date"].datetime == datetime(2024, 1, 5, 8, 0, tzinfo=timezone.utc)
    # MIME text is in canonical form (CRLF line ends)
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Kính gửi: Phòng Tư pháp huyện Cư M'gar\n"
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == XLSX
    assert part.get_filename() == attachment.name
    assert part.get_content() == attachment.read_bytes()
    assert data.isascii()  # every non-ASCII header and body is encoded


def test_issue_writes_one_workbook_and_draft_per_unit(camp):
    form = forms.get_form("registration")
    result = send.issue(camp, ["registration"])
    assert len(result.files) == len(result.drafts) == len(camp.units)
    assert result.skipped == []
    for unit in camp.units:
        xlsx = camp.dir / "outbox" / unit.code / build.unit_file_name(form, camp, unit)
        eml = xlsx.with_suffix(".eml")
        assert xlsx in result.files and eml in result.drafts
        msg = _parse(eml.read_bytes())
        assert "31/01/2024" in msg["Subject"] and form.name in msg["Subject"]
        assert (msg["From"], msg["To"]) == (camp.info.office_email, unit.email)
        body = msg.get_body(("plain",)).get_content()
        assert unit.name in body and unit.contact in body and camp.info.office_email in body
        [part] = list(msg.iter_attachments())
        assert part.get_filename() == xlsx.name
        assert part.get_content() == xlsx.read_bytes()
    wb = load_workbook(result.files[0])
    first = camp.units[0]
    assert (wb["Tập thể"]["C6"].value, wb["Tập thể"]["C7"].value) == (first.name, first.code)


def test_issue_again_overwrites(camp):
    first = send.issue(camp, ["registration"])
    second = send.issue(camp, ["registration"])
    assert first.files == second.files and first.drafts == second.drafts
    written = sorted(p for p in (camp.dir / "outbox").rglob("*") if p.is_file())
    assert written == sorted(first.files + first.drafts)


def test_unit_without_email_gets_workbook_but_no_draft(camp):
    camp.units[0] = camp.units[0].model_copy(update={"email": ""})
    result = send.issue(camp, ["registration"])
    assert len(result.files) == len(camp.units) and len(result.drafts) == len(camp.units) - 1
    assert not list((camp.dir / "outbox" / camp.units[0].code).glob("*.eml"))
    assert len(result.skipped) == 1 and camp.units[0].code in result.skipped[0]


def test_unknown_form_is_refused(camp):
    with pytest.raises(ValueError, match="khong-co"):
        send.issue(camp, ["khong-co"])
