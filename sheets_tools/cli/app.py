"""The ``sheets-tools`` command group and what every command shares: loading the campaign (after the
ledger guard, with a copy of the ledger before a command that writes to it), the Vietnamese error, JSON
output, dates typed dd/mm/yyyy, printing findings."""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click
from pydantic_core import PydanticCustomError

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli.errors import command_names, explain
from sheets_tools.core.files import excel_lock_file
from sheets_tools.core.values import coerce_date
from sheets_tools.store import backup, guard

SAMPLE = "daklak-2024"
# the commands that write to the ledger (by their names under the group): a copy is taken before they run;
# "decision" only with a decision number (it then records the awards in the history)
LEDGER_WRITERS = {("collect",), ("consolidate",), ("council", "tally"), ("history", "import"), ("decision",), ("send",),
                  ("fetch",)}


def load_campaign(directory: Path) -> campaign_mod.Campaign:
    """The campaign in ``directory``. A lost ledger stops every command here, before it writes anything
    (``store.guard``); before a command that writes to the ledger, a copy goes to ``backup/``."""
    guard.check(directory)
    campaign = campaign_mod.load(directory)
    if writes_ledger(click.get_current_context(silent=True)):
        backup.take(directory, backup.keep_of(campaign.settings))
    return campaign


def writes_ledger(ctx: click.Context | None) -> bool:
    """Whether the command running in ``ctx`` is one of ``LEDGER_WRITERS``."""
    names = command_names(ctx)
    if names == ["decision"]:
        return bool(ctx is not None and ctx.params.get("number"))
    return tuple(names) in LEDGER_WRITERS


class UserError(click.ClickException):
    """A failure explained to the user, in Vietnamese (Click would print "Error:")."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", file=file or sys.stderr, err=file is None)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def friendly(func):
    """Turn every failure into one Vietnamese message naming the path and what to do, exit status 1, and a
    JSON error object on stdout for a command run with ``--json``; ``--debug`` shows the traceback."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            _json_error("error.command", exc.format_message(), None)
            raise
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            ctx = click.get_current_context()
            if ctx.find_root().params.get("debug"):
                raise
            code, text, path = explain(exc, ctx)
            _json_error(code, text, path)
            raise UserError(text) from exc
    return wrapper


def _json_error(code: str, text: str, path: str | None) -> None:
    if click.get_current_context().params.get("as_json"):
        print_json({"error": {"code": code, "message": text, "path": path}})


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


def echo_stale_lock(target: Path, then: str = "") -> None:
    """After writing beside a file that looked open: name Excel's lock file, which a crash may leave."""
    lock = excel_lock_file(target)
    if lock.exists():
        click.echo(f"Nếu không có ai đang mở tệp đó, hãy xóa tệp khóa {lock.name} (do Excel để lại){then}.")
