"""Run a parser in a child process bounded in memory and time.

Formats that cannot be bounded before parsing (.xls has no zip directory; .ods and .xlsb
expand repeated cells) are parsed by python-calamine, which may abort the whole process or
exhaust memory on a hostile file. ``run`` calls a module-level function in a fresh
interpreter (``python -m sheets_tools.excel.sandbox``): the request goes in on stdin and the
result comes back on stdout, both pickled; the result is unpickled with a restricted
unpickler (plain containers, numbers, text and datetime values only).

Bounds: ``timeout_s`` everywhere (the child is killed). ``memory_mb`` through
``resource.RLIMIT_AS`` on POSIX; Windows has no rlimit and this module does not set up a Job
object, so there only the timeout bounds the child (a child that exhausts memory fails on its
own or is killed at the timeout; the parent is never affected).
"""
from __future__ import annotations

import importlib
import io
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import python_calamine

try:
    import resource
except ImportError:  # Windows
    resource = None

_SAFE_GLOBALS = {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")}
_OOM_MARKERS = (b"memory allocation of", b"MemoryError", b"Cannot allocate memory", b"out of memory")


class ChildFailed(Exception):
    """The child did not return a result. ``kind``: timeout, memory, crash or error (a Python
    exception in the child; ``error_type`` names it). ``detail`` says what happened."""

    def __init__(self, kind: str, detail: str, error_type: str = ""):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.error_type = kind, detail, error_type


def run(func: Callable, *args: Any, timeout_s: float, memory_mb: int | None) -> Any:
    """``func(*args)`` computed in a child process; its (picklable) return value.

    ``func`` must be importable by module and qualified name (a module-level function).
    Raises ChildFailed when the child times out, runs out of memory, dies or raises.
    """
    request = pickle.dumps((func.__module__, func.__qualname__, args, memory_mb), pickle.HIGHEST_PROTOCOL)
    try:
        proc = subprocess.run([sys.executable, "-m", "sheets_tools.excel.sandbox"], input=request,
                              capture_output=True, timeout=timeout_s, env=_child_env())
    except subprocess.TimeoutExpired:
        raise ChildFailed("timeout", f"quá {timeout_s:g} giây") from None
    status, value = _outcome(proc)
    if status == "ok":
        return value
    error_type, text = value
    if error_type == "MemoryError":
        raise ChildFailed("memory", text or "MemoryError", error_type)
    raise ChildFailed("error", f"{error_type}: {text}", error_type)


def _child_env() -> dict[str, str]:
    """The parent's environment, with this package importable even when it is not installed."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])  # the folder holding sheets_tools/
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["RUST_BACKTRACE"] = "0"  # a Rust panic or allocation failure says so in one line
    return env


def _outcome(proc: subprocess.CompletedProcess) -> tuple[str, Any]:
    if proc.returncode == 0 and proc.stdout:
        try:
            return _SafeUnpickler(io.BytesIO(proc.stdout)).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise ChildFailed("crash", f"kết quả không đọc được ({type(exc).__name__})") from None
    if any(marker in proc.stderr for marker in _OOM_MARKERS):
        raise ChildFailed("memory", "hết bộ nhớ cho phép")
    how = f"tín hiệu {-proc.returncode}" if proc.returncode < 0 else f"mã thoát {proc.returncode}"
    lines = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    said = next((line for line in lines if "panicked" in line), lines[-1] if lines else "")
    raise ChildFailed("crash", f"{how}; {said.strip()[:200]}".rstrip("; "))


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} không được phép")


# --- what the child runs ------------------------------------------------------------------------
def read_sheets(data: bytes, names: list[str] | None, nrows: int, max_cells: int) -> dict:
    """Open ``data`` with python-calamine and return its worksheet names (chart sheets left out)
    and, for each worksheet in ``names`` (None: every one), its first ``nrows`` rows of values and
    its merged ranges, or in ``errors`` why it could not be read. Stops at the first sheet spanning
    more than ``max_cells`` cells: ``too_large`` = (name, rows, columns). Meant to run in the
    child (``run(read_sheets, ...)``)."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet_names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    out: dict[str, Any] = {"sheet_names": sheet_names, "rows": {}, "merged": {}, "errors": {}, "too_large": None}
    for name in sheet_names if names is None else [n for n in names if n in sheet_names]:
        try:
            sheet = book.get_sheet_by_name(name)
        except Exception as exc:  # one sheet's reader error (calamine raises several types): reported by name
            out["errors"][name] = f"{type(exc).__name__}: {str(exc)[:200]}"
            continue
        height, width = sheet.total_height, sheet.total_width
        if height * width > max_cells:
            out["too_large"] = (name, height, width)
            break
        out["rows"][name] = sheet.to_python(skip_empty_area=False, nrows=nrows)
        merged = sheet.merged_cell_ranges
        out["merged"][name] = [tuple(map(tuple, r)) for r in merged] if merged else []
    return out


# --- the child ----------------------------------------------------------------------------------
def _limit_memory(memory_mb: int | None) -> None:
    if resource is None or not memory_mb:
        return
    cap = int(memory_mb) * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _resolve(module: str, qualname: str) -> Callable:
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def main() -> None:
    """The child: read the request on stdin, answer ("ok", value) or ("error", (type, text))."""
    module, qualname, args, memory_mb = pickle.loads(sys.stdin.buffer.read())  # from our own parent
    func = _resolve(module, qualname)
    _limit_memory(memory_mb)
    try:
        answer = ("ok", func(*args))
    except MemoryError:
        answer = ("error", ("MemoryError", ""))
    except Exception as exc:  # the process boundary: the parent turns it into a finding with the type
        answer = ("error", (type(exc).__name__, str(exc)[:500]))
    try:
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("error", ("MemoryError", "")))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
