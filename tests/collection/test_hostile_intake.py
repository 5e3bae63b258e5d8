"""Hostile intake: one bad mail never stops the run, only regular files are opened, links do not lead
out of the inbox, and a date from a wrong clock does not keep a file current for good."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.collection.issue import draft_email
from sheets_tools.core.findings import message
from sheets_tools.core.records import OFFICE_TZ
from sheets_tools.store.ledger import Ledger
from workbooks import make_return

PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
POSIX = pytest.mark.skipif(os.name == "nt", reason="FIFOs and symlinks as an ordinary user: POSIX")


def _return(camp, unit: str, path: Path, **person) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_return(path, camp, unit, {"individuals": [{**PERSON, **person}]})


def _mail(path: Path, attachment: Path, when: datetime) -> Path:
    path.write_bytes(draft_email(sender="donvi@example.gov.vn", to="vp@example.gov.vn", subject="Đăng ký",
                                 body="Kính gửi", attachments=[attachment], date=when))
    return path


def _deep_mail(levels: int, kind: str) -> bytes:
    """A mail of ``levels`` multiparts (or forwarded messages) one inside the other."""
    body = b"Content-Type: text/plain; charset=utf-8\r\n\r\nXin chao\r\n"
    for n in range(levels):
        if kind == "multipart":
            body = (b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n) + body
                    + b"\r\n--b%d--\r\n" % n)
        else:
            body = b"Content-Type: message/rfc822\r\n\r\n" + body
    return b"From: donvi@example.gov.vn\r\nDate: Mon, 15 Jan 2024 10:00:00 +0700\r\nSubject: x\r\n" + body


def _collect(camp, *paths: Path):
    result = CliRunner().invoke(main, ["collect", str(camp.dir), *map(str, paths), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    files = json.loads(result.output)["files"]
    assert result.exit_code == sent_back(files), result.output  # exit status 1 when a file is sent back
    return {_short(f["file"]): f for f in files}


def sent_back(files: list[dict]) -> int:
    return 1 if any(f["status"] == "rejected" for f in files) else 0


def _short(source: str) -> str:
    """A file's source without its folder: "b.xlsx", "c.eml » Thanh tra.xlsx"."""
    path, sep, attachment = source.partition(" » ")
    return Path(path).name + sep + attachment


def _codes(entry: dict) -> list[str]:
    return [f["code"] for f in entry["findings"]]


def _current(camp) -> dict[str, str]:
    """Unit -> the name of its current registration file, from ``status --json``."""
    result = CliRunner().invoke(main, ["status", str(camp.dir), "--json"])
    assert result.exit_code == 0, result.output
    form = next(f for f in json.loads(result.output)["forms"] if f["form"] == "registration")
    return {u["unit"]: u["file"] for u in form["units"] if u["file"]}


def _recorded(camp) -> list[str]:
    with Ledger(camp.dir) as ledger:
        return [s.name for s in ledger.submissions()]


# --- one bad mail never stops the run --------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["multipart", "rfc822"])
@pytest.mark.parametrize("given", ["folder", "files"])
def test_a_mail_nested_a_thousand_times_is_one_rejected_file(camp, tmp_path, kind, given):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(_deep_mail(1000, kind))
    _return(camp, "VP", inbox / "b.xlsx")
    _mail(inbox / "c.eml", _return(camp, "TTR", tmp_path / "Thanh tra.xlsx"), datetime(2024, 1, 15, 10))
    paths = [inbox] if given == "folder" else [inbox / "a.eml", inbox / "b.xlsx", inbox / "c.eml"]
    files = _collect(camp, *paths)
    deep = files["a.eml"]
    assert deep["status"] == "rejected"
    assert _codes(deep) == ["file.too_deep"]
    assert "đính kèm trực tiếp tệp Excel" in deep["findings"][0]["message"]
    assert files["b.xlsx"]["status"] != "rejected" and files["c.eml » Thanh tra.xlsx"]["status"] != "rejected"
    assert _current(camp) == {"VP": "b.xlsx", "TTR": "Thanh tra.xlsx"}
    assert sorted(_recorded(camp)) == ["Thanh tra.xlsx", "a.eml", "b.xlsx"]
    again = _collect(camp, *paths)  # the re-run does not stop at the same mail either
    assert again["a.eml"]["status"] == "rejected" and len(again) == 3


