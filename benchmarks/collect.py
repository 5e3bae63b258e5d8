"""Collect and consolidate against a raw read-validate-write of the same files, in one run.

    python -m benchmarks.collect --all                      the three corpora of issue 17, then issue timed
    python -m benchmarks.collect --units 1000 --rows 40 [--errors 30] [--rounds 3]

Builds each corpus once with the project's own commands (``benchmarks.corpus``: init, an enlarged units
sheet, issue, the returns filled), then, for each round and each corpus in turn, on a fresh copy of the
campaign and of the inbox: the raw pipeline (``benchmarks.raw``), ``collect``, ``consolidate``, ``collect``
again on the unchanged inbox, and ``collect`` with one new file added. Each step runs in its own process
(as a user runs it); its wall time and peak memory (the process's maximum resident set; n/a on Windows) are
kept, and its result is checked: every file accepted, or rejected with the planted finding. ``issue`` of the
registration form for every unit (of the first corpus) is timed once per run, first, on a fresh copy of the
campaign. The project's modules are compiled to bytecode first, untimed (``steps.compile_bytecode``), as an
installed package has them. Prints min/median/max per step and the ratios of the targets with PASS/MISS, and writes them to
``benchmarks/results/latest.json`` and ``latest.md`` with the machine and the commit (after every round:
an interrupted run leaves what it measured, marked unfinished). Timings are never
asserted in tests.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.corpus import build
from benchmarks.report import results, save, summarise, text
from benchmarks.steps import REPO, BenchmarkError, Corpus, compile_bytecode, one_round, time_issue

ALL = ((1000, 40, 0), (100, 2000, 0), (1000, 40, 30))


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.collect", description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true",
                        help="the three corpora: 1000 x 40, 100 x 2000, 1000 x 40 with 30%% mistakes")
    parser.add_argument("--units", type=int, default=1000, help="returned files, one per unit")
    parser.add_argument("--rows", type=int, default=40, help="individuals per file")
    parser.add_argument("--errors", type=int, default=0, help="percent of files with a mistake (feedback written)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-issue", action="store_true", help="do not time issue")
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / "work",
                        help="where the corpora are built and kept between runs")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "results",
                        help="where latest.json and latest.md are written")
    ns = parser.parse_args(argv)
    if ns.rounds < 1 or ns.units < 1 or ns.rows < 1 or not 0 <= ns.errors < 100:
        parser.error("--rounds, --units and --rows must be at least 1, --errors from 0 to 99")
    return ns


def main(argv: list[str] | None = None) -> int:
    try:
        benchmark(parse(argv), argv)
    except BenchmarkError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr, flush=True)
        return 2
    return 0


def benchmark(ns: argparse.Namespace, argv: list[str] | None) -> None:
    sizes = ALL if ns.all else ((ns.units, ns.rows, ns.errors),)
    corpora = []
    for units, rows, errors in sizes:
        corpus = Corpus(ns.work / f"{units}x{rows}-e{errors}", units, rows, errors)
        start = time.perf_counter()
        build(corpus.root, units, rows, errors)
        print(f"corpus {corpus.name}: {units} files x {rows} individuals, {errors}% with a mistake "
              f"({time.perf_counter() - start:.0f} s to build or reuse) in {corpus.root}", flush=True)
        corpora.append(corpus)
    command = "python -m benchmarks.collect " + " ".join(sys.argv[1:] if argv is None else argv)
    rounds: dict[str, list] = {c.name: [] for c in corpora}
    counts: dict[str, dict] = {}

    def report(issue: dict | None, complete: bool) -> dict:
        runs = [summarise(c, rounds[c.name], counts[c.name]) for c in corpora]
        data = results(runs, issue, command, planned_rounds=ns.rounds, complete=complete)
        save(data, ns.results)  # after every round: an interrupted run still leaves what it measured
        return data

    compile_bytecode()
    issue = None
    if not ns.no_issue:  # first: an interrupted run still has it
        issue = time_issue(corpora[0])
        print(f"issue {corpora[0].name}: {issue['seconds']:.2f} s for {issue['workbooks']} workbooks", flush=True)
    for r in range(ns.rounds):  # interleaved: every corpus once per round
        for corpus in corpora:
            times, counts[corpus.name] = one_round(corpus)
            rounds[corpus.name].append(times)
            print(f"round {r + 1}/{ns.rounds} {corpus.name}: "
                  + ", ".join(f"{step} {t.seconds:.2f} s" for step, t in times.items()), flush=True)
        data = report(issue, complete=r == ns.rounds - 1)
    print()
    print(text(data))
    print(f"\nwritten: {ns.results / 'latest.json'}, {ns.results / 'latest.md'}")


if __name__ == "__main__":
    sys.exit(main())
