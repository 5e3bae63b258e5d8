"""The ``report`` command: the leadership's quick report, one or two A4 pages in PDF."""
from __future__ import annotations

from pathlib import Path

import click

from sheets_tools.cli.app import TODAY, UserError, friendly, load_campaign, main, print_json
from sheets_tools.office.report import write_report


@main.command("report", epilog="Ví dụ: sheets-tools report dot-2024 --today 05/12/2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@TODAY
@click.option("--json", "as_json", is_flag=True, help="In đường dẫn tệp PDF và các số liệu dạng JSON.")
@friendly
def report_cmd(directory: Path, today, as_json: bool) -> None:
    """Báo cáo nhanh cho lãnh đạo (PDF 1-2 trang A4): bảng tình hình nộp của từng đơn vị, số hồ sơ theo
    biểu mẫu, đơn vị chưa nộp, xếp hạng từng khối, đề nghị khen thưởng trình Hội đồng.

    Ghi vào thư mục "báo cáo" của đợt thi đua bản Word (sửa được) và bản PDF (cần LibreOffice)."""
    result = write_report(load_campaign(directory), today)
    if result.pdf_error:
        raise UserError(result.pdf_error)
    if as_json:
        print_json(result.to_json())
        return
    for busy in result.busy:
        click.echo(f"Tệp {busy} đang được mở nên được giữ nguyên; bản mới ghi bên cạnh.")
    click.echo(f"Đã ghi báo cáo nhanh: {result.pdf}")
    click.echo(f"Bản Word (sửa được): {result.docx}")