@pytest.mark.parametrize("levels", [21, 60])
def test_a_mail_deeper_than_the_bound_is_refused_before_the_parser_gives_up(camp, tmp_path, levels):
    (tmp_path / "a.eml").write_bytes(_deep_mail(levels, "multipart"))
    files = _collect(camp, tmp_path / "a.eml", _return(camp, "VP", tmp_path / "b.xlsx"))
    assert _codes(files["a.eml"]) == ["file.too_deep"]
    assert files["b.xlsx"]["status"] != "rejected"


@pytest.mark.parametrize("raw", [
    pytest.param(b"Date: Fri, 31 Dec 9999 23:59:59 -2359\r\nContent-Type: text/plain\r\n\r\nx", id="date-overflow"),
    pytest.param(bytes(range(256)) * 40, id="random-bytes"),
    pytest.param(b"Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n"
                 b"\r\n\r\n--x--\r\n", id="empty-forward"),
])
def test_a_damaged_mail_never_stops_the_run(camp, tmp_path, raw):
    (tmp_path / "a.eml").write_bytes(raw)
    files = _collect(camp, tmp_path / "a.eml", _return(camp, "VP", tmp_path / "b.xlsx"))
    assert files["a.eml"]["status"] == "rejected"
    assert files["b.xlsx"]["status"] != "rejected"
    assert "b.xlsx" in _recorded(camp)


def test_a_forward_of_a_forward_of_a_forward_keeps_the_units_date(camp, tmp_path):
    workbook = _return(camp, "PBGD", tmp_path / "Phổ biến.xlsx")
    inner = EmailMessage(policy=policy.SMTP)
    inner["From"], inner["Subject"] = "pbgd@example.gov.vn", "Đăng ký"
    inner["Date"] = format_datetime(datetime(2024, 1, 15, 10, tzinfo=OFFICE_TZ))
    inner.set_content("Kính gửi")
    inner.add_attachment(workbook.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=workbook.name)
    mail = inner
    for day in (16, 17, 18):  # forwarded three times, each forward a day later
        outer = EmailMessage(policy=policy.SMTP)
        outer["From"], outer["Subject"] = "chuyentiep@example.gov.vn", "Fwd: Đăng ký"
        outer["Date"] = format_datetime(datetime(2024, 1, day, 10, tzinfo=OFFICE_TZ))
        outer.set_content("Chuyển tiếp")
        outer.add_attachment(mail)
        mail = outer
    (tmp_path / "fwd.eml").write_bytes(mail.as_bytes())
    (entry,) = _collect(camp, tmp_path / "fwd.eml").values()
    assert entry["status"] != "rejected" and entry["unit"] == "PBGD", entry
    with Ledger(camp.dir) as ledger:
        (sub,) = ledger.submissions()
    assert sub.received_at == datetime(2024, 1, 15, 10)


# --- only regular files are opened; links stay inside the inbox ---------------------------------------------
def _collect_in_child(camp, *paths: Path) -> dict:
    """collect in its own process, so that a hang is a failure (killed after the timeout), not a stuck suite."""
    proc = subprocess.run([sys.executable, "-m", "sheets_tools.cli", "collect", str(camp.dir), *map(str, paths),
                           "--json"], capture_output=True, timeout=90, encoding="utf-8")
    files = json.loads(proc.stdout)["files"]
    assert proc.returncode == sent_back(files), proc.stderr
    return {f["file"]: f for f in files}


@POSIX
@pytest.mark.parametrize("given", ["folder", "fifo"])
def test_a_fifo_named_like_a_workbook_is_refused_unopened(camp, tmp_path, given):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "x.xlsx")
    good = _return(camp, "VP", inbox / "y.xlsx")
    paths = [inbox] if given == "folder" else [inbox / "x.xlsx", good]
    files = _collect_in_child(camp, *paths)
    fifo = files[str(inbox / "x.xlsx")]
    assert _codes(fifo) == ["file.not_regular"] and fifo["status"] == "rejected"
    assert str(inbox / "x.xlsx") in fifo["findings"][0]["message"]
    assert files[str(good)]["status"] != "rejected"
    assert _recorded(camp) == ["y.xlsx"]  # the FIFO is the office's own path: nothing recorded for it


