"""``sheets-tools fetch DIR --from PATH``: an mbox file or a Maildir folder (Thunderbird's, or exported)
read without changing it, new messages only, the same intake as a mailbox on a server."""
from __future__ import annotations

import mailbox as stdlib_mailbox
from datetime import datetime

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.collection.issue import draft_email
from sheets_tools.core.findings import message
from sheets_tools.store.ledger import Ledger

from imap_server import other_mail, unit_mail


def fetch(camp, *args):
    return CliRunner().invoke(main, ["fetch", str(camp.dir), *args])


def units(camp) -> list[str]:
    with Ledger(camp.dir) as ledger:
        return sorted(s.unit for s in ledger.submissions())


def write_box(kind: str, path, messages: list[bytes]):
    box = stdlib_mailbox.mbox(path) if kind == "mbox" else stdlib_mailbox.Maildir(path)
    box.lock() if kind == "mbox" else None
    for raw in messages:
        box.add(raw)
    box.flush()
    box.unlock() if kind == "mbox" else None
    box.close()
    return path


@pytest.mark.parametrize("kind", ["mbox", "maildir"])
def test_a_mailbox_file_is_read_new_messages_only(camp, tmp_path, kind):
    path = write_box(kind, tmp_path / f"Inbox-{kind}", [unit_mail(camp, "VP", tmp_path), other_mail()])
    before = snapshot(path)
    first = fetch(camp, "--from", str(path))
    assert first.exit_code == 0, first.output
    assert "Thư mới nhận: 1" in first.output and "để nguyên trong hộp thư: 1" in first.output
    assert units(camp) == ["VP"]
    assert snapshot(path) == before  # read only: no message moved from new/ to cur/, flagged or rewritten
    write_box(kind, path, [unit_mail(camp, "PBGD", tmp_path)])
    second = fetch(camp, "--from", str(path))
    assert "Thư mới nhận: 1" in second.output, second.output
    assert units(camp) == ["PBGD", "VP"]
    assert "Thư mới nhận: 0" in fetch(camp, "--from", str(path)).output


def snapshot(path) -> dict[str, bytes]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p): p.read_bytes() for p in files}


def test_the_same_message_from_the_server_and_from_an_export_is_taken_once(camp, tmp_path):
    raw = unit_mail(camp, "VP", tmp_path)
    first = write_box("mbox", tmp_path / "a.mbox", [raw])
    second = write_box("maildir", tmp_path / "Maildir", [raw])
    assert fetch(camp, "--from", str(first)).exit_code == 0
    result = fetch(camp, "--from", str(second))
    assert "Thư mới nhận: 0" in result.output and "đã nhận từ lần trước: 1" in result.output, result.output
    assert units(camp) == ["VP"]


def test_since_leaves_older_messages_for_later(camp, tmp_path):
    path = write_box("mbox", tmp_path / "box", [unit_mail(camp, "VP", tmp_path, when=datetime(2024, 1, 5, 9)),
                                                unit_mail(camp, "TTR", tmp_path, when=datetime(2024, 1, 15, 9))])
    result = fetch(camp, "--from", str(path), "--since", "10/01/2024")
    assert "Thư mới nhận: 1" in result.output, result.output
    assert units(camp) == ["TTR"]
    assert "Thư mới nhận: 1" in fetch(camp, "--from", str(path)).output  # the older one was not marked seen
    assert units(camp) == ["TTR", "VP"]


def test_a_path_that_is_no_mailbox_is_refused(camp, tmp_path):
    (tmp_path / "notes.txt").write_text("không phải hộp thư", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    for path in (tmp_path / "notes.txt", tmp_path / "folder"):
        result = fetch(camp, "--from", str(path))
        assert result.exit_code == 3, result.output
        assert result.output.strip() == "Lỗi: " + message("fetch.not_mailbox", path=str(path))


def test_move_to_needs_the_server(camp, tmp_path):
    path = write_box("mbox", tmp_path / "box", [])
    result = fetch(camp, "--from", str(path), "--move-to", "Đã nhận")
    assert result.exit_code == 2
    assert "--move-to chỉ dùng khi nhận thư từ máy chủ IMAP" in result.output


def test_a_rejected_return_gives_exit_status_1(camp, tmp_path):
    forgot = draft_email(sender="vp.stp@example.gov.vn", to="vanphong.stp@example.gov.vn", subject="Đăng ký",
                         body="Gửi kèm bảng đăng ký", attachments=[], date=datetime(2024, 1, 15, 10))
    path = write_box("mbox", tmp_path / "box", [forgot])  # from a unit's address: a return, without its file
    result = fetch(camp, "--from", str(path))
    assert result.exit_code == 1, result.output
    assert message("file.no_attachment") in result.output
