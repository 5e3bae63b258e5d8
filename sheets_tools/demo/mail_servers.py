"""A local mail server pair on this machine's loopback, for the demo and the mail tests: an SMTP server run
in this process (aiosmtpd) that keeps every message it accepts, and an IMAP server (Dovecot, where it is
installed: Linux, macOS) run as a child process with its own configuration in a temporary folder.

The SMTP server and what both share are in ``smtp_server.py`` (imported here). ``dovecot_server(...)`` is a context manager giving a running ``Dovecot`` (``start_dovecot`` and
``stop_dovecot`` do the same in two steps); ``Mailbox`` is one user's mailbox on it, to append messages to and
look at. Where a server cannot run here, ``ServerUnavailable`` says why, in Vietnamese.
"""
from __future__ import annotations

import datetime as dt
import imaplib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator


from sheets_tools.demo.smtp_server import HOST, ServerUnavailable, free_port
from sheets_tools.mail.imap import imap_utf7

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:  # an installation without it: the demo says so and skips its SMTP steps
    Controller = AuthResult = LoginPassword = None

try:  # POSIX only: Dovecot runs there alone
    import grp
    import pwd
except ImportError:  # Windows
    grp = pwd = None

DOVECOT_VARIABLE = "SHEETS_TOOLS_DOVECOT"  # where Dovecot is, when not on PATH (e.g. Homebrew's sbin)
START_S = 15  # how long Dovecot is given to answer its first greeting
PASSWORD = "mật-khẩu-thử 1"  # not ASCII on purpose: sent as AUTHENTICATE PLAIN in UTF-8
_users = itertools.count(1)


