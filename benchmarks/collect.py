"""Collect and consolidate against a raw read-validate-write of the same files, in one run.

    python -m benchmarks.collect --units 1000 --rows 40 [--errors 30] [--rounds 3] [--work DIR]

Builds its corpus with the project's own commands (``benchmarks.corpus``), then, for each round,
interleaved on a fresh copy of the campaign: the raw pipeline (``benchmarks.raw``), ``collect`` (every
file must be accepted, or have findings where ``--errors`` asked for them), ``consolidate``, ``collect``
again on the unchanged inbox, and ``collect`` of one new file. Each step runs in its own process (as a
user runs it); its wall time and its peak memory (the process's maximum resident set, Linux and macOS)
are kept. Prints min/median/max per step and the ratios the targets are about. Timings are never
asserted in tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.corpus import build

REPO = Path(__file__).resolve().parents[1]
STEPS = ("raw", "collect", "consolidate", "collect_again", "one_new")


def run(args: list[str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, float | None, str]:
    """Wall seconds, peak memory (MiB, None where the system cannot say) and stdout of one process, run
    from the repository (``benchmarks`` importable); an exit status not in ``ok`` stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    out, err = b"", b""
    if hasattr(os, "wait4"):
        # read the pipes while waiting: a full pipe would block the child
        import threading
        chunks: dict[str, bytes] = {}
        readers = [threading.Thread(target=lambda k=k, s=s: chunks.__setitem__(k, s.read()))
                   for k, s in (("out", proc.stdout), ("err", proc.stderr))]
        for t in readers:
            t.start()
        _, status, usage = os.wait4(proc.pid, 0)
        for t in readers:
            t.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out, err = chunks["out"], chunks["err"]
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    else:
        out, err = proc.communicate()
        peak = None
    seconds = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{err.decode('utf-8', 'replace')}")
    return seconds, peak, out.decode("utf-8", "replace")


def tool(*args: str) -> list[str]:
    return [sys.executable, "-m", "sheets_tools.cli", *args]


def one_round(root: Path, units: int, errors: int) -> dict[str, tuple[float, float | None]]:
    work = root / "round"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(root / "campaign.clean", work)
    inbox, out = root / "inbox", root / "raw-out.xlsx"
    times: dict[str, tuple[float, float | None]] = {}
    seconds, peak, _ = run([sys.executable, "-m", "benchmarks.raw", str(inbox), str(out)], ok=(0,))
    times["raw"] = (seconds, peak)
    seconds, peak, text = run(tool("collect", str(work), str(inbox), "--json"))
    _check_collected(text, units, errors)
    times["collect"] = (seconds, peak)
    seconds, peak, _ = run(tool("consolidate", str(work)))
    times["consolidate"] = (seconds, peak)
    seconds, peak, text = run(tool("collect", str(work), str(inbox), "--json"))
    times["collect_again"] = (seconds, peak)
    spare = next((root / "spare").iterdir())
    shutil.copy2(spare, inbox / spare.name)
    try:
        seconds, peak, text = run(tool("collect", str(work), str(inbox), "--json"))
    finally:
        (inbox / spare.name).unlink()
    times["one_new"] = (seconds, peak)
    return times


def _check_collected(text: str, units: int, errors: int) -> None:
    """Every file taken: accepted, or (error path) with the findings asked for."""
    files = json.loads(text)["files"] if text.strip().startswith("{") else json.loads(text)
    statuses = [f.get("status") for f in files]
    bad = sum(1 for s in statuses if s != "accepted")
    wrong_every = round(100 / errors) if errors else 0
    expected = units // wrong_every if wrong_every else 0
    if len(files) != units or bad != expected:
        raise SystemExit(f"collect took {len(files)} files, {bad} with errors; expected {units} and {expected}: "
                         f"statuses {sorted(set(statuses))}")


def table(rounds: list[dict[str, tuple[float, float | None]]]) -> str:
    lines = [f"{'step':<14}{'min s':>9}{'median s':>10}{'max s':>9}{'peak MiB':>10}"]
    for step in STEPS:
        values = [r[step][0] for r in rounds]
        peaks = [r[step][1] for r in rounds if r[step][1] is not None]
        lines.append(f"{step:<14}{min(values):>9.2f}{statistics.median(values):>10.2f}{max(values):>9.2f}"
                     f"{(max(peaks) if peaks else float('nan')):>10.0f}")
    med = {step: statistics.median(r[step][0] for r in rounds) for step in STEPS}
    both = med["collect"] + med["consolidate"]
    lines += ["",
              f"(collect + consolidate) / raw: {both / med['raw']:.2f}x",
              f"collect again (unchanged) / collect: {100 * med['collect_again'] / med['collect']:.1f}%",
              f"one new file / collect: {100 * med['one_new'] / med['collect']:.1f}%"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000, help="returned files, one per unit")
    parser.add_argument("--rows", type=int, default=40, help="individuals per file")
    parser.add_argument("--errors", type=int, default=0, help="percent of files with a mistake (feedback written)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("benchmarks") / "work",
                        help="where the corpus is built and kept between runs")
    ns = parser.parse_args(argv)
    root = ns.work / f"{ns.units}x{ns.rows}-e{ns.errors}"
    start = time.perf_counter()
    build(root, ns.units, ns.rows, ns.errors)
    print(f"corpus: {ns.units} files x {ns.rows} individuals, {ns.errors}% with a mistake "
          f"({time.perf_counter() - start:.0f} s to build or reuse) in {root}")
    rounds = [one_round(root, ns.units, ns.errors) for _ in range(ns.rounds)]
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(table(rounds))


if __name__ == "__main__":
    main()
