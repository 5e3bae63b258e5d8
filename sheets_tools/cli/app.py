"""The ``sheets-tools`` command group and what every command shares: loading the campaign (after the
ledger guard, with a copy of the ledger before a command that writes to it), the Vietnamese error, JSON
output, dates typed dd/mm/yyyy, printing findings.

One exit-code rule for every command: 0 done; 1 data problems found (a file sent back, a cell refused, a
ballot that does not count); 2 wrong usage (an option, a path or a date typed wrong); 3 the campaign cannot
be used (no or broken campaign.xlsx, ledger lost, another run holds the campaign, disk, permissions, a
server that cannot be reached). With ``--json`` a failure also prints ``{"error": {...}}`` on stdout.
"""
from __future__ import annotations

import errno
import importlib
import io
import json
import os
import sys
from functools import wraps
from pathlib import Path

import click

from sheets_tools.cli import vietnamese
from sheets_tools.cli.errors import command_names, explain
from sheets_tools.core.files import excel_lock_file
from sheets_tools.core.records import DEBUG_ENV
from sheets_tools.store import backup, guard

vietnamese.install()  # before the commands are declared: Click words some texts as they are

SAMPLE = "daklak-2024"
# loaded when a command reads the campaign or a date, not when the group starts: they bring openpyxl and
# pydantic (0.5 s), which a collect answered from the ledger alone never needs
CAMPAIGN_WORKBOOK, VALUES = "sheets_tools.campaign.workbook", "sheets_tools.core.values"
EXIT_DONE, EXIT_DATA, EXIT_USAGE, EXIT_UNUSABLE = 0, 1, 2, 3
# the commands that write to the ledger (by their names under the group): a copy is taken before they run;
# "decision" only with a decision number (it then records the awards in the history)
LEDGER_WRITERS = {("collect",), ("consolidate",), ("council", "tally"), ("history", "import"), ("decision",), ("send",),
                  ("fetch",)}


def load_commands() -> click.Group:
    """Every command declared on ``main`` (for the tests and tools that walk them all)."""
    for name in COMMAND_MODULES:
        main.get_command(None, name)
    return main


def load_campaign(directory: Path):
    """The campaign in ``directory`` (a ``campaign.model.Campaign``). A lost ledger stops every command here,
    before it writes anything (``store.guard``); before a command that writes to the ledger, a copy goes to
    ``backup/``."""
    guard.check(directory)
    campaign = importlib.import_module(CAMPAIGN_WORKBOOK).load(directory)
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
    """A failure explained to the user, in Vietnamese (Click would print "Error:"); by default the campaign
    cannot be used for this command (exit status 3); ``code`` and ``path`` go into the JSON error."""
    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str, exit_code: int | None = None, code: str = "error.command",
                 path: str | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
        self.code, self.path = code, path

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", file=file or sys.stderr, err=file is None)


class UsageProblem(UserError):
    """The command was typed wrong (exit status 2): an unknown form, a date, options that do not go together."""
    exit_code = EXIT_USAGE

    def __init__(self, message: str, code: str = "error.usage", path: str | None = None):
        super().__init__(message, code=code, path=path)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


JSON = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (lỗi cũng in dạng JSON).")


class Say:
    """A command's output: its lines for a person, or, with ``--json``, nothing but the one JSON object
    given to ``done`` (paths as text, findings as their JSON)."""

    def __init__(self, as_json: bool):
        self.as_json = as_json

    def __call__(self, text: str) -> None:
        if not self.as_json:
            click.echo(text)

    def findings(self, findings) -> None:
        if not self.as_json:
            echo_findings(findings)

    def done(self, data: dict) -> None:
        if self.as_json:
            print_json(data)


def friendly(func):
    """Turn every failure into one Vietnamese message naming the path and what to do (exit status 3; the
    JSON error object is printed by the group); ``--debug`` shows the traceback."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:  # the reader of stdout went (`| head`)
                raise
            ctx = click.get_current_context()
            if ctx.find_root().params.get("debug"):
                raise
            code, text, path = explain(exc, ctx)
            raise UserError(text, code=code, path=path) from exc
    return wrapper


def json_error(exc: click.ClickException) -> dict:
    """The JSON object a failed command prints with ``--json``."""
    if isinstance(exc, UserError):
        code, path = exc.code, exc.path
    else:  # Click's own usage errors: a path that does not exist, an unknown option, a missing argument
        code, path = "error.usage", None
    return {"error": {"code": code, "message": exc.format_message(), "path": path, "exit_code": exc.exit_code}}


def utf8_streams() -> None:
    """UTF-8 on every output stream that is not a console (a file, a pipe, another program reading it), so
    "ễ" never stops a command whatever the code page; a console keeps its own encoding, never failing on a
    letter it cannot show."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, io.TextIOWrapper):
            continue
        try:
            console = stream.isatty()
        except (ValueError, OSError):
            continue
        encoding = (stream.encoding or "").lower().replace("-", "").replace("_", "")
        if not console and encoding != "utf8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        elif console and encoding != "utf8":
            stream.reconfigure(errors="replace")