# --- IMAP (Dovecot, a child process) -----------------------------------------------------------------------
@dataclass
class Dovecot:
    """A running Dovecot: ``port`` (plain IMAP, STARTTLS offered when a certificate could be made),
    ``ssl_port`` (IMAP over TLS, None without a certificate), ``cert`` (the self-signed certificate's PEM file,
    for SSL_CERT_FILE)."""

    folder: Path
    port: int
    ssl_port: int | None
    cert: Path | None
    process: subprocess.Popen
    passwd: Path
    mail_owner: tuple[int, int] | None  # (uid, gid) the mail folders belong to, when run as root
    users: list[str] = field(default_factory=list)

    def add_user(self, password: str = PASSWORD, user: str | None = None) -> str:
        """A new mailbox user (its Maildir made on first login); Dovecot reads its passwd-file again."""
        user = user or f"office{next(_users)}"
        with open(self.passwd, "a", encoding="utf-8") as fh:
            fh.write(f"{user}:{{PLAIN}}{password}::::::\n")
        stamp = time.time() + len(self.users) + 1  # a new modification time, even within the same second
        os.utime(self.passwd, (stamp, stamp))
        self.users.append(user)
        return user

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@dataclass
class Mailbox:
    """One user's mailbox on a Dovecot."""

    server: Dovecot
    user: str
    password: str = PASSWORD

    @property
    def port(self) -> int:
        return self.server.port

    def client(self) -> imaplib.IMAP4:
        """A logged-in connection. A user just added may not be known yet while Dovecot re-reads its
        passwd-file on a busy machine: a refused login is tried again for a few seconds."""
        for attempt in range(12):
            conn = imaplib.IMAP4(HOST, self.server.port, timeout=10)
            try:
                conn.authenticate("PLAIN", lambda _: f"\0{self.user}\0{self.password}".encode("utf-8"))
                return conn
            except imaplib.IMAP4.error:
                conn.shutdown()
                if attempt == 11:
                    raise
                time.sleep(0.25)
        raise AssertionError("unreachable")

    def append(self, raw: bytes, folder: str = "INBOX", flags: str | None = None,
               when: dt.datetime | None = None) -> int:
        """Deliver a message as a mail client would (IMAP APPEND, arrived at ``when``, else now); returns its
        UID."""
        conn = self.client()
        try:
            typ, data = conn.append(_quoted(folder), flags, imaplib.Time2Internaldate(when) if when else None, raw)
            if typ != "OK":
                raise ServerUnavailable(f"máy chủ hộp thư thử nghiệm không nhận thư: {data!r}")
            return int(re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1))
        finally:
            conn.logout()

    def create(self, folder: str) -> None:
        conn = self.client()
        try:
            typ, data = conn.create(_quoted(folder))
            if typ != "OK":
                raise ServerUnavailable(f"máy chủ hộp thư thử nghiệm không tạo được thư mục {folder}: {data!r}")
        finally:
            conn.logout()

    def renumber(self, uidvalidity: int, folder: str = "INBOX") -> None:
        """Give ``folder`` a new UIDVALIDITY, as a server does when it rebuilds a folder (doveadm)."""
        doveadm = shutil.which("doveadm") or str(dovecot_program().with_name("doveadm"))
        done = subprocess.run([doveadm, "-c", str(self.server.folder / "dovecot.conf"), "mailbox", "update",
                               "-u", self.user, "--uid-validity", str(uidvalidity), folder],
                              capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise ServerUnavailable(f"doveadm: {done.stderr.strip()}")

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """UID -> flags of every message of ``folder`` (read-only, nothing changed)."""
        conn = self.client()
        try:
            conn.select(_quoted(folder), readonly=True)
            typ, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            out = {}
            for line in data:
                if isinstance(line, bytes) and (m := re.search(rb"UID (\d+) FLAGS \(([^)]*)\)", line)):
                    out[int(m.group(1))] = set(m.group(2).decode().split())
            return out
        finally:
            conn.logout()


def dovecot_program() -> Path:
    """Where Dovecot is: the environment variable SHEETS_TOOLS_DOVECOT, else on PATH, else Debian's place."""
    return Path(os.environ.get(DOVECOT_VARIABLE) or shutil.which("dovecot") or "/usr/sbin/dovecot")


def _quoted(name: str) -> str:
    return '"' + imap_utf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _account(preferred: str):
    try:
        return pwd.getpwnam(preferred)
    except KeyError:
        return pwd.getpwnam("nobody")


def _openssl_certificate(folder: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate made by openssl (Dovecot reads its RSA keys everywhere), or None."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    made = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                           "-keyout", str(key), "-out", str(cert)], capture_output=True, timeout=60)
    return (cert, key) if made.returncode == 0 else None


def _config(folder: Path, port: int, ssl_port: int | None, cert: tuple[Path, Path] | None,
            owner: tuple[int, int] | None) -> str:
    root = os.geteuid() == 0
    me = pwd.getpwuid(os.geteuid()).pw_name
    internal = _account("dovecot").pw_name if root else me
    login = _account("dovenull").pw_name if root else me
    uid, gid = owner or (os.geteuid(), os.getegid())
    tls = f"ssl = yes\nssl_cert = <{cert[0]}\nssl_key = <{cert[1]}\n" if cert else "ssl = no\n"
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
{tls}disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid if root else os.getegid()).gr_name}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/mail/%u
}}
mail_location = maildir:{folder}/mail/%u/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port or 0}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
"""


def _wait(port: int, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = imaplib.IMAP4(HOST, port, timeout=3)
            conn.logout()
            return True
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.2)
    return False


def start_dovecot(folder: Path, *, tls: bool = True) -> Dovecot:
    """Dovecot started with its own configuration in ``folder`` (an empty folder the mail user can reach) on
    free ports of 127.0.0.1; with ``tls``, STARTTLS and SSL with a self-signed certificate (where openssl can
    make one). Raises ServerUnavailable, saying why, where it cannot run."""
    if os.name != "posix" or pwd is None:
        raise ServerUnavailable("máy chủ hộp thư thử nghiệm (Dovecot) chỉ chạy trên Linux hoặc macOS")
    program = dovecot_program()
    if not program.is_file():
        raise ServerUnavailable(f"không tìm thấy máy chủ hộp thư Dovecot ({program}); trên Debian, Ubuntu: cài gói "
                                "dovecot-imapd")
    owner = None
    if os.geteuid() == 0:  # Dovecot refuses to keep mail as root: the mail folders belong to "nobody"
        nobody = pwd.getpwnam("nobody")
        owner = (nobody.pw_uid, nobody.pw_gid)
    (folder / "mail").mkdir()
    if owner:
        os.chown(folder / "mail", *owner)
    (folder / "passwd").write_text("", encoding="utf-8")
    cert = _openssl_certificate(folder) if tls else None
    port, ssl_port = free_port(), free_port() if cert else None
    (folder / "dovecot.conf").write_text(_config(folder, port, ssl_port, cert, owner), encoding="utf-8")
    try:
        with open(folder / "stdout.txt", "wb") as out:  # a file, not a pipe: a full pipe would stop the server
            process = subprocess.Popen([str(program), "-F", "-c", str(folder / "dovecot.conf")],
                                       stdout=out, stderr=subprocess.STDOUT)
    except OSError as exc:
        raise ServerUnavailable(f"không chạy được Dovecot ({exc.strerror or exc})") from exc
    server = Dovecot(folder, port, ssl_port, cert[0] if cert else None, process, folder / "passwd", owner)
    if not _wait(port, process):
        stop_dovecot(server)
        output = (folder / "stdout.txt").read_text(encoding="utf-8", errors="replace") + server.log()
        raise ServerUnavailable(f"Dovecot không khởi động được: {' '.join(output.split())[-400:]}")
    return server


def stop_dovecot(server: Dovecot) -> None:
    """Stop the server (killed if it does not stop within 10 seconds)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@contextmanager
def dovecot_server(*, tls: bool = True) -> Iterator[Dovecot]:
    """A running Dovecot in a temporary folder; stopped and its folder removed on leaving."""
    folder = Path(tempfile.mkdtemp(prefix="sheets-tools-dovecot-"))
    try:
        os.chmod(folder, 0o755)  # the mail user ("nobody" when run as root) must reach its folders
        server = start_dovecot(folder, tls=tls)
        try:
            yield server
        finally:
            stop_dovecot(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
