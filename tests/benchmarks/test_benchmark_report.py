"""The benchmark's report beside each ratio of medians: the same ratio round by round (no timing measured)."""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the benchmarks package sits beside sheets_tools, not inside it
    sys.path.insert(0, str(REPO))

from benchmarks.report import per_round, targets  # noqa: E402


def _run(raw, collect, consolidate, errors=0):
    steps = {"raw": raw, "collect": collect, "consolidate": consolidate, "collect_again": [0.1] * len(raw),
             "one_new": [0.2] * len(raw)}
    return {"corpus": f"1000x40-e{errors}", "units": 1000, "rows": 40, "errors": errors, "rounds": len(raw),
            "steps": {k: {"seconds": v, "median": statistics.median(v), "peak_mib": 100.0} for k, v in steps.items()}}


def test_each_rounds_ratio_is_given_lowest_first_with_how_many_are_within_the_target():
    run = _run(raw=[4.0, 5.0, 5.0], collect=[4.0, 5.0, 4.0], consolidate=[2.0, 2.5, 1.0])
    # rounds: (4+2)/4 = 1.50, (5+2.5)/5 = 1.50, (4+1)/5 = 1.00
    assert per_round(run) == "per round: 1.00x, 1.50x, 1.50x; 3 of 3 within 1.50x"
    slow = _run(raw=[4.0, 4.0], collect=[5.0, 3.0], consolidate=[2.0, 2.0])
    assert per_round(slow) == "per round: 1.25x, 1.75x; 1 of 2 within 1.50x"
    [ratio] = [t for t in targets([slow], None) if t["what"] == "(collect + consolidate) / raw"]
    assert ratio["note"] == per_round(slow) and ratio["value"] == 1.5  # the target still reads the medians


def test_one_round_or_the_error_path_says_no_count():
    assert per_round(_run(raw=[4.0], collect=[4.0], consolidate=[2.0])) == ""
    assert per_round(_run(raw=[4.0, 4.0], collect=[4.0, 5.0], consolidate=[2.0, 2.0], errors=30)) == \
        "per round: 1.50x, 1.75x"