# which module of ``sheets_tools.cli`` declares each command: a command loads only its own module (and what
# that imports), so a short command starts quickly; the help page loads them all
COMMAND_MODULES = {
    "init": "cycle", "templates": "cycle", "issue": "cycle", "remind": "cycle", "status": "cycle", "demo": "cycle",
    "collect": "collect", "validate": "collect", "consolidate": "consolidate",
    "history": "yearend", "council": "yearend", "decision": "yearend", "ledger": "ledger",
    "send": "mail", "mail": "mail", "fetch": "fetch", "guide": "guide", "report": "report", "excel": "excel",
}


class Group(click.Group):
    """The command group: Click's words in Vietnamese, UTF-8 output, and the exit-code rule with the JSON
    error object for every failure, usage errors included; each command's module loaded when it is needed."""

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"{__package__}.{COMMAND_MODULES[cmd_name]}")
            if cmd_name in self.commands:
                vietnamese.name_arguments(self.commands[cmd_name])
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        utf8_streams()
        vietnamese.install()
        vietnamese.name_arguments(self)
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            if "--json" in argv:
                print_json(json_error(exc))
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Đã dừng.", err=True)
            sys.exit(EXIT_DATA)
        except OSError as exc:
            if exc.errno != errno.EPIPE:  # a reader that stopped reading (`| head`): nothing more to say
                raise
            _quiet_stdout()
            sys.exit(EXIT_DATA)
        sys.exit(result if isinstance(result, int) else EXIT_DONE)


@click.group(cls=Group, epilog="Ví dụ: sheets-tools demo demo-2024   (chạy thử toàn bộ quy trình trên đợt mẫu)")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi kỹ thuật (traceback).")
@click.version_option(package_name="sheets-tools", message="%(prog)s, phiên bản %(version)s")
def main(debug: bool) -> None:
    """sheets-tools: thu thập, kiểm tra và tổng hợp biểu mẫu thi đua, khen thưởng bằng Excel.

    Quy trình: init -> issue (gửi biểu mẫu) -> collect (nhận, kiểm tra) -> consolidate (tổng hợp)
    -> status (theo dõi).

    Mã thoát của mọi lệnh: 0 xong; 1 có vấn đề về số liệu (tệp bị trả lại, ô bị từ chối); 2 gõ lệnh sai
    (tùy chọn, đường dẫn, ngày); 3 đợt thi đua chưa dùng được (campaign.xlsx, sổ ghi nhận, đang có lệnh
    khác chạy, ổ đĩa, quyền ghi, máy chủ thư).
    """
    if debug:  # the library raises what it would otherwise turn into one file's finding (this command only)
        os.environ[DEBUG_ENV] = "1"
        click.get_current_context().call_on_close(lambda: os.environ.pop(DEBUG_ENV, None))


def _quiet_stdout() -> None:
    """Point stdout at the null device: what is still buffered for a reader that went is dropped, and
    Python's flush at exit has nothing to complain of."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (a test runner's): nothing to quiet
        pass


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
        return importlib.import_module(VALUES).coerce_date(text)
    except importlib.import_module("pydantic_core").PydanticCustomError as exc:
        raise UsageProblem(f"\"{text}\" không phải ngày hợp lệ; nhập dạng dd/mm/yyyy, ví dụ 15/12/2024.") from exc



def campaign_or_sample(directory: Path | None):
    """The campaign in ``directory`` if it has one, else the built-in sample's catalogue."""
    campaigns = importlib.import_module(CAMPAIGN_WORKBOOK)
    if directory is not None and (directory / campaigns.CAMPAIGN_FILE).exists():
        return load_campaign(directory), directory / "templates"
    return campaigns.sample_campaign(SAMPLE), directory


def echo_stale_lock(target: Path, then: str = "") -> None:
    """After writing beside a file that looked open: name Excel's lock file, which a crash may leave."""
    lock = excel_lock_file(target)
    if lock.exists():
        click.echo(f"Nếu không có ai đang mở tệp đó, hãy xóa tệp khóa {lock.name} (do Excel để lại){then}.")
