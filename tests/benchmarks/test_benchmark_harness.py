"""The benchmark of issue 17 (``python -m benchmarks.collect``) end to end on a tiny corpus: built through
the project's own commands, every step run and checked, the table printed, JSON and Markdown written with
the machine and the commit, and the files with a planted mistake counted. No timing is asserted."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.core.text import fold
from sheets_tools.formkit.declaration import FIRST_ROW, get_form

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the benchmarks package sits beside sheets_tools, not inside it
    sys.path.insert(0, str(REPO))
STEPS = ["raw", "collect", "consolidate", "collect_again", "one_new"]


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks.collect", *args], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", check=False)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """3 units x 5 individuals, 34% with a mistake (one file), one round, issue timed: (folder, process)."""
    root = tmp_path_factory.mktemp("bench")
    done = bench("--units", "3", "--rows", "5", "--errors", "34", "--rounds", "1",
                 "--work", str(root / "work"), "--results", str(root / "results"))
    return root, done


def test_tiny_run_writes_the_table_json_and_markdown(tiny):
    root, done = tiny
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "latest.json").read_text(encoding="utf-8"))
    assert data["command"].startswith("python -m benchmarks.collect")
    assert (data["complete"], data["planned_rounds"]) == (True, 1)
    assert set(data["machine"]) >= {"platform", "cores", "python", "cpu", "memory_gib", "load_average"}
    assert data["machine"]["cores"] >= 1
    assert re.fullmatch(r"[0-9a-f]{40}", data["commit"]["hash"])
    [run] = data["runs"]
    assert (run["corpus"], run["units"], run["rows"], run["errors"], run["rounds"]) == ("3x5-e34", 3, 5, 34, 1)
    # the file with the planted mistake is counted as such, and its feedback was written
    assert (run["files"], run["accepted"], run["with_findings"]) == (3, 2, 1)
    assert run["feedback_files"] >= 1
    assert list(run["steps"]) == STEPS
    for step in run["steps"].values():
        assert len(step["seconds"]) == 1
        assert step["min"] <= step["median"] <= step["max"]
        assert step["peak_mib"] is None or step["peak_mib"] > 0
    if sys.platform.startswith("linux"):
        assert all(s["peak_mib"] for s in run["steps"].values())
    assert (data["issue"]["units"], data["issue"]["workbooks"]) == (3, 3)
    whats = [t["what"] for t in data["targets"]]
    assert whats == ["(collect + consolidate) / raw",
                     "34% with findings: (collect + consolidate) / all accepted", "issue for 3 units"]
    assert all(set(t) == {"what", "corpus", "value", "unit", "target", "result", "note"} for t in data["targets"])
    # without the all-accepted corpus in the same run the error-path ratio cannot be given: said, not guessed
    error_path = data["targets"][1]
    assert (error_path["value"], error_path["target"], error_path["result"]) == (None, 2.0, None)
    assert error_path["note"]

    md = (root / "results" / "latest.md").read_text(encoding="utf-8")
    assert "| corpus | step | min s | median s | max s | peak MiB |" in md
    assert "| ratio | corpus | value | target | result | note |" in md
    assert md.count("| 3x5-e34 |") == 5 + 1 + 3  # five steps, issue, three ratios
    assert data["machine"]["platform"] in md and data["commit"]["hash"][:10] in md
    for text in (done.stdout, md):
        assert "2 accepted, 1 with findings, 1 feedback" in text
        assert "≤ 2.00x" in text


def test_every_step_is_in_the_printed_table(tiny):
    _, done = tiny
    lines = done.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.split()[:2] == ["corpus", "step"])
    assert lines[head].split()[2:] == ["min", "s", "median", "s", "max", "s", "peak", "MiB"]
    labels = ["raw read-validate-write", "collect", "consolidate", "collect again (unchanged)", "one new file",
              "issue (3 workbooks, once)"]
    for label, line in zip(labels, lines[head + 1:head + 7]):
        assert line.startswith("3x5-e34") and label in line
        assert len(re.findall(r"\d+\.\d\d", line)) == 3


def test_a_file_not_as_planted_stops_the_benchmark(tiny, tmp_path):
    """A return that should be accepted but has a finding is never timed as if all were well."""
    root, done = tiny
    assert done.returncode == 0, done.stdout + done.stderr
    work = tmp_path / "work"
    shutil.copytree(root / "work" / "3x5-e34", work / "3x5-e34")
    sheet = next(s for s in get_form("registration").sheets if s.key == "individuals")
    path = work / "3x5-e34" / "inbox" / "BM-0001.xlsx"
    wb = load_workbook(path)
    wb[sheet.name][f"{sheet.column('birth_date').letter}{FIRST_ROW + 1}"] = date(2091, 5, 5)
    wb.save(path)
    again = bench("--units", "3", "--rows", "5", "--errors", "34", "--rounds", "1", "--no-issue",
                  "--work", str(work), "--results", str(tmp_path / "results"))
    assert again.returncode == 2, again.stdout + again.stderr
    assert "BM-0001.xlsx: rejected" in again.stderr and "expected accepted" in again.stderr
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("units, rows", [(1000, 40), (100, 2000)])
def test_no_two_rows_of_a_corpus_are_the_same_person(units, rows):
    """The cross-unit rule (same name and birth date in two units) must find nothing in an all-accepted
    corpus of the sizes the benchmark runs: otherwise every file is "accepted with warnings"."""
    from benchmarks.corpus import person  # a name the benchmark changed: imported here, not at the top

    keys = set()
    for unit in range(1, units + 1):
        for row in range(rows):
            p = person(unit, row, rows)
            keys.add((fold(p["family_name"]), fold(p["given_name"]), p["birth_date"]))
            assert 1965 <= p["birth_date"].year <= 1997
    assert len(keys) == units * rows


def test_the_error_share_is_exact():
    from benchmarks.corpus import mistakes  # a name the benchmark added: imported here, not at the top

    assert len(mistakes(1000, 40, 30)) == 300
    assert list(mistakes(3, 5, 34)) == ["BM-0003.xlsx"]
    assert len(mistakes(100, 2000, 0)) == 0


def test_the_imports_profile_names_the_packages_a_command_starts_with():
    done = subprocess.run([sys.executable, "-m", "benchmarks.profile", "imports", "--runs", "1"], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("imports of sheets_tools.cli.app, sheets_tools.collection.collect")
    packages = {line.split()[0]: float(line.split()[1]) for line in lines[1:]}
    assert {"sheets_tools", "pydantic", "(all)"} <= set(packages)
    assert packages["(all)"] >= packages["sheets_tools"] > 0
