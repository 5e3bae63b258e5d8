"""Find a table's header row in a sheet by its labels, and which column holds each label.

Pure functions over the values a reader gives for a sheet: ``rows``, a list of rows, each a list
of cell values ('' or None for an empty cell), as python-calamine's
``sheet.to_python(skip_empty_area=False)`` returns them. Rows and columns here are 0-based
indexes into ``rows`` (``rows[row][column]``).

The labels a caller looks for are a mapping ``key -> label`` (any hashable key: a field name, a
label, None), or ``key -> (label, other accepted label, ...)``. A cell matches a label when both
are equal once normalized (``fold`` by default: case, diacritics and spaces); labels the unit
edited are accepted when ``similar`` to exactly one expected label (and it to exactly one of them).

- ``match_row(cells, labels)``: the columns of the labels on one row.
- ``find_header(rows, labels, scan=...)``: the first row, in the first ``scan`` rows, whose labels
  are accepted (every ``required`` key matched, ``accept(columns)`` true; by default at least half
  of the labels) -> ``Header`` (row, columns, the other labels of the row) or None.
- ``best_header(rows, labels, scan=...)``: the row matching most labels, and how many.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Hashable, Iterable, Mapping, Sequence, TypeVar

from sheets_tools.core.text import fold
from sheets_tools.core.values import coerce_text

HEADER_SCAN = 40  # the header row is looked for in the first rows of a sheet
SIMILARITY = 0.8  # difflib ratio above which an edited label is taken for the expected one
Rows = list[list[Any]]
K = TypeVar("K", bound=Hashable)
Labels = Mapping[K, "str | Sequence[str]"]  # key -> label, or (label, other accepted labels...)
Similar = Callable[[str, str], bool]  # (label found in the sheet, expected label) -> accepted


# --- text --------------------------------------------------------------------------------------
def cell_text(value: Any) -> str:
    """A cell's value as text ('' for an empty cell)."""
    return coerce_text(None if value == "" else value) or ""


def words(text: str) -> str:
    """The folded words of ``text``, punctuation left out ("Họ và tên:" -> "ho va ten")."""
    return " ".join(re.findall(r"\w+", fold(text)))


def similar(found: str, declared: str) -> bool:
    """Whether an edited label ``found`` can be the declared one: one contains the other as
    whole words (at least 3 letters), or they are close (difflib ratio >= SIMILARITY)."""
    a, b = words(found), words(declared)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and f" {short} " in f" {long} ":
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILARITY


def spans(numbers: list[int]) -> str:
    """[9, 10, 11, 14] -> "dòng 9-11, 14"."""
    parts, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(str(n) if n == start else f"{start}-{n}")
            start = None
    return "dòng " + ", ".join(parts)


def _aliases(label: str | Sequence[str]) -> tuple[str, ...]:
    return (label,) if isinstance(label, str) else tuple(label)


# --- one row -------------------------------------------------------------------------------------
@dataclass
class LabelMatch(Generic[K]):
    """How the labels of one row match the expected ones (columns 0-based)."""

    columns: dict[K, int]  # key -> column whose label matches
    renamed: dict[K, str]  # key -> the edited label that was accepted for it (through ``similar``)
    others: dict[int, str]  # column -> a non-empty label that matches nothing (``ignore``d ones left out)


def match_row(cells: Sequence[Any], labels: Labels, *, normalize: Callable[[str], str] = fold,
              similar: Similar | None = similar, ignore: Iterable[str] = ()) -> LabelMatch:
    """Map the expected ``labels`` to the cells of one row: equal normalized labels first (the first
    free column, in the order of ``labels``), then edited labels that are ``similar`` to exactly
    one expected label (and it to exactly one of them); ``similar=None``: equal labels only.
    Cells whose normalized text is one of ``ignore`` (e.g. "STT") are never matched nor reported."""
    skip = {normalize(t) for t in ignore}
    normal = {c: (t, normalize(t)) for c, t in ((c, cell_text(v)) for c, v in enumerate(cells) if v != "") if t}
    free = {c: t for c, (t, n) in normal.items() if n not in skip}
    expected = {key: _aliases(label) for key, label in labels.items()}
    columns: dict[Any, int] = {}
    for key, texts in expected.items():
        targets = {normalize(t) for t in texts}
        col = next((c for c in free if normal[c][1] in targets), None)
        if col is not None:
            columns[key] = col
            del free[col]
    renamed: dict[Any, str] = {}
    if similar is None:
        return LabelMatch(columns, renamed, free)
    options = {key: [col for col, t in free.items() if any(similar(t, a) for a in texts)]
               for key, texts in expected.items() if key not in columns}
    for key, cols in options.items():
        if len(cols) == 1 and sum(cols[0] in other for other in options.values()) == 1:
            columns[key] = cols[0]
            renamed[key] = free.pop(cols[0])
    return LabelMatch(columns, renamed, free)


