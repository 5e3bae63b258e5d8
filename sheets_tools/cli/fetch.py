"""The command that fetches returns from the office's mailbox or a mailbox file: ``fetch``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sheets_tools.cli.app import Day, UsageProblem, UserError, friendly, load_campaign, main
from sheets_tools.collection.report import format_files
from sheets_tools.core.text import strip_controls
from sheets_tools.mail.fetch import INBOX_DIR, FetchResult, fetch
from sheets_tools.mail.imap import MailboxError

MAILBOX_EXIT = 3  # the mailbox could not be reached, logged in to or read


class MailboxProblem(UserError):
    """The mailbox could not be used: exit status 3 (1 is for problems in the files received)."""

    exit_code = MAILBOX_EXIT


@main.command("fetch", epilog="Ví dụ: sheets-tools fetch dot-2024 --since 01/01/2025 --move-to \"Đã nhận\"\n\n"
              "Ví dụ: sheets-tools fetch dot-2024 --from \"Thunderbird/Inbox\"   (tệp mbox xuất từ Thunderbird)")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--since", type=Day(), default=None, help="Chỉ lấy thư nhận từ ngày này (dd/mm/yyyy).")
@click.option("--move-to", "move_to", metavar="THƯ_MỤC", default=None,
              help="Sau khi nhận, chuyển thư hồ sơ sang thư mục này của hộp thư (phải có sẵn). "
                   "Không có tùy chọn này, hộp thư giữ nguyên: thư không bị chuyển, không bị đánh dấu đã đọc.")
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path), default=None,
              help="Đọc tệp hộp thư mbox, thư mục Maildir (ví dụ xuất từ Thunderbird) hoặc thư mục các tệp thư Outlook "
                   "(.msg) thay cho máy chủ IMAP.")
@click.option("--no-feedback", is_flag=True, help="Không ghi tệp phản hồi cho đơn vị.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@friendly
def fetch_cmd(directory: Path, since, move_to: str | None, source: Path | None, no_feedback: bool,
              as_json: bool) -> None:
    """Nhận hồ sơ từ hộp thư của Văn phòng (IMAP, theo trang "Cài đặt" của campaign.xlsx) hoặc từ tệp hộp
    thư (--from): chỉ lấy thư mới, lưu mỗi thư thành tệp .eml trong THƯ_MỤC/inbox rồi nhận ngay như lệnh
    collect (kiểm tra, ghi sổ, viết phản hồi; đối chiếu địa chỉ người gửi với đơn vị).

    Mã thoát: 0 khi mọi tệp hợp lệ, 1 khi có tệp bị trả lại, 3 khi không kết nối, đăng nhập hoặc đọc
    được hộp thư.
    """
    if move_to and source is not None:
        raise UsageProblem("Tùy chọn --move-to chỉ dùng khi nhận thư từ máy chủ IMAP, không dùng cùng --from.")
    campaign = load_campaign(directory)
    try:
        result = fetch(campaign, source=source, since=since, move_to=move_to, feedback=not no_feedback)
    except MailboxError as exc:
        raise MailboxProblem(str(exc)) from exc
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if as_json else report(result, directory))
    if result.error is not None:  # cut short midway: what was taken before it is shown above
        if as_json:
            sys.exit(MAILBOX_EXIT)
        raise MailboxProblem(str(result.error))
    if result.has_errors:
        sys.exit(1)


def report(result: FetchResult, directory: Path) -> str:
    """The fetch in a few lines, then what collect made of the files (Vietnamese)."""
    lines = [f"Hộp thư: {result.mailbox}",
             f"Thư mới nhận: {len(result.saved)} (lưu trong {directory / INBOX_DIR})"
             + (f"; đã nhận từ lần trước: {result.already}" if result.already else "")
             + (f"; thư không phải hồ sơ, để nguyên trong hộp thư: {result.left}" if result.left else "") + "."]
    if result.moved:
        lines.append(f"Đã chuyển {result.moved} thư hồ sơ sang thư mục đã chọn.")
    if result.collected.files or result.collected.restored:
        lines += ["", format_files(result.collected)]
    return strip_controls("\n".join(lines))
