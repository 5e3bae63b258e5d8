"""Outlook .msg files as returns: collected like the .eml of the same mail; a damaged one, or one without a
workbook, is one finding naming the file, never a traceback. The .msg files are written by msg_writer."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner

from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.cli import main
from sheets_tools.collection.issue import draft_email
from sheets_tools.core.findings import message
from sheets_tools.store.ledger import Ledger

from msg_writer import build_msg, cfb, message_tree
from workbooks import make_return, with_setting

PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
SENT = datetime(2024, 1, 15, 3, 20, 5, tzinfo=timezone.utc)  # 10:20:05 in the office's time (UTC+07:00)
NAME = "Phổ biến giáo dục.xlsx"


def _workbook(camp, tmp_path: Path, unit: str = "PBGD") -> Path:
    return make_return(tmp_path / NAME, camp, unit, {"individuals": [PERSON]})


def _collect(folder: Path, *paths: Path) -> tuple[int, dict | str]:
    result = CliRunner().invoke(main, ["collect", str(folder), *map(str, paths), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


def _collect_text(folder: Path, *paths: Path):
    result = CliRunner().invoke(main, ["collect", str(folder), *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def _ledger(folder: Path) -> list[tuple]:
    with Ledger(folder) as ledger:
        return [(s.unit, s.form, s.status, s.received_at, sorted(map(repr, ledger.rows(s.id))))
                for s in ledger.submissions()]


def _findings(out: dict) -> list[list[str]]:
    return [[f["code"] for f in entry["findings"]] for entry in out["files"]]


def test_written_msg_files_open_with_olefile(camp, tmp_path):
    data = build_msg(sent=SENT, attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())])
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        assert ole.parsing_issues == []
        assert ole.exists("__properties_version1.0")
        assert ole.exists("__attach_version1.0_#00000000/__substg1.0_37010102")
        assert ole.exists("__recip_version1.0_#00000000/__substg1.0_39FE001F")


def test_msg_is_collected_like_the_eml_of_the_same_mail(camp, tmp_path):
    """Same unit, same rows, same status and findings, same date taken from the message."""
    book = _workbook(camp, tmp_path)
    eml_dir, msg_dir = tmp_path / "eml", tmp_path / "msg"
    eml_dir.mkdir(), msg_dir.mkdir()
    (eml_dir / "thu.eml").write_bytes(draft_email(sender="pbgd@example.gov.vn", to="stp@example.gov.vn",
                                                  subject="Đăng ký thi đua", body="Kính gửi", attachments=[book],
                                                  date=SENT))
    (msg_dir / "thu.msg").write_bytes(build_msg(sender="pbgd@example.gov.vn", subject="Đăng ký thi đua",
                                                sent=SENT, attachments=[(NAME, book.read_bytes())]))
    other = tmp_path / "dot2"
    campaign_writer.create(other, sample="daklak-2024")

    code_eml, out_eml = _collect(other, eml_dir)
    code_msg, out_msg = _collect(camp.dir, msg_dir)

    assert code_msg == code_eml
    strip = [{k: v for k, v in f.items() if k != "file"} for f in out_eml["files"]]
    assert [{k: v for k, v in f.items() if k != "file"} for f in out_msg["files"]] == strip
    assert out_msg["files"][0]["unit"] == "PBGD" and out_msg["files"][0]["file"].endswith(f"thu.msg » {NAME}")
    assert _ledger(camp.dir) == _ledger(other)
    assert _ledger(camp.dir)[0][3] == datetime(2024, 1, 15, 10, 20, 5)


def test_msg_with_8bit_strings_and_delivery_time_is_collected(camp, tmp_path):
    """Strings in the message's code page (001E, Windows-1258), and the delivery time when the submit time
    is absent."""
    book = _workbook(camp, tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "thu.msg").write_bytes(build_msg(unicode=False, codepage=1258, subject="Đăng ký của Phường",
                                               delivered=SENT, attachments=[(NAME, book.read_bytes())]))
    code, out = _collect(camp.dir, folder)
    (entry,) = out["files"]
    assert entry["unit"] == "PBGD" and entry["form"] == "registration", out
    assert entry["file"].endswith(f"thu.msg » {NAME}")  # the attachment's Vietnamese name, from 8-bit bytes
    assert _ledger(camp.dir)[0][3] == datetime(2024, 1, 15, 10, 20, 5)


def test_the_same_msg_collected_twice_is_taken_once(camp, tmp_path):
    book = _workbook(camp, tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.msg").write_bytes(build_msg(sent=SENT, attachments=[(NAME, book.read_bytes())]))
    (folder / "b.msg").write_bytes(build_msg(sent=SENT, attachments=[]))
    _collect(camp.dir, folder)
    _collect(camp.dir, folder)
    assert len(_ledger(camp.dir)) == 2  # the return, and the mail refused whole: each recorded once


def _truncated(camp, tmp_path) -> bytes:
    return build_msg(sent=SENT, attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())])[:3000]


DAMAGED = {
    "truncated": _truncated,
    "not_cfb": lambda camp, tmp_path: "Đây là thư, không phải tệp Outlook".encode() * 20,
    "word_document_renamed": lambda camp, tmp_path: cfb({"WordDocument": b"\xec\xa5" + b"\0" * 5000,
                                                         "1Table": b"\0" * 600}),
    "empty": lambda camp, tmp_path: b"",
}


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_msg_is_one_finding_and_the_run_goes_on(camp, tmp_path, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "hong.msg").write_bytes(DAMAGED[kind](camp, tmp_path))
    (folder / "tot.msg").write_bytes(build_msg(sender="pbgd@example.gov.vn", sent=SENT,
                                               attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())]))
    code, out = _collect(camp.dir, folder)
    assert code == 1  # collect records a refused file and goes on
    bad = next(e for e in out["files"] if e["file"].endswith("hong.msg"))
    assert [f["code"] for f in bad["findings"]] == ["file.msg_damaged"]
    assert bad["findings"][0]["message"].startswith("Không đọc được thư Outlook (.msg)")
    assert any(e["file"].endswith(f"tot.msg » {NAME}") and e["unit"] == "PBGD" for e in out["files"])

    # as the office reads it (validate: nothing recorded again): the file, what is wrong, what to do
    text = CliRunner().invoke(main, ["validate", str(folder / "hong.msg"), "--campaign", str(camp.dir)])
    assert text.exit_code == 1 and "Traceback" not in text.output
    assert f"[Bị trả lại] {folder / 'hong.msg'}\n    - Lỗi: Không đọc được thư Outlook (.msg)" in text.output
    assert "lưu riêng tệp Excel đính kèm" in text.output


def test_a_msg_without_a_workbook_is_one_finding(camp, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "thu.msg").write_bytes(build_msg(sent=SENT, attachments=[("ghi-chu.txt", b"xin chao")]))
    result = _collect_text(camp.dir, folder)
    assert result.exit_code == 1
    assert f"[Bị trả lại] {folder / 'thu.msg'}\n    - Lỗi: {message('file.no_attachment')}" in result.output
    code, out = _collect(camp.dir, folder)  # taken before: known again, not a second record
    assert len(_ledger(camp.dir)) == 1


def test_a_message_attached_inside_is_read_as_a_forward_with_the_units_own_date(camp, tmp_path):
    """Outlook's "forward as attachment": the workbook in the attached message keeps the unit's own sending
    date and address, as in a forwarded .eml."""
    book = _workbook(camp, tmp_path).read_bytes()
    inner = message_tree(sender="pbgd@example.gov.vn", subject="Đăng ký", sent=datetime(2024, 1, 10, 2, 0),
                         attachments=[(NAME, book)], embedded_header=True)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "chuyen-tiep.msg").write_bytes(build_msg(sender="vp.stp@example.gov.vn", subject="FW: Đăng ký",
                                                       sent=SENT, embedded=[("Đăng ký", inner)]))
    code, out = _collect(camp.dir, folder)
    (entry,) = out["files"]
    assert (entry["unit"], entry["status"]) == ("PBGD", "accepted"), out
    assert entry["file"].endswith(f"chuyen-tiep.msg » {NAME}")
    assert _ledger(camp.dir)[0][3] == datetime(2024, 1, 10, 9, 0)  # the unit's date, not the forward's


def test_a_message_nested_deeper_than_a_mail_may_be_is_refused(camp, tmp_path):
    inner = message_tree(attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())], embedded_header=True)
    for _ in range(21):  # the .eml route's limit: 20 levels
        inner = message_tree(embedded=[("Fw", inner)], embedded_header=True)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sau.msg").write_bytes(build_msg(sent=SENT, embedded=[("Fw", inner)]))
    code, out = _collect(camp.dir, folder)
    assert code == 1 and _findings(out) == [["file.too_deep"]]


def test_an_object_inserted_into_the_text_is_skipped_with_a_finding(camp, tmp_path):
    book = _workbook(camp, tmp_path).read_bytes()
    sheet = {"Workbook": b"\x09\x08" + b"\0" * 5000, "\x01CompObj": b"\0" * 100}
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "chen.msg").write_bytes(build_msg(sent=SENT, objects=[("Bảng tính", sheet)]))
    code, out = _collect(camp.dir, folder)
    assert _findings(out) == [["file.msg_embedded"]]
    assert out["files"][0]["findings"][0]["message"] == message("file.msg_embedded", names='"Bảng tính"')

    camp2 = tmp_path / "dot2"
    campaign_writer.create(camp2, sample="daklak-2024")
    both = tmp_path / "both"
    both.mkdir()
    (both / "ca-hai.msg").write_bytes(build_msg(sent=SENT, attachments=[(NAME, book)],
                                                objects=[("Bảng tính", sheet)]))
    code, out = _collect(camp2, both)
    (entry,) = out["files"]
    assert entry["unit"] == "PBGD" and "file.msg_embedded_skipped" in [f["code"] for f in entry["findings"]]


def test_a_workbook_in_a_msg_keeps_the_campaigns_size_limit(camp, tmp_path):
    camp = with_setting(camp, "max_file_mb", 0.001)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "thu.msg").write_bytes(build_msg(sent=SENT, attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())]))
    code, out = _collect(camp.dir, folder)
    assert code == 1 and _findings(out) == [["file.too_large"]]
    assert out["files"][0]["file"].endswith(f"thu.msg » {NAME}")  # the workbook in the mail, not the mail


MAX_ATTACHMENTS = 1000  # what a .eml may hold (its parts), and a .msg (its attachments)


def test_a_msg_with_more_attachments_than_a_mail_may_hold_is_refused(camp, tmp_path):
    tree = message_tree(sent=SENT, attachments=[])
    for n in range(MAX_ATTACHMENTS + 1):
        tree[f"__attach_version1.0_#{n:08X}"] = {}
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "nhieu.msg").write_bytes(cfb(tree))
    code, out = _collect(camp.dir, folder)
    assert code == 1 and _findings(out) == [["file.too_large"]]
    assert str(MAX_ATTACHMENTS) in out["files"][0]["findings"][0]["message"]


def test_a_folder_named_like_a_msg_is_refused(camp, tmp_path):
    folder = tmp_path / "in"
    (folder / "thu.msg").mkdir(parents=True)
    code, out = _collect(camp.dir, folder)
    assert _findings(out) == [["file.not_regular"]]


def test_extract_msg_reads_the_written_files_when_installed(camp, tmp_path):
    extract_msg = pytest.importorskip("extract_msg")
    path = tmp_path / "thu.msg"
    path.write_bytes(build_msg(sender="pbgd@example.gov.vn", subject="Đăng ký", sent=SENT, message_id="<a@b>",
                               attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())]))
    with extract_msg.openMsg(str(path)) as msg:
        assert msg.subject == "Đăng ký" and msg.messageId == "<a@b>"
        assert [a.longFilename for a in msg.attachments] == [NAME]


# --- fetch --from a folder of .msg files: the mailbox route, with the sender checked ----------------------
def _fetch(camp, source: Path, *options: str):
    result = CliRunner().invoke(main, ["fetch", str(camp.dir), "--from", str(source), *options])
    assert "Traceback" not in result.output
    return result


def test_fetch_from_a_folder_of_msg_files_keeps_the_sender(camp, tmp_path):
    folder = tmp_path / "outlook"
    folder.mkdir()
    (folder / "thu.msg").write_bytes(build_msg(sender="vp.stp@example.gov.vn", sent=SENT, message_id="<m1@x>",
                                               attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())]))
    result = _fetch(camp, folder)
    assert result.exit_code == 0, result.output
    expected = message("fetch.sender_other_unit", sender="vp.stp@example.gov.vn", sender_unit="Văn phòng Sở (VP)",
                       unit_label="Phòng Phổ biến, giáo dục pháp luật (PBGD)")
    assert expected in result.output
    assert len(list((camp.dir / "inbox").glob("*.eml"))) == 1
    assert _ledger(camp.dir)[0][:2] == ("PBGD", "registration")
    assert _ledger(camp.dir)[0][3] == datetime(2024, 1, 15, 10, 20, 5)

    again = _fetch(camp, folder, "--json")
    assert again.exit_code == 0, again.output
    out = json.loads(again.output)
    assert out["saved"] == [] and out["already_taken"] == 1
    one = json.loads(_fetch(camp, folder / "thu.msg", "--json").output)  # the one file: known again too
    assert one["saved"] == [] and one["already_taken"] == 1


def test_an_exchange_sender_is_known_by_its_internet_address(camp, tmp_path):
    """Inside an Exchange organisation Outlook names the sender "/O=.../CN=..."; the internet address is kept
    beside it (PR_SENDER_SMTP_ADDRESS), or in the mail's internet headers (PR_TRANSPORT_MESSAGE_HEADERS)."""
    book = _workbook(camp, tmp_path).read_bytes()
    exchange = "/O=STP/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=VP"
    folder = tmp_path / "outlook"
    folder.mkdir()
    (folder / "a.msg").write_bytes(build_msg(sender=exchange, sent=SENT, attachments=[(NAME, book)],
                                             extra=[(0x5D01, 0x001F, "vp.stp@example.gov.vn")]))
    headers = "Received: from mail.stp.gov.vn\r\nFrom: \"Hoa\" <hoa.nguyen@gmail.com>\r\nTo: x@y.vn\r\n"
    (folder / "b.msg").write_bytes(build_msg(sender=exchange, sent=SENT, subject="Gửi lại",
                                             attachments=[("vp.xlsx", _workbook(camp, tmp_path, "VP").read_bytes())],
                                             extra=[(0x007D, 0x001F, headers)]))
    result = _fetch(camp, folder)
    assert result.exit_code == 0, result.output
    expected = message("fetch.sender_other_unit", sender="vp.stp@example.gov.vn", sender_unit="Văn phòng Sở (VP)",
                       unit_label="Phòng Phổ biến, giáo dục pháp luật (PBGD)")
    assert expected in result.output  # a.msg: the SMTP address, not the Exchange name
    unknown = message("fetch.sender_unknown", sender="hoa.nguyen@gmail.com",
                      known=" (địa chỉ đã đăng ký của Văn phòng Sở (VP): vp.stp@example.gov.vn)")
    assert unknown in result.output  # b.msg: the address read in its internet headers
    assert sorted(s[0] for s in _ledger(camp.dir)) == ["PBGD", "VP"]


def test_fetch_from_a_folder_with_a_damaged_msg_names_it_and_takes_nothing(camp, tmp_path):
    folder = tmp_path / "outlook"
    folder.mkdir()
    (folder / "a-tot.msg").write_bytes(build_msg(sender="pbgd@example.gov.vn", sent=SENT,
                                                 attachments=[(NAME, _workbook(camp, tmp_path).read_bytes())]))
    (folder / "b-hong.msg").write_bytes(b"khong phai thu Outlook")
    result = _fetch(camp, folder)
    assert result.exit_code == 3, result.output
    assert str(folder / "b-hong.msg") in result.output and "lệnh collect" in result.output
    assert not (camp.dir / "inbox").exists() or not list((camp.dir / "inbox").glob("*.eml"))
    assert _ledger(camp.dir) == []
