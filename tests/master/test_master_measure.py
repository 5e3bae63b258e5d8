"""The master measures its texts the faster way (``master.measure``) and gets ``excel.fit``'s answers: on every
text of the demo's master and on made-up texts of every kind (spaces in runs, tabs, line breaks, words longer
than the column, Vietnamese letters, symbols outside fit's tables), in many widths, sizes and weights."""
from __future__ import annotations

import random

import python_calamine
import pytest

from sheets_tools.excel.fit import lines_needed, row_height
from sheets_tools.master.consolidate import master_path
from sheets_tools.campaign import workbook as campaign_mod

WIDTHS = (6, 7.5, 8, 10, 12, 17, 22, 28, 36, 70)
ALPHABET = ("abcdeghiklmnopqrstuvxyĐđăâêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵếềểễệốồổỗộ ứừửữựWMIl1.,;:!?'\"()"
            "-–—…“”•€₫%&@#/\\|_ ")


def made_up(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(["", " ", "x", "  ", "\n", "\t", "a\tb", "a\u00a0b", "a\u200bb", "\u3000"])
    words = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14 if kind != 1 else 60)))
             for _ in range(rng.randint(1, 25))]
    glue = rng.choice([" ", "  ", " \n", "\n", "\t", " "])
    return glue.join(words)


def check(text: str, width: float, size: float, bold: bool) -> None:
    from sheets_tools.master import measure  # the module this test is about (absent before it was made)
    assert measure.height(text, width, size, bold) == row_height([(text, width, size, bold)]) or not text, (
        text, width, size, bold)
    if size == 12 and not bold:
        assert measure.wider(text, width) == (lines_needed(text, width) > 1), (text, width)


def test_made_up_texts():
    rng = random.Random(17)
    for _ in range(4000):
        text = made_up(rng)
        for width in rng.sample(WIDTHS, 3):
            check(text, width, rng.choice([12.0, 12.0, 14.0, 11.0]), rng.random() < 0.3)


@pytest.fixture(scope="module")
def demo_texts(demo_run):
    folder, _ = demo_run
    book = python_calamine.CalamineWorkbook.from_path(str(master_path(campaign_mod.load(folder))))
    return sorted({v for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
                   for v in row if isinstance(v, str) and v})


def test_every_text_of_the_demo_master(demo_texts):
    assert len(demo_texts) > 200
    for text in demo_texts:
        for width in WIDTHS:
            check(text, width, 12.0, False)
            check(text, width, 12.0, True)
