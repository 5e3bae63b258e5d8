"""Subjects and attachment names every mail program reads the same: read here from the raw header bytes,
once with ``email.header.decode_header`` and once strictly by RFC 2047 (whitespace between two encoded
words is dropped, as Outlook and Thunderbird do), in the drafts and in the mail sent."""
from __future__ import annotations

import base64
import shutil
import quopri
import re
import urllib.parse
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser

import pytest
from click.testing import CliRunner

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.cli import main
from sheets_tools.collection import issue
from sheets_tools.core.filenames import safe_file_name
from sheets_tools.formkit.declaration import get_form

from smtp_server import HOST, smtp_server, with_unit_email
from workbooks import with_setting

ENCODED_WORD = re.compile(r"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def raw_header(data: bytes, name: str) -> str:
    """The header's value as it is in the bytes, unfolded (CRLF removed, the whitespace after it kept)."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    match = re.search(rf"^{name}:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.M | re.I)
    assert match, f"no {name} header"
    return match.group(1).replace("\r\n", "").strip()


def strict_rfc2047(value: str) -> str:
    """RFC 2047 read to the letter: linear whitespace between two adjacent encoded words is ignored."""
    out, pos, last_was_word = [], 0, False
    for m in ENCODED_WORD.finditer(value):
        gap = value[pos:m.start()]
        if not (last_was_word and gap.strip() == ""):
            out.append(gap)
        charset, enc, text = m.groups()
        raw = base64.b64decode(text) if enc in "bB" else quopri.decodestring(text.replace("_", " "), header=True)
        out.append(raw.decode(charset))
        pos, last_was_word = m.end(), True
    out.append(value[pos:])
    return "".join(out)


def python_reading(value: str) -> str:
    return str(make_header(decode_header(value)))


def attachment_headers(data: bytes) -> list[tuple[str, str]]:
    """(Content-Type, Content-Disposition) raw values of each attachment part."""
    out = []
    for part in re.split(rb"\r\n--=+[0-9]+==", data)[1:]:
        part = part.lstrip(b"\r\n")
        if b"Content-Disposition: attachment" in part.split(b"\r\n\r\n", 1)[0]:
            out.append((raw_header(part, "Content-Type"), raw_header(part, "Content-Disposition")))
    return out


def rfc2231_filename(disposition: str) -> str:
    pieces = sorted((int(n or 0), v) for n, v in re.findall(r"filename\*(?:(\d+)\*)?=([^;\s]+)", disposition))
    value = "".join(v for _, v in pieces)
    charset, _, encoded = value.split("'", 2)
    return urllib.parse.unquote(encoded, encoding=charset)


def name_param(content_type: str) -> str:
    match = re.search(r'name="([^"]*)"', content_type)
    assert match, f"no name parameter in Content-Type: {content_type}"
    return match.group(1)


def check_subject(data: bytes, expected: str) -> None:
    value = raw_header(data, "Subject")
    assert python_reading(value) == expected
    assert strict_rfc2047(value) == expected
    assert data.isascii()


def check_attachments(data: bytes, expected: list[str]) -> None:
    found = attachment_headers(data)
    assert [rfc2231_filename(disposition) for _, disposition in found] == expected
    assert [strict_rfc2047(name_param(ctype)) for ctype, _ in found] == expected
    msg = BytesParser(policy=policy.default).parsebytes(data)
    assert [p.get_filename() for p in msg.iter_attachments()] == expected


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    """Issue and reminder drafts of two forms (the scoring form's reminder is the subject Outlook broke), once
    for this module: read-only (a test that writes takes a copy)."""
    folder = tmp_path_factory.mktemp("headers") / "dot"
    campaign_writer.create(folder, sample="daklak-2024")
    for form in ("scoring", "registration"):
        assert run("issue", folder, "--form", form).exit_code == 0
    result = run("remind", folder, "--form", "scoring", "--today", "02/12/2024")
    assert result.exit_code == 0 and "Đã ghi" in result.output, result.output
    return campaign_mod.load(folder)


@pytest.mark.parametrize("form_id", ["scoring", "registration"])
def test_issue_draft_subject_and_attachment_read_the_same_everywhere(drafts, form_id):
    camp, form = drafts, get_form(form_id)
    for unit in camp.units[:5]:
        xlsx = camp.dir / "outbox" / unit.code / issue.unit_file_name(form, camp, unit)
        data = xlsx.with_suffix(".eml").read_bytes()
        check_subject(data, issue.subject(camp, form))
        check_attachments(data, [xlsx.name])


def test_reminder_subject_keeps_every_space(drafts):
    camp, form = drafts, get_form("scoring")
    expected = "Nhắc nộp: " + issue.subject(camp, form)
    assert "Tự chấm điểm" in expected
    for unit in camp.units:
        name = safe_file_name(f"Nhắc nộp - {form.name} {camp.info.year}", ".eml")
        data = (camp.dir / "outbox" / unit.code / name).read_bytes()
        check_subject(data, expected)
        check_attachments(data, [issue.unit_file_name(form, camp, unit)])


def test_several_addresses_in_a_draft_are_one_list(camp):
    unit = camp.units[0]
    camp = with_unit_email(camp, unit.code, "a@donvi.gov.vn; b@donvi.gov.vn")
    assert run("issue", camp.dir, "--form", "scoring").exit_code == 0
    data = next((camp.dir / "outbox" / unit.code).glob("*.eml")).read_bytes()
    assert raw_header(data, "To") == "a@donvi.gov.vn, b@donvi.gov.vn"


def test_sent_mail_has_the_drafts_subject(drafts, tmp_path):
    camp = campaign_mod.load(shutil.copytree(drafts.dir, tmp_path / "dot"))
    with smtp_server() as server:
        for key, value in {"smtp.host": HOST, "smtp.port": server.port, "smtp.security": "none",
                           "mail.delay_s": 0}.items():
            camp = with_setting(camp, key, value)
        result = run("send", camp.dir, "--send", "--form", "scoring")
        assert result.exit_code == 0, result.output
    form = get_form("scoring")
    subjects = {"issue": issue.subject(camp, form), "remind": "Nhắc nộp: " + issue.subject(camp, form)}
    assert len(server.messages) == 2 * len(camp.units)
    unit = camp.units[0]
    got = sorted(python_reading(raw_header(m.data, "Subject")) for m in server.to(unit.email))
    assert got == sorted(subjects.values())
    for m in server.messages:
        assert strict_rfc2047(raw_header(m.data, "Subject")) in subjects.values()
        check_attachments(m.data, [issue.unit_file_name(form, camp, camp.unit(
            next(u.code for u in camp.units if u.email in m.rcpt_tos)))])
