"""The benchmark's results: per corpus min/median/max and peak memory of each step, the ratios the targets of
the speed work are about (each beside its target, PASS or MISS), the machine and the commit. Printed as a
text table and written as JSON and Markdown (``benchmarks/results/latest.json`` and ``latest.md``).
"""
from __future__ import annotations

import json
import os
import importlib.util
import platform
import sys
import statistics
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.steps import REPO, STEPS, Corpus, Timed

LABELS = {"raw": "raw read-validate-write", "collect": "collect", "consolidate": "consolidate",
          "collect_again": "collect again (unchanged)", "one_new": "one new file"}
TARGET_RATIO, TARGET_AGAIN, TARGET_ONE_NEW, TARGET_PEAK, TARGET_ERRORS, TARGET_ISSUE = 1.5, 5.0, 2.0, 250, 2.0, 60


def machine() -> dict:
    """Platform, cores, Python, CPU model (``/proc/cpuinfo`` where it exists) and total memory."""
    cpu = None
    info = Path("/proc/cpuinfo")
    if info.is_file():
        for line in info.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")) and ":" in line:
                cpu = line.split(":", 1)[1].strip()
                break
    cpu = cpu or platform.processor() or None
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / (1024 * 1024)
    elif hasattr(os, "sysconf") and "SC_PHYS_PAGES" in getattr(os, "sysconf_names", {}):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {"platform": platform.platform(), "cores": os.cpu_count(), "python": platform.python_version(),
            "virtual_environment": sys.prefix != sys.base_prefix, "numpy": _installed("numpy"),
            "cpu": cpu, "memory_gib": round(memory, 1) if memory else None, "load_average": load}


def _installed(name: str) -> bool:
    """Whether ``name`` can be imported here (openpyxl imports numpy at start when it is installed)."""
    return importlib.util.find_spec(name) is not None


