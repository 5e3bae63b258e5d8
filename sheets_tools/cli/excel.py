"""The ``excel`` commands: the office's control workbook with its buttons (``excel install``)."""
from __future__ import annotations

from pathlib import Path

import click

from sheets_tools.cli.app import JSON, Say, UserError, friendly, load_campaign, main
from sheets_tools.office.control import ControlBusy, install


@main.group(epilog="Ví dụ: sheets-tools excel install dot-2024")
def excel() -> None:
    """Làm việc trong Excel: bảng điều khiển có nút bấm cho từng bước trong năm."""


@excel.command("install", epilog="Ví dụ: sheets-tools excel install dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@JSON
@friendly
def excel_install(directory: Path, as_json: bool) -> None:
    """Ghi bảng điều khiển "Bảng điều khiển thi đua <năm>.xlsm" vào thư mục đợt thi đua: mỗi bước một nút
    (Gửi biểu mẫu, Nhận hồ sơ, Tổng hợp, Tình hình nộp, ... Lập quyết định), tình hình các biểu mẫu và nhật ký.

    Nút bấm chạy công cụ bằng chính Python này (đường dẫn ghi vào bảng điều khiển): cài lại công cụ hay
    chuyển sang máy khác thì chạy lại lệnh này. Mở tệp trong Excel và bấm "Bật Nội dung" (Enable Content)
    để dùng các nút."""
    campaign = load_campaign(directory)
    try:
        done = install(campaign)
    except ControlBusy as exc:
        raise UserError(str(exc), code="error.busy", path=str(exc.path)) from exc
    say = Say(as_json)
    say(f"Đã ghi bảng điều khiển: {done.path}")
    say(f"({done.forms} biểu mẫu, {done.units} đơn vị.) Mở tệp trong Excel, bấm \"Enable Content\" (Bật "
        "nội dung) để dùng các nút.")
    say.done({"control_workbook": str(done.path), "forms": done.forms, "units": done.units})
