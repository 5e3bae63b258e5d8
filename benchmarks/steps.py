"""The measured steps: each one its own process, run as a user runs it, with its wall time and peak memory;
every step's output is checked against the corpus (every file accepted, or rejected with the planted
finding), so that a fast wrong run never counts.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import FORM, MISTAKE_CODE, code_of, mistakes

REPO = Path(__file__).resolve().parents[1]
STEPS = ("raw", "collect", "consolidate", "collect_again", "one_new")
# The steps' environment: Python keeps the bytecode it compiles, as on a user's machine (pip compiles an
# installed package; Python writes __pycache__ on first use). Without this, a shell that sets
# PYTHONDONTWRITEBYTECODE made every step compile the project's modules again (about 0.1 s each), while
# the raw pipeline's libraries come compiled from pip.
STEP_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Timed:
    seconds: float
    peak_mib: float | None  # None where the system cannot say (Windows)
    out: str


class BenchmarkError(Exception):
    """A step failed or gave a result the corpus does not allow: the benchmark stops (exit status 2)."""


class TreeMemory(threading.Thread):
    """On Linux, the resident memory of a process and all its descendants together, sampled every 20 ms:
    ``ru_maxrss`` only gives the largest single process, while worker processes run side by side."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, sum(self._rss(p) for p in self._tree()))

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:  # a process may end at any moment: its /proc folder goes with it
                for task in Path(f"/proc/{pid}/task").glob("*/children"):
                    todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
        return pids

    def _rss(self, pid: int) -> int:
        try:
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page
        except (OSError, IndexError, ValueError):
            return 0


