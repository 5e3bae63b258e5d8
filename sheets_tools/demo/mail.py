"""The demo's mail steps: the registration part of the simulated year goes through real mail servers on this
computer's loopback (``mail_servers``) when they can run here. The forms and the reminders are sent over SMTP
(a server in this process keeps what it receives), the units' replies are delivered to an IMAP mailbox
(Dovecot) and taken from it by ``fetch`` instead of from a folder, and the feedback is sent by mail.

The demo campaign's campaign.xlsx is not changed: the mail settings (the servers' ports, no pause between
messages) are given to the library for the demo's own calls only, and so is the mailbox password (an
environment variable set during the call and put back after it); the user's credential store is never read.
Where a server cannot run, the demo says which step it skips and why, and goes on without it. The servers
are stopped when the mail steps end, whatever happens.
"""
from __future__ import annotations

import imaplib
import os
import shutil
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Callable, Iterator

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.collect import CollectResult, collect
from sheets_tools.mail.fetch import fetch
from sheets_tools.mail.imap import MailboxError
from sheets_tools.mail.messages import KIND_LABELS
from sheets_tools.mail.passwords import env_name
from sheets_tools.mail.send import ACCEPTED, FAILED, SENT_DIR, SendRefused, send
from sheets_tools.mail.smtp import SmtpError
from sheets_tools.collection.issue import OUTBOX
from sheets_tools.demo.mail_servers import PASSWORD, Mailbox, dovecot_server
from sheets_tools.demo.smtp_server import HOST, ServerUnavailable, SmtpServer, smtp_server

OFFICE_USER = "vanphong"  # the office's login on the demo's mailbox


@dataclass
class MailSteps:
    """The demo's mail servers while they run (None: that server could not run here)."""

    directory: Path
    echo: Callable[[str], None]
    smtp: SmtpServer | None = None
    imap: Mailbox | None = None

    def settings(self) -> dict[str, object]:
        """The mail settings of the demo's own calls (never written into campaign.xlsx)."""
        out: dict[str, object] = {"mail.delay_s": 0}
        if self.smtp is not None:
            out.update({"smtp.host": HOST, "smtp.port": self.smtp.port, "smtp.security": "none", "smtp.user": ""})
        if self.imap is not None:
            out.update({"imap.host": HOST, "imap.port": self.imap.port, "imap.security": "none",
                        "imap.user": self.imap.user, "imap.folder": "INBOX"})
        return out

    def campaign(self, camp: Campaign) -> Campaign:
        return camp.model_copy(update={"settings": {**camp.settings, **self.settings()}})

    def send(self, camp: Campaign, kind: str) -> None:
        """Send every message of ``kind`` there is (the SMTP step); a line says what went and where the copies
        are."""
        if self.smtp is None:
            return
        label = KIND_LABELS[kind].lower()
        try:
            result = send(self.campaign(camp), kinds=[kind], really=True)
        except (SendRefused, SmtpError) as exc:
            self.echo(f"   Không gửi được thư ({label}): {exc.finding.message}")
            return
        done, failed = len(result.of(ACCEPTED)), len(result.of(FAILED))
        self.echo(f"   Đã gửi {done} thư ({label}) qua máy chủ gửi thư thử nghiệm {HOST}:{self.smtp.port}"
                  + (f", {failed} thư không gửi được" if failed else "")
                  + f"; bản sao từng thư trong {self.directory / OUTBOX}/<mã đơn vị>/{SENT_DIR}")

    @contextmanager
    def replies_folder(self, inbox: Path) -> Iterator[Path]:
        """Where the units' simulated replies are written: ``inbox`` itself, or, when the mailbox runs, a
        temporary folder whose messages are then delivered to the mailbox (``take``)."""
        if self.imap is None:
            yield inbox
            return
        staging = Path(tempfile.mkdtemp(prefix="sheets-tools-demo-mail-"))
        try:
            yield staging
            try:
                for path in sorted(staging.glob("*.eml")):
                    data = path.read_bytes()
                    self.imap.append(data, when=_sent(data))
            except (ServerUnavailable, OSError, imaplib.IMAP4.error) as exc:
                self.echo(f"   Hộp thư thử nghiệm không nhận thêm thư ({exc}): chỉ những thư đã vào hộp thư được nhận.")
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def place(self, inbox: Path) -> str:
        """Where the replies went, for the demo's output."""
        if self.imap is None:
            return str(inbox)
        return f"hộp thư của Văn phòng {self.mailbox()}"

    def mailbox(self) -> str:
        return f"imap://{self.imap.user}@{HOST}:{self.imap.port}/INBOX" if self.imap else ""

    def take(self, camp: Campaign, inbox: Path) -> CollectResult:
        """The replies collected: fetched from the mailbox when it runs (saved in ``inbox``), else taken
        from the folder ``inbox``."""
        if self.imap is None:
            return collect(camp, [inbox])
        try:
            with _environment(env_name("imap"), self.imap.password):
                result = fetch(self.campaign(camp))
        except MailboxError as exc:
            self.echo(f"   Không đọc được hộp thư thử nghiệm ({exc}); hồ sơ không được nhận.")
            return CollectResult()
        self.echo(f"   Đã nhận {len(result.saved)} thư mới từ hộp thư {self.mailbox()} (lệnh fetch), lưu trong "
                  f"{inbox}")
        if result.error is not None:
            self.echo(f"   Hộp thư thử nghiệm ngừng trả lời giữa chừng: {result.error}")
        return result.collected


@contextmanager
def mail_steps(directory: Path, echo: Callable[[str], None], *, enabled: bool = True) -> Iterator[MailSteps]:
    """The demo's mail servers started (those that can run here), and stopped on leaving."""
    steps = MailSteps(directory, echo)
    if not enabled:
        echo("   Bỏ qua các bước gửi, nhận thư qua máy chủ thư (tùy chọn --no-mail): thư chỉ lập thành thư nháp "
             ".eml trong outbox, hồ sơ được nhận từ thư mục inbox.")
        yield steps
        return
    with ExitStack() as servers:
        try:
            steps.smtp = servers.enter_context(smtp_server())
        except ServerUnavailable as exc:
            echo(f"   Bỏ qua bước gửi thư qua máy chủ gửi thư (SMTP): {exc}. Thư chỉ được lập thành thư nháp "
                 ".eml trong outbox.")
        try:
            dovecot = servers.enter_context(dovecot_server(tls=False))
            steps.imap = Mailbox(dovecot, dovecot.add_user(PASSWORD, user=OFFICE_USER))
        except ServerUnavailable as exc:
            echo(f"   Bỏ qua bước nhận hồ sơ từ hộp thư (IMAP): {exc}. Hồ sơ được nhận từ thư mục inbox.")
        if steps.smtp is not None or steps.imap is not None:
            echo("   Thư điện tử chạy thật trên máy này: "
                 + "; ".join(([f"máy chủ gửi thư thử nghiệm smtp://{HOST}:{steps.smtp.port}"] if steps.smtp else [])
                             + ([f"hộp thư thử nghiệm {steps.mailbox()}"] if steps.imap else []))
                 + " (dừng khi xong phần đăng ký thi đua).")
        yield steps


def _sent(data: bytes) -> datetime | None:
    """The Date of a message (its arrival time in the mailbox), None without one."""
    date = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)["Date"]
    try:
        return date.datetime if date is not None else None
    except (AttributeError, TypeError, ValueError):
        return None


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """``name`` set to ``value`` for the demo's own call only, put back as it was after it."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before