def commit() -> dict:
    """The commit measured, and whether the tree had changes not committed (then the figures are of those)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, encoding="utf-8",
                                  check=False)
        except OSError:
            return None
        return done.stdout.strip() if done.returncode == 0 else None
    # the results this run writes (after every round) are not a change of what is measured
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "sheets_tools", "benchmarks",
                  ":(exclude)benchmarks/results")
    return {"hash": git("rev-parse", "HEAD"), "subject": git("log", "-1", "--format=%s"),
            "uncommitted_changes": bool(changed) if changed is not None else None}


def summarise(corpus: Corpus, rounds: list[dict[str, Timed]], counts: dict) -> dict:
    steps = {}
    for step in STEPS:
        values = [r[step].seconds for r in rounds]
        peaks = [r[step].peak_mib for r in rounds if r[step].peak_mib is not None]
        steps[step] = {"seconds": [round(v, 3) for v in values], "min": round(min(values), 3),
                       "median": round(statistics.median(values), 3), "max": round(max(values), 3),
                       "peak_mib": round(max(peaks), 1) if peaks else None}
    return {"corpus": corpus.name, "units": corpus.units, "rows": corpus.rows, "errors": corpus.errors,
            "rounds": len(rounds), **counts, "steps": steps}


def _target(what: str, corpus: str, value: float | None, unit: str, target: float | None, note: str = "") -> dict:
    result = None if value is None or target is None else ("PASS" if value <= target else "MISS")
    return {"what": what, "corpus": corpus, "value": None if value is None else round(value, 3), "unit": unit,
            "target": target, "result": result, "note": note}


def targets(runs: list[dict], issue: dict | None) -> list[dict]:
    """The ratios of issue 17's targets, from medians of the same run; a target that does not apply to a
    corpus (one new file among fewer than 1,000, memory below 2,000 rows) is shown without PASS/MISS."""
    out = []
    for run in runs:
        med = {step: run["steps"][step]["median"] for step in STEPS}
        both = med["collect"] + med["consolidate"]
        name, accepted = run["corpus"], not run["errors"]
        out.append(_target("(collect + consolidate) / raw", name, both / med["raw"] if med["raw"] else None, "x",
                           TARGET_RATIO if accepted else None, per_round(run)))
        if accepted:
            out.append(_target("collect again (unchanged) / collect", name,
                               100 * med["collect_again"] / med["collect"], "%", TARGET_AGAIN))
            out.append(_target(f"one new file among {run['units']} / collect", name,
                               100 * med["one_new"] / med["collect"], "%",
                               TARGET_ONE_NEW if run["units"] >= 1000 else None))
            peaks = [run["steps"][s]["peak_mib"] for s in STEPS if s != "raw" and run["steps"][s]["peak_mib"]]
            out.append(_target("peak memory of collect / consolidate", name, max(peaks) if peaks else None, "MiB",
                               TARGET_PEAK if run["rows"] >= 2000 else None, "" if peaks else "n/a on this system"))
        else:
            base = next((r for r in runs if not r["errors"] and (r["units"], r["rows"]) == (run["units"], run["rows"])),
                        None)
            value = None
            if base:
                value = both / (base["steps"]["collect"]["median"] + base["steps"]["consolidate"]["median"])
            out.append(_target(f"{run['errors']}% with findings: (collect + consolidate) / all accepted", name, value,
                               "x", TARGET_ERRORS, "" if base else "needs the all-accepted corpus in the same run"))
    if issue:
        out.append(_target(f"issue for {issue['units']} units", issue["corpus"], issue["seconds"], "s",
                           TARGET_ISSUE if issue["units"] == 1000 else None))
    return out


def per_round(run: dict) -> str:
    """The ratio (collect + consolidate) / raw of each round (its steps ran one after the other), lowest to
    highest, and how many of them are within the target: the spread beside the ratio of medians."""
    seconds = {step: run["steps"][step]["seconds"] for step in ("raw", "collect", "consolidate")}
    ratios = sorted((c + k) / r for r, c, k in zip(seconds["raw"], seconds["collect"], seconds["consolidate"]) if r)
    if len(ratios) < 2:
        return ""
    within = f"; {sum(x <= TARGET_RATIO for x in ratios)} of {len(ratios)} within {TARGET_RATIO:.2f}x" \
        if not run["errors"] else ""
    return f"per round: {', '.join(f'{x:.2f}x' for x in ratios)}{within}"


def results(runs: list[dict], issue: dict | None, command: str, planned_rounds: int, complete: bool) -> dict:
    return {"command": command, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "complete": complete, "planned_rounds": planned_rounds, "commit": commit(), "machine": machine(),
            "runs": runs, "issue": issue, "targets": targets(runs, issue)}


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:.1f} s"


def _title(run: dict) -> str:
    kind = "all accepted" if not run["errors"] else f"{run['errors']}% with a mistake"
    rounds = f"{run['rounds']} round{'s' if run['rounds'] > 1 else ''}"
    return (f"{run['units']} files x {run['rows']} individuals, {kind} ({run['corpus']}, {rounds}): "
            f"{run['accepted']} accepted, {run['with_findings']} with findings, {run['feedback_files']} feedback")


def _rows(data: dict) -> tuple[list[list[str]], list[list[str]]]:
    steps, goals = [], []
    for run in data["runs"]:
        for step in STEPS:
            s = run["steps"][step]
            steps.append([run["corpus"], LABELS[step], f"{s['min']:.2f}", f"{s['median']:.2f}", f"{s['max']:.2f}",
                          "n/a" if s["peak_mib"] is None else f"{s['peak_mib']:.0f}"])
    if data["issue"]:
        i = data["issue"]
        steps.append([i["corpus"], f"issue ({i['workbooks']} workbooks, once)", f"{i['seconds']:.2f}",
                      f"{i['seconds']:.2f}", f"{i['seconds']:.2f}",
                      "n/a" if i["peak_mib"] is None else f"{i['peak_mib']:.0f}"])
    for t in data["targets"]:
        target = "—" if t["target"] is None else f"≤ {_num(t['target'], t['unit'])}"
        goals.append([t["what"], t["corpus"], _num(t["value"], t["unit"]), target, t["result"] or "—",
                      t["note"]])
    return steps, goals


STEP_HEAD = ["corpus", "step", "min s", "median s", "max s", "peak MiB"]
GOAL_HEAD = ["ratio", "corpus", "value", "target", "result", "note"]


def _machine_line(data: dict) -> str:
    m, c = data["machine"], data["commit"]
    memory = f"{m['memory_gib']} GiB" if m["memory_gib"] else "memory n/a"
    dirty = " with uncommitted changes" if c["uncommitted_changes"] else ""
    load = m.get("load_average")
    load = f", load average {'/'.join(f'{x:.1f}' for x in load)} (1/5/15 min) at the end" if load else ""
    where = {True: " in a virtual environment", False: " (no virtual environment)"}.get(m.get("virtual_environment"), "")
    numpy = {True: ", numpy installed", False: ", without numpy"}.get(m.get("numpy"), "")
    return (f"{m['platform']}, {m['cpu'] or 'CPU n/a'}, {m['cores']} cores, {memory}, Python {m['python']}"
            f"{where}{numpy}; "
            f"commit {(c['hash'] or 'n/a')[:10]}{dirty}; {data['date']}{load}")


def _unfinished(data: dict) -> list[str]:
    if data["complete"]:
        return []
    done = min((r["rounds"] for r in data["runs"]), default=0)
    return [f"UNFINISHED: {done} of {data['planned_rounds']} rounds measured so far.", ""]


def text(data: dict) -> str:
    steps, goals = _rows(data)
    lines = [_machine_line(data), ""] + _unfinished(data) + [_title(r) for r in data["runs"]] + [""]
    lines += _aligned(STEP_HEAD, steps, right=(2, 3, 4, 5)) + [""] + _aligned(GOAL_HEAD, goals, right=(2, 3))
    return "\n".join(line.rstrip() for line in lines)


def _aligned(head: list[str], rows: list[list[str]], right: tuple[int, ...]) -> list[str]:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return ["  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
            for r in [head, *rows]]


def markdown(data: dict) -> str:
    steps, goals = _rows(data)

    def table(head: list[str], rows: list[list[str]], right: tuple[int, ...]) -> list[str]:
        rule = ["---:" if i in right else "---" for i in range(len(head))]
        return ["| " + " | ".join(r) + " |" for r in [head, rule, *rows]]

    return "\n".join([f"Measured with `{data['command']}` on {_machine_line(data)}.", ""] + _unfinished(data)
                     + [f"- {_title(r)}" for r in data["runs"]] + [""]
                     + table(STEP_HEAD, steps, (2, 3, 4, 5)) + [""]
                     + table(GOAL_HEAD, goals, (2, 3)) + [""])


def save(data: dict, folder: Path) -> tuple[Path, Path]:
    """``latest.json`` and ``latest.md`` in ``folder`` (each written whole, then moved into place)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in (("latest.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n"),
                       ("latest.md", markdown(data))):
        path = folder / name
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(body, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
        written.append(path)
    return written[0], written[1]
