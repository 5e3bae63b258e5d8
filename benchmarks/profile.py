"""Where a command's own process spends its CPU, and what checking one returned file costs.

    python -m benchmarks.profile cpu collect CAMPAIGN_COPY INBOX --json    the command's process, CPU time
    python -m benchmarks.profile check CAMPAIGN INBOX [--runs 3]            check_file per file, serial
    python -m benchmarks.profile imports [--runs 5]                          what starting a command imports
    python -m benchmarks.profile floor [--runs 7]                            what any new process pays first

``cpu`` runs ``sheets-tools <args>`` in this process under cProfile with the process's CPU time as its clock
(a wall clock would count the time the process waits for a core, which the worker processes of collect take
on a busy machine), then prints the functions with the largest cumulative time. The worker processes are
not profiled: this shows the lane of the process that records every file. Give it a copy of a campaign:
the command runs for real.

``check`` times ``collection.validate.check_file`` over every file of an inbox in one process, with no
ledger (a check that asks for it is counted as it stopped), after one untimed pass: the best of ``--runs``
passes, in milliseconds of CPU per file. Running it from another checkout (``python -m benchmarks.profile``
from that folder, with this file copied in) measures that checkout's code.

``imports`` starts a new Python process per run that imports what ``collect`` and ``consolidate`` import
before their first file (``python -X importtime``), and prints the median wall time of those imports and the
import time of each top-level package (its modules' own time, summed): the cost every command pays before it
starts working, a fixed part of a collect of one new file.

``floor`` times whole new processes (started to ended, wall clock, as the benchmark runs its steps: with
bytecode, the project's modules compiled first) that go one stage further each: the interpreter alone, then
importing pydantic, then building the forms' and the campaign's pydantic models (what checking any returned
file needs), then importing everything ``collect`` imports: the least a ``collect`` in a new process costs
before it looks at a file, to set against the target of one new file (2% of the first collect).

Timings are never asserted in tests; these are tools for looking, the figures to compare are the
benchmark's (``benchmarks.collect``).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.steps import REPO, STEP_ENV, compile_bytecode
from sheets_tools.campaign.workbook import load as load_campaign
from sheets_tools.cli.app import main as cli_main
from sheets_tools.collection.gather import gather
from sheets_tools.collection.validate import check_file
from sheets_tools.core.records import Incoming
from sheets_tools.formkit.plugins import Context


def cpu(args: list[str], top: int) -> str:
    """The cumulative CPU profile of ``sheets-tools <args>`` run in this process."""
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    try:
        cli_main.main(args=args, prog_name="sheets-tools", standalone_mode=False)
    except SystemExit:  # an exit code of 1 (files rejected) still leaves a profile to read
        pass
    finally:
        profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def check(campaign_dir: Path, inbox: Path, runs: int) -> tuple[int, float]:
    """(files, best milliseconds of CPU per file) of check_file over the inbox."""
    campaign = load_campaign(campaign_dir)
    context = Context(campaign, None)
    items = [i for i in gather([inbox]) if isinstance(i, Incoming)]
    best = float("inf")
    for n in range(runs + 1):
        start = time.process_time()
        for item in items:
            check_file(item, campaign, context)
        spent = time.process_time() - start
        if n:  # the first pass warms the caches and is not counted
            best = min(best, spent)
    return len(items), best * 1000 / max(len(items), 1)


COMMAND_MODULES = ("sheets_tools.cli.app", "sheets_tools.collection.collect", "sheets_tools.master.consolidate")


def imports(runs: int) -> str:
    """The median wall time of importing ``COMMAND_MODULES`` in a new process, and each top-level package's
    own import time (microseconds from ``-X importtime``, summed over its modules), of the median run."""
    measured = []
    for _ in range(runs):
        code = f"import time; t = time.perf_counter(); import {', '.join(COMMAND_MODULES)}; " \
               "print(time.perf_counter() - t)"
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                              check=True)
        per: dict[str, int] = {}
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[0].startswith("import time:") and parts[0].split(":")[1].strip().isdigit():
                top = parts[2].strip().split(".")[0]
                per[top] = per.get(top, 0) + int(parts[0].split(":")[1])
        measured.append((float(done.stdout.strip()), per))
    measured.sort(key=lambda m: m[0])
    wall, per = measured[len(measured) // 2]
    lines = [f"imports of {', '.join(COMMAND_MODULES)}: median {wall:.3f} s of {runs} runs "
             f"(min {measured[0][0]:.3f}, max {measured[-1][0]:.3f}); own import time per package, median run:"]
    total = sum(per.values())
    for top, us in sorted(per.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"  {top:24} {us / 1000:7.1f} ms  {100 * us / total:4.1f}%")
    lines.append(f"  {'(all)':24} {total / 1000:7.1f} ms")
    return "\n".join(lines)


FLOOR = (("the interpreter alone", "pass"),
         ("+ pydantic imported", "import pydantic, pydantic_core; from pydantic import BaseModel"),
         ("+ the forms' and campaign's models built", "import pydantic; import sheets_tools.campaign.workbook; "
          "from sheets_tools.formkit.declaration import load_forms; load_forms()"),
         ("+ all that collect imports", "import sheets_tools.cli.app, sheets_tools.cli.collect, "
          "sheets_tools.collection.collect; from sheets_tools.formkit.declaration import load_forms; load_forms()"))


def floor(runs: int) -> str:
    """The median wall time of a new process at each stage of ``FLOOR``, the stages interleaved run by run."""
    compile_bytecode()
    times: dict[str, list[float]] = {label: [] for label, _ in FLOOR}
    for _ in range(runs):
        for label, code in FLOOR:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=STEP_ENV, cwd=REPO)
            times[label].append(time.perf_counter() - start)
    lines = [f"a new process, started to ended (median of {runs} runs, min to max):"]
    for label, values in times.items():
        values.sort()
        lines.append(f"  {label:42} {values[len(values) // 2]:.3f} s  ({values[0]:.3f} to {values[-1]:.3f})")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("cpu", help="the CPU profile of a sheets-tools command's own process")
    one.add_argument("--top", type=int, default=40)
    one.add_argument("args", nargs=argparse.REMAINDER, help="the command and its arguments")
    two = sub.add_parser("check", help="check_file per file over an inbox")
    two.add_argument("campaign", type=Path)
    two.add_argument("inbox", type=Path)
    two.add_argument("--runs", type=int, default=3)
    three = sub.add_parser("imports", help="what starting a command imports, and how long it takes")
    three.add_argument("--runs", type=int, default=5)
    four = sub.add_parser("floor", help="what a new process costs before collect looks at a file")
    four.add_argument("--runs", type=int, default=7)
    return parser.parse_args(argv)


def run(argv: list[str] | None = None) -> int:
    options = parse(argv)
    if options.what == "cpu":
        print(cpu(options.args, options.top))
    elif options.what == "imports":
        print(imports(options.runs))
    elif options.what == "floor":
        print(floor(options.runs))
    else:
        files, per_file = check(options.campaign, options.inbox, options.runs)
        print(f"{files} files: {per_file:.2f} ms of CPU per file (best of {options.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(run())
