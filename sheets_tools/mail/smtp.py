"""The office's SMTP server: one connection (ssl, starttls or none, with a login when ``smtp.user`` is set),
and every way of failing to get one turned into a Vietnamese finding saying what to check (``SmtpError``)."""
from __future__ import annotations

import base64
import errno
import smtplib
import socket
import ssl

from sheets_tools.campaign.mail_settings import MailSettings
from sheets_tools.core.findings import Finding, finding

TIMEOUT_S = 30.0  # a server that does not answer within this is taken for unreachable


class SmtpError(Exception):
    """No usable connection to the SMTP server; ``finding`` says why and what to check."""

    def __init__(self, found: Finding):
        super().__init__(found.message)
        self.finding = found


def connect(settings: MailSettings, password: str | None, *, timeout: float = TIMEOUT_S) -> smtplib.SMTP:
    """An open, logged-in connection to the office's SMTP server; raises SmtpError."""
    host, port = settings.smtp_host, settings.smtp_port_or_default
    where = {"host": host, "port": port, "user": settings.smtp_user}
    stage = "connect"
    conn: smtplib.SMTP | None = None
    try:
        context = ssl.create_default_context()
        if settings.smtp_security == "ssl":
            conn = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            conn = smtplib.SMTP(host, port, timeout=timeout)
        conn.ehlo()
        if settings.smtp_security == "starttls":
            stage = "starttls"
            conn.starttls(context=context)
            conn.ehlo()
        if settings.smtp_user:
            stage = "login"
            login(conn, settings.smtp_user, password or "")
        return conn
    except smtplib.SMTPAuthenticationError as exc:
        raise _error(conn, "mail.login_failed", where, reply_text(exc)) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise _error(conn, "mail.no_starttls" if stage == "starttls" else "mail.no_login", where, str(exc)) from exc
    except ssl.SSLCertVerificationError as exc:
        raise _error(conn, "mail.certificate", where, exc.verify_message or str(exc)) from exc
    except ssl.SSLError as exc:
        raise _error(conn, "mail.tls_failed", where, SSL_REASONS.get(exc.reason or "", exc.reason or str(exc))
                     ) from exc
    except socket.gaierror as exc:
        raise _error(conn, "mail.unknown_host", where, exc.strerror or str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        raise _error(conn, "mail.unreachable", where, reply_text(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        detail = failure_text(exc)
        if stage != "connect" or conn is not None:  # connected: it went wrong after, say where
            detail = f"đã kết nối, nhưng {STAGES.get(stage, STAGES['connect'])}: {detail}"
        raise _error(conn, "mail.unreachable", where, detail) from exc


def login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a user name or password with letters outside ASCII goes as UTF-8 (AUTH PLAIN, RFC 4616),
    which smtplib cannot send."""
    if (user + password).isascii():
        conn.login(user, password)
        return
    if not conn.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    token = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
    code, reply = conn.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def close(conn: smtplib.SMTP | None) -> None:
    """Say goodbye to the server; a connection already gone is simply dropped."""
    if conn is None:
        return
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()


def _error(conn: smtplib.SMTP | None, code: str, where: dict, detail: str) -> SmtpError:
    if conn is not None:
        conn.close()
    return SmtpError(finding(code, detail=detail, **where))


def reply_text(exc: smtplib.SMTPResponseException) -> str:
    """The server's reply to a command it refused, e.g. ``535 5.7.8 Authentication credentials invalid``."""
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"


def failure_text(exc: BaseException) -> str:
    """What went wrong with the connection, in a few words."""
    if isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc):
        return "máy chủ không trả lời"
    if isinstance(exc, ConnectionRefusedError):
        return "máy chủ từ chối kết nối"
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionResetError, ConnectionAbortedError,
                        BrokenPipeError)):
        return "máy chủ đóng kết nối giữa chừng"
    if isinstance(exc, OSError) and exc.errno in NETWORK_ERRORS:
        return NETWORK_ERRORS[exc.errno]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


STAGES = {"connect": "khi chào máy chủ (EHLO)", "starttls": "khi bật mã hóa (STARTTLS)",
          "login": "khi đăng nhập"}
SSL_REASONS = {"WRONG_VERSION_NUMBER": "máy chủ không dùng SSL ở cổng này; thường cổng 587 dùng starttls, cổng 465 "
                                       "dùng ssl",
               "UNSUPPORTED_PROTOCOL": "máy chủ chỉ dùng giao thức mã hóa cũ, không an toàn",
               "TLSV1_ALERT_PROTOCOL_VERSION": "máy chủ chỉ dùng giao thức mã hóa cũ, không an toàn"}
NETWORK_ERRORS = {errno.ENETUNREACH: "không có đường mạng tới máy chủ", errno.EHOSTUNREACH: "không tới được máy chủ",
                  errno.ETIMEDOUT: "máy chủ không trả lời", errno.ECONNRESET: "máy chủ đóng kết nối giữa chừng"}
