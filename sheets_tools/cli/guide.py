"""The ``guide`` command: the user guide in Vietnamese, written out as Word, PDF and markdown."""
from __future__ import annotations

from pathlib import Path

import click

from sheets_tools.cli.app import UserError, friendly, main, print_json
from sheets_tools.core.pdf import PdfError
from sheets_tools.guide import write_guide


@main.command("guide", epilog="Ví dụ: sheets-tools guide --pdf --out \"Tài liệu\"   (bản Word và bản PDF trong "
                                "thư mục Tài liệu)")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Thư mục ghi tài liệu (tạo mới nếu chưa có).")
@click.option("--pdf", is_flag=True, help="Tạo thêm bản PDF để in hoặc đọc trên máy (cần LibreOffice).")
@click.option("--markdown", is_flag=True, help="Ghi bản văn bản (huong-dan-su-dung.md) và thư mục hình img/ (không kèm "
              "--pdf thì không ghi bản Word).")
@click.option("--json", "as_json", is_flag=True, help="In đường dẫn các tệp đã ghi dạng JSON.")
@friendly
def guide_cmd(out: Path, pdf: bool, markdown: bool, as_json: bool) -> None:
    """Ghi tài liệu hướng dẫn sử dụng (tiếng Việt) cho Văn phòng: cài đặt trên Windows, các bước trong năm,
    các ô được nhập, ý nghĩa các thông báo, cách khôi phục; có hình các biểu mẫu và bảng tổng hợp.

    Ghi bản Word (.docx); --pdf ghi thêm bản PDF; --markdown ghi bản văn bản kèm các hình."""
    try:
        result = write_guide(out, pdf=pdf, markdown=markdown)
    except PdfError as exc:
        raise UserError(f"Đã ghi bản Word của tài liệu hướng dẫn vào thư mục {out}, nhưng chưa tạo được bản PDF: "
                        f"{exc}", code="error.pdf", path=str(out)) from exc
    if as_json:
        print_json(result.to_json())
        return
    if result.docx:
        click.echo(f"Đã ghi tài liệu hướng dẫn (Word): {result.docx}")
    if result.pdf:
        click.echo(f"Bản PDF: {result.pdf}")
    if result.markdown:
        click.echo(f"Bản văn bản: {result.markdown} (kèm {len(result.pictures)} hình trong thư mục img)")
