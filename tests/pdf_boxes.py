"""What a rendered workbook looks like, from its PDF's text boxes (``pdftotext -bbox``).

``render(paths)`` turns workbooks into PDFs with LibreOffice headless (``core.pdf.to_pdf``);
``words(pdf)`` reads every word's box per page; ``overlaps(pdf)`` lists the words drawn over other
words (a wrapped text taller than its row runs into the next row's text); ``pages(pdf)`` counts pages
and gives their sizes (A4 portrait 595x842 pt, landscape 842x595).
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sheets_tools.core.pdf import find_soffice, to_pdf

HAVE_TOOLS = bool(find_soffice() and shutil.which("pdftotext"))
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def area(self) -> float:
        return max(self.x1 - self.x0, 0) * max(self.y1 - self.y0, 0)


def render(paths: list[Path]) -> list[Path]:
    """Each workbook or document as a PDF beside it (LibreOffice headless)."""
    return to_pdf([Path(p) for p in paths])


def _bbox(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8", errors="replace")


def pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) of every page, in points."""
    return [(float(w), float(h)) for w, h in _PAGE.findall(_bbox(pdf))]


def words(pdf: Path) -> list[Word]:
    found: list[Word] = []
    for number, chunk in enumerate(_bbox(pdf).split("<page ")[1:], start=1):
        for x0, y0, x1, y1, text in _WORD.findall(chunk):
            found.append(Word(number, html.unescape(text), float(x0), float(y0), float(x1), float(y1)))
    return found


def text_of(pdf: Path) -> str:
    """All the words, in reading order, one space apart (to look for a phrase)."""
    return " ".join(w.text for w in words(pdf))


def overlaps(pdf: Path, share: float = 0.25) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes cover each other by more than ``share`` of the smaller box's area,
    or whose boxes cross vertically by more than ``share`` of a line while overlapping horizontally
    (one text drawn over another); an empty list when the print is clean."""
    found = []
    by_page: dict[int, list[Word]] = {}
    for w in words(pdf):
        by_page.setdefault(w.page, []).append(w)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.y0)
        for i, a in enumerate(page_words):
            for b in page_words[i + 1:]:
                if b.y0 >= a.y1:
                    break
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if dx <= 0.5 or dy <= 0:
                    continue
                smaller = min(a.area(), b.area()) or 1.0
                line = min(a.y1 - a.y0, b.y1 - b.y0) or 1.0
                if dx * dy > share * smaller or (dy > share * line and dx > 2.0):
                    found.append((a, b))
    return found


def describe(pairs: list[tuple[Word, Word]], limit: int = 8) -> str:
    return "; ".join(f"p{a.page} {a.text!r}@({a.x0:.0f},{a.y0:.0f}) over {b.text!r}@({b.x0:.0f},{b.y0:.0f})"
                     for a, b in pairs[:limit])
