"""The ``sheets-tools`` command group and what every command shares: loading the campaign, the
Vietnamese error, JSON output, dates typed dd/mm/yyyy, printing findings."""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click
from pydantic_core import PydanticCustomError

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.core.files import CampaignBusy
from sheets_tools.core.values import coerce_date

SAMPLE = "daklak-2024"


def load_campaign(directory: Path) -> campaign_mod.Campaign:
    return campaign_mod.load(directory)


class UserError(click.ClickException):
    """A failure explained to the user, in Vietnamese (Click would print "Error:")."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", file=file or sys.stderr, err=file is None)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def friendly(func):
    """Turn the library's own exceptions into clear messages; --debug shows the traceback."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (campaign_mod.CampaignError, CampaignBusy) as exc:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            raise UserError(str(exc)) from exc
    return wrapper


@click.group(epilog="Ví dụ: sheets-tools demo demo-2024   (chạy thử toàn bộ quy trình trên đợt mẫu)")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi kỹ thuật (traceback).")
@click.version_option(package_name="sheets-tools")
def main(debug: bool) -> None:
    """sheets-tools: thu thập, kiểm tra và tổng hợp biểu mẫu thi đua, khen thưởng bằng Excel.

    Quy trình: init -> issue (gửi biểu mẫu) -> collect (nhận, kiểm tra) -> consolidate (tổng hợp)
    -> status (theo dõi).
    """

class Day(click.ParamType):
    name = "dd/mm/yyyy"

    def convert(self, value, param, ctx):
        return value if not isinstance(value, str) else dmy(value)


TODAY = click.option("--today", type=Day(), default=None,
                      help="Coi hôm nay là ngày này (dd/mm/yyyy), ví dụ để xem trước lịch.")


def echo_findings(findings) -> None:
    for f in findings:
        if f.file and Path(f.file).name in f.message:  # the message already names its file, sheet and cell
            click.echo(f"- {f.message}")
            continue
        where = ", ".join(p for p in (f.file, f.sheet and f"trang \"{f.sheet}\"", f.cell and f"ô {f.cell}") if p)
        click.echo(f"- {where}: {f.message}" if where else f"- {f.message}")


def dmy(text: str | None):
    if not text:
        return None
    try:
        return coerce_date(text)
    except PydanticCustomError as exc:
        raise UserError(f"\"{text}\" không phải ngày hợp lệ; nhập dạng dd/mm/yyyy, ví dụ 15/12/2024.") from exc



def campaign_or_sample(directory: Path | None):
    """The campaign in ``directory`` if it has one, else the built-in sample's catalogue."""
    if directory is not None and (directory / campaign_mod.CAMPAIGN_FILE).exists():
        return load_campaign(directory), directory / "templates"
    return campaign_mod.sample_campaign(SAMPLE), directory
