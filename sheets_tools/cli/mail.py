"""Commands that send mail: ``send`` (forms, reminders, feedback, receipts) and ``mail password``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from sheets_tools.campaign.mail_settings import mail_settings
from sheets_tools.campaign.model import CampaignError
from sheets_tools.cli.app import UserError, echo_findings, friendly, load_campaign, main, print_json
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.mail import send as sending
from sheets_tools.mail.messages import KIND_LABELS, KINDS
from sheets_tools.mail.passwords import PasswordStoreError, env_name, login_of, save_password
from sheets_tools.mail.smtp import SmtpError
from sheets_tools.store.guard import LedgerLost

def _campaign(directory: Path):
    try:
        return load_campaign(directory)
    except (CampaignError, LedgerLost) as exc:
        raise UserError(str(exc)) from exc


@main.command(epilog="Ví dụ: sheets-tools send dot-2024 --kind issue --form registration   (xem trước), rồi "
              "thêm --send để gửi thật")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Loại thư: issue (gửi biểu mẫu), remind (nhắc nộp), feedback (phản hồi tệp có lỗi), receipt "
              "(báo đã nhận). Ghi nhiều lần để chọn nhiều loại; không ghi: mọi loại.")
@click.option("--form", "form_ids", multiple=True, metavar="MÃ_BIỂU_MẪU", help="Chỉ thư của biểu mẫu này (mã biểu mẫu, ví "
              "dụ registration); ghi nhiều lần để chọn nhiều biểu mẫu.")
@click.option("--send", "really", is_flag=True, help="Gửi thật qua máy chủ gửi thư (không có: chỉ liệt kê các thư "
              "sẽ gửi).")
@click.option("--resend", multiple=True, metavar="MÃ_ĐƠN_VỊ", help="Gửi lại cả những thư đã gửi cho đơn vị có mã này.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@friendly
def send(directory: Path, kinds: tuple[str, ...], form_ids: tuple[str, ...], really: bool,
         resend: tuple[str, ...], as_json: bool) -> None:
    """Gửi thư cho các đơn vị qua máy chủ gửi thư (SMTP) của Văn phòng: biểu mẫu và thư nhắc đã lập (lệnh issue,
    remind), thư phản hồi kèm tệp phản hồi cho tệp có lỗi, thư báo đã nhận (nếu bật mail.receipt).

    Mặc định chỉ liệt kê các thư sẽ gửi; thêm --send để gửi. Thư đã gửi không bị gửi lại khi chạy lại lệnh.
    Mã thoát: 0 đã gửi hết, 1 có thư chưa gửi được, 2 sai cú pháp lệnh, 3 đợt thi đua chưa dùng được để gửi.
    """
    campaign = _campaign(directory)
    unknown = [f for f in form_ids if f not in load_forms()]
    if unknown:
        raise click.UsageError(f"Không có biểu mẫu {', '.join(unknown)}; các biểu mẫu hiện có: "
                               f"{', '.join(load_forms())}.")
    strangers = [u for u in resend if campaign.unit(u) is None]
    if strangers:
        raise click.UsageError(f"Không có đơn vị mã {', '.join(strangers)} trong campaign.xlsx.")
    try:
        result = sending.send(campaign, kinds=list(kinds or KINDS), form_ids=list(form_ids) or None,
                              really=really, resend=resend)
    except sending.SendRefused as exc:
        raise UserError(exc.finding.message) from exc
    except SmtpError as exc:
        raise UserError(exc.finding.message) from exc
    if as_json:
        print_json(result.to_json())
    else:
        _report(result)
    if not result.valid:
        sys.exit(1)


def _report(result: sending.SendResult) -> None:
    if result.dry_run:
        pending = result.of(sending.PENDING)
        click.echo(f"Xem trước: {len(pending)} thư sẽ được gửi" + (" (chạy lại với --send để gửi):" if pending
                                                                     else "."))
        _list(pending)
    else:
        sent, failed = result.of(sending.ACCEPTED), result.of(sending.FAILED)
        click.echo(f"Đã gửi {len(sent)} thư" + (f"; {len(failed)} thư chưa gửi được (xem bên dưới)." if failed
                                                 else "."))
        _list(sent)
    before = result.of(sending.SENT_BEFORE)
    if before:
        click.echo(f"{len(before)} thư đã gửi trước đó, không gửi lại (dùng --resend MÃ_ĐƠN_VỊ để gửi lại cho một "
                   "đơn vị).")
    later = result.of(sending.LATER)
    if later and not result.dry_run:
        click.echo(f"{len(later)} thư chưa gửi ở lần này: chạy lại lệnh gửi để gửi tiếp.")
    for note in result.notes:
        click.echo(note)
    echo_findings(result.findings)


def _list(items: list[sending.Sent]) -> None:
    for s in items:
        m = s.message
        attached = f" (đính kèm: {', '.join(m.attachment_names)})" if m.attachment_names else ""
        click.echo(f"- [{KIND_LABELS[m.kind]}] {m.unit.name} ({m.unit.code}) <{', '.join(m.recipients)}>: "
                   f"\"{m.subject}\"{attached}")


@main.group(epilog="Ví dụ: sheets-tools mail password dot-2024")
def mail() -> None:
    """Thiết lập thư điện tử của Văn phòng (mật khẩu máy chủ gửi và hộp thư nhận)."""


@mail.command("password", epilog="Ví dụ: sheets-tools mail password dot-2024 --imap")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--imap", is_flag=True, help="Mật khẩu hộp thư nhận (IMAP) thay vì máy chủ gửi thư (SMTP).")
@friendly
def mail_password(directory: Path, imap: bool) -> None:
    """Lưu mật khẩu máy chủ gửi thư (hoặc hộp thư nhận, với --imap) vào kho mật khẩu của hệ thống (Windows
    Credential Manager, macOS Keychain...). Mật khẩu không bao giờ ghi vào campaign.xlsx."""
    campaign = _campaign(directory)
    service = "imap" if imap else "smtp"
    user, host = login_of(mail_settings(campaign.settings), service)
    if not (user and host):
        raise UserError(f"Chưa khai báo {service}.host và {service}.user ở trang \"Cài đặt\" của campaign.xlsx: "
                        "điền máy chủ và tên đăng nhập trước, rồi chạy lại lệnh này.")
    secret = _ask_password(f"Mật khẩu của {user} trên {host}")
    try:
        store = save_password(service, user, host, secret)
    except PasswordStoreError as exc:
        raise UserError(f"Không lưu được mật khẩu vào kho mật khẩu của hệ thống ({exc}). Có thể đặt mật khẩu vào "
                        f"biến môi trường {env_name(service)} thay thế.") from exc
    click.echo(f"Đã lưu mật khẩu của {user} trên {host} vào kho mật khẩu của hệ thống ({store}).")


def _ask_password(question: str) -> str:
    """The password typed twice, hidden; from a pipe or a file (no terminal), its first line, without the
    warning Python's getpass prints in English when it cannot hide what is typed."""
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt(question, hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    secret = line.rstrip("\r\n")
    if not secret:
        raise UserError("Không có mật khẩu: hãy chạy lệnh trong cửa sổ lệnh và gõ mật khẩu khi được hỏi, hoặc đưa "
                        "mật khẩu vào dòng đầu tiên của đầu vào chuẩn.")
    return secret
