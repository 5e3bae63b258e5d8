"""The command line run as a child process, exactly as the office would type it (locks, ledger guards and
copies behave the same), its output read as UTF-8 and no console window on Windows."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import sheets_tools

EXIT_DATA, EXIT_USAGE = 1, 2  # cli.app's exit codes: 1 data problems found (the run went through), 2 typed wrong


@dataclass
class Done:
    """What one command did: its exit code and printed lines."""
    args: list[str]
    returncode: int
    out: str
    err: str

    @property
    def ran(self) -> bool:
        """0 done, 1 done with data problems (a file sent back); 2 and 3 mean it did not run."""
        return self.returncode in (0, EXIT_DATA)

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.out.splitlines() if line.strip()]

    @property
    def error(self) -> str:
        """The command's own Vietnamese error ("Lỗi: ..."), or its last words."""
        lines = [line.strip() for line in self.err.splitlines() if line.strip()]
        for line in lines:
            if line.startswith("Lỗi:"):
                return line[len("Lỗi:"):].strip()
        return lines[-1] if lines else (self.lines[-1] if self.lines else f"mã thoát {self.returncode}")

    def json(self) -> dict:
        try:
            data = json.loads(self.out)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


def child_env() -> dict[str, str]:
    """This process' environment, UTF-8 output, and the folder of this very ``sheets_tools`` first on the
    path when it is not an installed package (a source checkout): the child runs the same code."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUTF8="1")
    root = Path(sheets_tools.__file__).resolve().parents[1]
    if root.name not in ("site-packages", "dist-packages"):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    return env


def run(args: list[str], folder: Path, timeout: float = 3600) -> Done:
    """``python -m sheets_tools.cli <args>`` in ``folder``."""
    flags = subprocess.CREATE_NO_WINDOW if os.name == "nt" else 0
    command = [str(a) for a in args]
    try:
        done = subprocess.run([sys.executable, "-m", "sheets_tools.cli", *command], cwd=folder, env=child_env(),
                              stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", errors="replace",
                              timeout=timeout, creationflags=flags)
    except subprocess.TimeoutExpired:
        return Done(command, -1, "", f"Lỗi: lệnh chạy quá {int(timeout // 60)} phút nên đã bị dừng; hãy chạy lại.")
    return Done(command, done.returncode, done.stdout or "", done.stderr or "")