@pytest.mark.parametrize("given", ["folder", "directly"])
def test_a_folder_named_like_a_workbook_is_refused(camp, tmp_path, given):
    inbox = tmp_path / "inbox"
    (inbox / "y.xlsx").mkdir(parents=True)
    (inbox / "y.xlsx" / "[Content_Types].xml").write_text("<Types/>", encoding="utf-8")  # an unzipped workbook
    good = _return(camp, "VP", inbox / "z.xlsx")
    paths = [inbox] if given == "folder" else [inbox / "y.xlsx", good]
    files = _collect(camp, *paths)
    folder = files["y.xlsx"]
    assert _codes(folder) == ["file.not_regular"]
    expected = message("file.not_regular", value=str(inbox / "y.xlsx"), what="một thư mục")
    assert folder["findings"][0]["message"] == expected
    assert files["z.xlsx"]["status"] != "rejected"
    assert "[Content_Types].xml" not in files  # never walked into
    assert _recorded(camp) == ["z.xlsx"]


@POSIX
def test_links_do_not_lead_out_of_the_inbox(camp, tmp_path):
    outside = tmp_path / "outside"
    secret = _return(camp, "TTR", outside / "secret.xlsx")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = _return(camp, "VP", inbox / "good.xlsx")
    (inbox / "passwd.xlsx").symlink_to("/etc/passwd")
    (inbox / "secret.xlsx").symlink_to(secret)
    (inbox / "elsewhere").symlink_to(outside, target_is_directory=True)
    (inbox / "loop").symlink_to(inbox, target_is_directory=True)  # a cycle: never walked twice
    (inbox / "self.xlsx").symlink_to(inbox / "self.xlsx")
    (inbox / "same.xlsx").symlink_to(good)  # inside the inbox: taken (the same content as good.xlsx)
    files = _collect_in_child(camp, inbox)
    for name in ("passwd.xlsx", "secret.xlsx", "elsewhere"):
        entry = files[str(inbox / name)]
        assert _codes(entry) == ["file.link_outside"], entry
        assert str(inbox / name) in entry["findings"][0]["message"]
    assert files[str(good)]["status"] != "rejected"
    assert str(inbox / "same.xlsx") in files
    assert str(inbox / "elsewhere" / "secret.xlsx") not in files and str(secret) not in files
    assert _recorded(camp) == ["good.xlsx"]
    archived = [p.read_bytes() for p in (camp.dir / "archive").rglob("*") if p.is_file()]
    assert secret.read_bytes() not in archived and Path("/etc/passwd").read_bytes() not in archived
    # a link given on the command line is the operator's choice: followed
    direct = _collect(camp, inbox / "secret.xlsx")
    assert direct["secret.xlsx"]["unit"] == "TTR" and "secret.xlsx" in _recorded(camp)


# --- dates from other people's clocks ---------------------------------------------------------------------
def test_a_mail_dated_in_the_future_does_not_stay_current(camp, tmp_path):
    future = datetime(2099, 1, 1, 8, 0)
    first = _mail(tmp_path / "first.eml", _return(camp, "VP", tmp_path / "v1" / "Đăng ký.xlsx"), future)
    files = _collect(camp, first)
    (entry,) = files.values()
    warning = next(f for f in entry["findings"] if f["code"] == "file.date_future")
    assert warning["severity"] == "warning" and "01/01/2099 08:00" in warning["message"]
    with Ledger(camp.dir) as ledger:
        (sub,) = ledger.submissions()
    assert sub.received_at <= datetime.now()  # dated at its collection
    assert f"({sub.received_at:%d/%m/%Y %H:%M})" in warning["message"]
    corrected = _return(camp, "VP", tmp_path / "v2" / "Đăng ký (sửa).xlsx", given_name="Lan")
    later = _mail(tmp_path / "second.eml", corrected, datetime.now() + timedelta(minutes=1))
    _collect(camp, later)
    assert _current(camp) == {"VP": "Đăng ký (sửa).xlsx"}


def test_a_file_modified_in_the_future_does_not_stay_current(camp, tmp_path):
    first = _return(camp, "VP", tmp_path / "v1.xlsx")
    stamp = datetime(2099, 1, 1).timestamp()
    os.utime(first, (stamp, stamp))
    (entry,) = _collect(camp, first).values()
    assert "file.date_future" in _codes(entry)
    second = _return(camp, "VP", tmp_path / "v2.xlsx", given_name="Lan")
    later = (datetime.now() + timedelta(minutes=1)).timestamp()
    os.utime(second, (later, later))
    (entry,) = _collect(camp, second).values()
    assert "file.date_future" not in _codes(entry)
    assert _current(camp) == {"VP": "v2.xlsx"}