# --- the header row ----------------------------------------------------------------------------------
@dataclass
class Header(Generic[K]):
    """The header row found by ``find_header`` (row and columns 0-based)."""

    row: int  # index in ``rows`` of the header row
    columns: dict[K, int]  # key -> column of its label
    renamed: dict[K, str]  # key -> the edited label accepted for it
    others: dict[int, str]  # column -> a label of the row that matches no key
    texts: dict[int, str]  # column -> every non-empty cell text of the row
    normalize: Callable[[str], str] = field(default=fold, repr=False, compare=False)

    def column(self, label: str) -> int | None:
        """The first column of the header row whose text is ``label`` (normalized), matched or not
        (e.g. a member's name as a column of a votes sheet); None when absent."""
        target = self.normalize(label)
        return next((c for c, t in self.texts.items() if self.normalize(t) == target), None)


def find_header(rows: Sequence[Sequence[Any]], labels: Labels, *, scan: int = HEADER_SCAN,
                required: Iterable[K] | None = None, accept: Callable[[dict[K, int]], bool] | None = None,
                normalize: Callable[[str], str] = fold, similar: Similar | None = similar,
                ignore: Iterable[str] = ()) -> Header | None:
    """The first row, in the first ``scan`` rows, whose labels (``match_row``) are accepted: every
    key of ``required`` is matched and ``accept(columns)`` holds; when neither is given, at least
    half of the labels must match. None when no row is accepted."""
    required = list(required) if required is not None else None
    ignore = tuple(ignore)
    need = (len(labels) + 1) // 2
    for r in range(min(scan, len(rows))):
        match = match_row(rows[r], labels, normalize=normalize, similar=similar, ignore=ignore)
        if required is not None:
            ok = all(k in match.columns for k in required)
        else:
            ok = accept is not None or len(match.columns) >= need
        if ok and (accept is None or accept(match.columns)):
            texts = {c: t for c, t in ((c, cell_text(v)) for c, v in enumerate(rows[r])) if t}
            return Header(r, match.columns, match.renamed, match.others, texts, normalize)
    return None


def best_header(rows: Sequence[Sequence[Any]], labels: Labels, *, scan: int = HEADER_SCAN,
                prefer: int | None = None, normalize: Callable[[str], str] = fold,
                similar: Similar | None = similar, ignore: Iterable[str] = ()) -> tuple[int | None, int]:
    """The row (in the first ``scan`` rows) whose cells match most labels, and how many match
    (None, 0 when none does). Labels written exactly count first; edited ones (``match_row``)
    only when fewer than half of the labels are found exactly. On a tie the first row wins,
    except the row ``prefer`` (where the header is expected)."""
    need = (len(labels) + 1) // 2
    groups = {frozenset(normalize(t) for t in _aliases(label)) for label in labels.values()}

    def exact(cells: Sequence[Any]) -> int:
        present = {normalize(t) for t in map(cell_text, cells) if t}
        return sum(1 for group in groups if group & present)

    found = _best(rows, scan, prefer, exact)
    if found[1] >= need:
        return found
    ignore = tuple(ignore)

    def tolerant(cells: Sequence[Any]) -> int:
        if not any(v != "" for v in cells):
            return 0
        return len(match_row(cells, labels, normalize=normalize, similar=similar, ignore=ignore).columns)

    return max(found, _best(rows, scan, prefer, tolerant), key=lambda x: x[1])


def _best(rows: Sequence[Sequence[Any]], scan: int, prefer: int | None,
          score: Callable[[Sequence[Any]], int]) -> tuple[int | None, int]:
    best, best_score = None, 0
    for r in range(min(scan, len(rows))):
        value = score(rows[r])
        if value > best_score or (value and value == best_score and r == prefer):
            best, best_score = r, value
    return best, best_score
