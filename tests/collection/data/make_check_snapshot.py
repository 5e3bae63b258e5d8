"""Write check_snapshot.json beside this script: what ``check_file`` answers for every case of
tests/collection/check_corpus.py, with the code of the checkout this script sits in.

It was run on the commit before the check of one file was made faster (issue 17), from a worktree of that
commit with this script and check_corpus.py copied in:

    git worktree add /tmp/base 9bddc955827e0577981a27c48d8a5cdb2c7d44ea
    ln -s /work/shared /tmp/shared  # ../shared/corpus beside the worktree, as beside the checkout
    cp tests/collection/check_corpus.py /tmp/base/tests/collection/
    mkdir -p /tmp/base/tests/collection/data && cp tests/collection/data/make_check_snapshot.py /tmp/base/tests/collection/data/
    cd /tmp/base && python3 tests/collection/data/make_check_snapshot.py
    cp /tmp/base/tests/collection/data/check_snapshot.json <this checkout>/tests/collection/data/

tests/collection/test_check_same_answers.py compares the current code's answers with it.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "collection")]

from sheets_tools.campaign import workbook as campaign_mod  # noqa: E402
from sheets_tools.campaign import writer as campaign_writer  # noqa: E402
from check_corpus import all_answers  # noqa: E402

SAMPLE = "daklak-2024"  # tests/conftest.py's sample campaign


def main() -> None:
    import sheets_tools
    assert Path(sheets_tools.__file__).resolve().parents[1] == ROOT, sheets_tools.__file__
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dot"
        campaign_writer.create(folder, sample=SAMPLE)
        answers = all_answers(campaign_mod.load(folder), Path(tmp) / "work")
    out = HERE / "check_snapshot.json"
    lines = (json.dumps({name: answers[name]}, ensure_ascii=False, sort_keys=True)[1:-1] for name in sorted(answers))
    out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # one case a line
    print(f"{len(answers)} cases -> {out}")


if __name__ == "__main__":
    main()
