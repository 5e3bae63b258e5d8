"""A real SMTP server on this machine's loopback for the mail tests (aiosmtpd), started and stopped by them:
the library's own (``sheets_tools.demo.mail_servers``, which the demo uses too).

``smtp_server(...)`` is a context manager giving a ``Server``: its ``port``, the ``messages`` it accepted
(``Received``: envelope sender and recipients, the raw bytes), and switches a test sets: addresses it
refuses, the DATA commands (counted from 1) at which it drops the connection, a login it requires, and
STARTTLS with a certificate made for 127.0.0.1 (``certificate(folder)``). ``with_unit_email`` changes a unit's
address in campaign.xlsx.
"""
from __future__ import annotations

from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.demo.smtp_server import HOST, Received, SmtpServer as Server, certificate, free_port, smtp_server

__all__ = ["HOST", "Received", "Server", "certificate", "free_port", "smtp_server", "with_unit_email"]


def with_unit_email(camp, code: str, email: str):
    """The campaign after the office typed ``email`` as the unit's address in campaign.xlsx ("Đơn vị")."""
    book = load_workbook(camp.dir / "campaign.xlsx")
    ws = book["Đơn vị"]
    column = [c.value for c in ws[1]].index("E-mail") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == code)
    ws.cell(row=row, column=column).value = email
    book.save(camp.dir / "campaign.xlsx")
    return campaign_mod.load(camp.dir)