def run(args: list[str], ok: tuple[int, ...] = (0,)) -> Timed:
    """One process, run from the repository (``benchmarks`` importable). The peak memory is the process's
    maximum resident set (``os.wait4``, Linux and macOS), or on Linux the sampled sum over it and its child
    processes where that is larger; an exit status not in ``ok`` stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=STEP_ENV)
    tree = TreeMemory(proc.pid) if Path(f"/proc/{proc.pid}/statm").exists() else None
    if tree:
        tree.start()
    if hasattr(os, "wait4"):
        chunks: dict[str, bytes] = {}  # read the pipes while waiting: a full pipe would block the child
        readers = [threading.Thread(target=lambda k=k, s=s: chunks.__setitem__(k, s.read()))
                   for k, s in (("out", proc.stdout), ("err", proc.stderr))]
        for t in readers:
            t.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        for t in readers:
            t.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out, err = chunks["out"], chunks["err"]
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        if tree:
            tree.done.set()
            tree.join()
            peak = max(peak, tree.peak / 1024 ** 2)
    else:
        out, err = proc.communicate()
        seconds = time.perf_counter() - start
        peak = None
    if proc.returncode not in ok:
        raise BenchmarkError(f"{' '.join(map(str, args))} exited with {proc.returncode} (expected "
                             f"{' or '.join(map(str, ok))}):\n{err.decode('utf-8', 'replace')[-3000:]}")
    return Timed(seconds, peak, out.decode("utf-8", "replace"))


def compile_bytecode() -> None:
    """Compile the project's modules (and the benchmark's) before the first timed step, untimed: the steps
    run them from this checkout, as an installed package would have them compiled."""
    run([sys.executable, "-m", "compileall", "-q", "sheets_tools", "benchmarks"])


def tool(*args: str) -> list[str]:
    return [sys.executable, "-m", "sheets_tools.cli", *args]


@dataclass
class Corpus:
    root: Path
    units: int
    rows: int
    errors: int

    @property
    def name(self) -> str:
        return f"{self.units}x{self.rows}-e{self.errors}"

    @property
    def planted(self) -> dict[str, str]:
        return mistakes(self.units, self.rows, self.errors)


def one_round(corpus: Corpus) -> tuple[dict[str, Timed], dict]:
    """Raw, collect, consolidate, collect again, one new file: on a fresh copy of the campaign and of the
    inbox (the corpus itself is never changed). Returns the timings and what the checks counted."""
    root = corpus.root
    work, inbox, raw_out = root / "round", root / "round-inbox", root / "round-raw.xlsx"
    for old in (work, inbox):
        shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(root / "campaign.clean", work)
    shutil.copytree(root / "inbox", inbox)
    planted = corpus.planted
    collect_ok = (1,) if planted else (0,)
    times: dict[str, Timed] = {}
    times["raw"] = run([sys.executable, "-m", "benchmarks.raw", str(inbox), str(raw_out)])
    if times["raw"].out.strip() != str(corpus.units * corpus.rows):
        raise BenchmarkError(f"the raw pipeline wrote {times['raw'].out.strip()} rows for "
                             f"{corpus.units * corpus.rows}")
    times["collect"] = run(tool("collect", str(work), str(inbox), "--json"), ok=collect_ok)
    counts = check_collected(times["collect"].out, corpus, "collect")
    counts["feedback_files"] = len(list((work / "feedback").rglob("*.xlsx")))
    if counts["feedback_files"] < len(planted):
        raise BenchmarkError(f"collect wrote {counts['feedback_files']} feedback workbooks for "
                             f"{len(planted)} rejected files ({work / 'feedback'})")
    times["consolidate"] = run(tool("consolidate", str(work)))
    if not list((work / "master").glob("*.xlsx")):
        raise BenchmarkError(f"consolidate wrote no master workbook in {work / 'master'}")
    times["collect_again"] = run(tool("collect", str(work), str(inbox), "--json"), ok=collect_ok)
    check_collected(times["collect_again"].out, corpus, "collect again")
    spare = next((root / "spare").iterdir())
    shutil.copy2(spare, inbox / spare.name)
    times["one_new"] = run(tool("collect", str(work), str(inbox), "--json"), ok=collect_ok)
    check_collected(times["one_new"].out, corpus, "one new file", new=spare.name)
    return times, counts


def check_collected(text: str, corpus: Corpus, step: str, new: str | None = None) -> dict:
    """Every inbox file taken: accepted with no error, or (a planted mistake) rejected with the planted
    finding at its cell; ``new`` (the added file) accepted too. Returns the counts."""
    try:
        files = json.loads(text)["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BenchmarkError(f"{step}: no JSON result ({exc}): {text[:500]}") from None
    planted = corpus.planted
    by_name = {Path(f["file"]).name: f for f in files}
    expected = {f"{code}.xlsx" for code in _codes(corpus.units)} | ({new} if new else set())
    if set(by_name) != expected or len(files) != len(expected):
        missing, extra = sorted(expected - set(by_name))[:5], sorted(set(by_name) - expected)[:5]
        raise BenchmarkError(f"{step}: took {len(files)} files for {len(expected)} "
                             f"(missing {missing}, unexpected {extra})")
    wrong = []
    warnings = 0
    for name, f in sorted(by_name.items()):
        errors = [x for x in f.get("findings", []) if x.get("severity") == "error"]
        warnings += sum(1 for x in f.get("findings", []) if x.get("severity") == "warning")
        if name in planted:
            hit = any(x.get("code") == MISTAKE_CODE and x.get("cell") == planted[name] for x in errors)
            if f.get("status") != "rejected" or not hit:
                wrong.append(f"{name}: {f.get('status')}, expected rejected with {MISTAKE_CODE} at "
                             f"{planted[name]}; findings {[(x.get('code'), x.get('cell')) for x in errors]}")
        elif f.get("status") != "accepted" or errors or f.get("form") != FORM:
            wrong.append(f"{name}: {f.get('status')} ({f.get('form')}), expected accepted; findings "
                         f"{[(x.get('code'), x.get('cell')) for x in f.get('findings', [])][:5]}")
    if wrong:
        raise BenchmarkError(f"{step}: {len(wrong)} files not as the corpus was built:\n" + "\n".join(wrong[:10]))
    return {"files": len(files), "accepted": len(files) - len(planted), "with_findings": len(planted),
            "warnings": warnings}


def _codes(units: int) -> list[str]:
    return [code_of(i) for i in range(1, units + 1)]


def time_issue(corpus: Corpus) -> dict:
    """``issue --form registration`` for every unit, on a fresh copy of the campaign with nothing in its
    outbox: one workbook and one draft mail per unit, each workbook checked present."""
    work = corpus.root / "issue-round"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus.root / "campaign.clean", work)
    shutil.rmtree(work / "outbox", ignore_errors=True)
    timed = run(tool("issue", str(work), "--form", FORM))
    made = {p.parent.name for p in (work / "outbox").glob("*/*.xlsx")}
    if made != set(_codes(corpus.units)):
        raise BenchmarkError(f"issue wrote workbooks for {len(made)} units of {corpus.units} in {work / 'outbox'}")
    workbooks = len(list((work / "outbox").glob("*/*.xlsx")))
    shutil.rmtree(work, ignore_errors=True)
    return {"corpus": corpus.name, "units": corpus.units, "workbooks": workbooks, "seconds": timed.seconds,
            "peak_mib": timed.peak_mib}
