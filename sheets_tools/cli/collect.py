"""Commands that take returns in: collect (record them) and validate (check only)."""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from sheets_tools.cli.app import EXIT_DATA, friendly, load_campaign, main
from sheets_tools.cli.terminal import showing_progress
from sheets_tools.collection.quick import quick_collect
from sheets_tools.collection.report import format_files
from sheets_tools.collection.results import CAMPAIGN_FILE, empty_folders
from sheets_tools.store.seen import content_of

# the full collect (intake, validate, feedback: the workbook libraries and the forms' models) is loaded only
# when the ledger alone cannot answer: a collect of an unchanged inbox then starts in a fraction of the time
FULL_COLLECT = "sheets_tools.collection.collect"


@main.command("collect", epilog="Ví dụ: sheets-tools collect dot-2024 hop-thu/ thu-don-vi.eml")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--no-feedback", is_flag=True, help="Không ghi tệp phản hồi cho đơn vị.")
@friendly
def collect_cmd(directory: Path, paths: tuple[Path, ...], as_json: bool, no_feedback: bool) -> None:
    """Nhận các tệp đơn vị gửi về (tệp, thư mục, thư .eml hoặc .msg): kiểm tra, ghi sổ, viết phản hồi.

    Mã thoát 1 khi có tệp bị trả lại."""
    result = quick_collect(directory, list(paths), feedback=not no_feedback)
    if result is None:
        campaign_content = content_of(directory / CAMPAIGN_FILE)  # before it is read: an edit after it is seen
        with showing_progress(as_json):
            result = importlib.import_module(FULL_COLLECT).collect(
                load_campaign(directory), list(paths), feedback=not no_feedback, campaign_content=campaign_content)
    empty = empty_folders(paths, result)
    if as_json:
        click.echo(json.dumps({**result.to_json(), "empty_folders": [str(p) for p in empty]}, ensure_ascii=False,
                              indent=2))
    else:
        click.echo(format_files(result))
        for folder in empty:
            click.echo(f"Không tìm thấy bảng tính (.xlsx, .xlsm, .xls, .ods) hay thư (.eml, .msg) nào trong thư mục "
                       f"{folder}. Hãy kiểm tra lại đường dẫn, hoặc lưu các tệp đơn vị gửi về vào thư mục đó.")
    if result.has_errors:
        sys.exit(EXIT_DATA)


@main.command("validate", epilog="Ví dụ: sheets-tools validate bao-cao.xlsx --campaign dot-2024 --json")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--campaign", "campaign_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="Thư mục đợt thi đua.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@friendly
def validate_cmd(files: tuple[Path, ...], campaign_dir: Path, as_json: bool) -> None:
    """Kiểm tra tệp mà không ghi nhận gì. Mã thoát 1 nếu có lỗi."""
    result = importlib.import_module(FULL_COLLECT).check(load_campaign(campaign_dir), list(files))
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if as_json else format_files(result))
    if result.has_errors:
        sys.exit(EXIT_DATA)
