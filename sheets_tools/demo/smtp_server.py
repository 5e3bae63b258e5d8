"""The local SMTP server of the demo and the mail tests (aiosmtpd, run in this process on loopback), and
what both local servers share: the host, a free port, a self-signed certificate, ``ServerUnavailable``.
``smtp_server(...)`` gives an ``SmtpServer``: its ``port``, the ``messages`` it accepted, and switches a test
sets (addresses refused or full, DATA commands at which the connection drops or hangs, a login, STARTTLS with
``certificate(folder)``)."""
from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Iterator

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:  # an installation without it: the demo says so and skips its SMTP steps
    Controller = AuthResult = LoginPassword = None

HOST = "127.0.0.1"


class ServerUnavailable(Exception):
    """A local server cannot run on this computer; the message (Vietnamese) says why."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at this moment."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key: (cert.pem, key.pem) in ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


# --- SMTP (aiosmtpd, in this process) ----------------------------------------------------------------------
@dataclass
class Received:
    """A message the SMTP server accepted: envelope sender and recipients, the raw bytes."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)


@dataclass
class SmtpServer:
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    full: set[str] = field(default_factory=set)  # recipients whose mailbox is full (552)
    drop_at: set[int] = field(default_factory=set)  # DATA commands (from 1) at which the connection is cut
    hang_at: set[int] = field(default_factory=set)  # DATA commands at which the server never answers
    data_count: int = 0
    logins: int = 0
    hanging: threading.Event = field(default_factory=threading.Event)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address.lower() in self.server.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.lower() in self.server.full:
            return "552 5.2.2 <%s>: Mailbox full" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        self.server.data_count += 1
        if self.server.data_count in self.server.hang_at:
            self.server.hanging.set()
            await asyncio.sleep(3600)
        if self.server.data_count in self.server.drop_at:
            smtp.transport.abort()  # the message is not accepted: no reply ever reaches the client
            return "451 dropped"
        self.server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(*, login: tuple[str, str] | None = None,
                tls: tuple[Path, Path] | None = None) -> Iterator[SmtpServer]:
    """A running SMTP server on 127.0.0.1 (stopped on leaving): with ``login`` (user, password) it requires
    that login; with ``tls`` (cert, key) it offers STARTTLS and requires it before login."""
    if Controller is None:
        raise ServerUnavailable("chưa cài gói aiosmtpd (máy chủ gửi thư thử nghiệm)")
    server = SmtpServer(port=free_port())
    kwargs: dict = {}
    if login is not None:
        def authenticate(smtp, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == \
                (login[0].encode(), login[1].encode())
            server.logins += ok
            return AuthResult(success=ok, handled=False)  # a refusal is answered 535 at once
        kwargs.update(authenticator=authenticate, auth_required=True, auth_require_tls=tls is not None)
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        kwargs.update(tls_context=context, require_starttls=True)
    controller = Controller(_Handler(server), hostname=HOST, port=server.port, **kwargs)
    try:
        controller.start()
    except (OSError, RuntimeError) as exc:
        raise ServerUnavailable(f"máy chủ gửi thư thử nghiệm không khởi động được ({exc})") from exc
    try:
        yield server
    finally:
        controller.stop()
