"""The rows of the master's input tables: written by the command itself, or, for a large table, in parts by
worker processes while the command writes the other sheets.

A table of tens of thousands of rows is most of consolidate's work. Its units are cut into parts of about as
many rows each (the ledger counts each unit's rows, so every part's first row is known before any is
written); a worker writes a part through ``excel.rowstream`` into a row file of its own (``RowFile``): the
bytes the command would have written for those rows. Before the book closes, ``Tables.finish`` puts the parts
into their sheets, in order. A part whose worker died or failed is written then by the command itself, so the
master is the same either way. With the setting ``collect_workers`` = 1 (the number of worker processes, as
for ``collect``), or a table too small to gain from it, every row is written by the command in place.
"""
from __future__ import annotations

import multiprocessing
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from xlsxwriter.worksheet import Worksheet

from sheets_tools.core.values import date_to_serial
from sheets_tools.excel.rowstream import RowFile, RowStream
from sheets_tools.master import measure
from sheets_tools.master.measure import MIN_HEIGHT
from sheets_tools.store.ledger import rows_by_submission
from sheets_tools.store.seen import reader

# a table of fewer rows is written in place: a worker would cost more than it saves (fork: a few
# milliseconds; spawn, as on Windows: each worker imports the package again, about a second)
PARALLEL_ROWS = {"fork": 4000}
PARALLEL_ROWS_SPAWN = 40000
BATCH_ROWS = 2000  # rows read from the ledger in one query: few queries, memory bounded

Unit = tuple[str, str, int]  # (unit code, unit name, submission id)
Counts = dict[tuple[int, str], int]  # (submission id, sheet) -> its rows (``Ledger.row_counts``)
# (submission ids, sheet) -> each submission's rows of the sheet (``store.ledger.rows_by_submission``)
RowsOf = Callable[[list[int], str], dict[int, list[tuple[str, int, dict]]]]


@dataclass(frozen=True)
class Layout:
    """How a table's rows are written: per column of the form ``(column, field, kind, width)`` (kind "date",
    "number" or "text"), the width of the units' names, the formats by name ("cell", "wrap", "number", "date":
    xlsxwriter Formats whose index is given) and the column of each row's place in the unit's file."""

    columns: tuple[tuple[int, str, str, float], ...]
    name_width: float
    formats: dict[str, Any]
    last: int


def write_rows(stream: RowStream, layout: Layout, units: Iterable[Unit], counts: Counts, rows_of: RowsOf,
               sheet: str, r: int) -> int:
    """Each unit's rows of ``sheet`` (``rows_of``, ``counts``) under row ``r``, each row's cells and height made
    at once; returns the last row written. Blank cells are left out (the table style draws the grid); a text
    column's value is always written as text, wrapped, the row as high as its longest text needs."""
    writers = [(c, field, *_writer(kind, width, layout.formats)) for c, field, kind, width in layout.columns]
    names = measure.Heights(layout.name_width)
    cell, wrap, number = (layout.formats[k] for k in ("cell", "wrap", "number"))
    last = layout.last
    for (code, name, _), rows in _with_rows(units, counts, rows_of, sheet):
        first = [(0, code, cell), (1, name or None, wrap)]
        least = names(name) if name else MIN_HEIGHT
        for _, n, values in rows:
            r += 1
            cells, tall = first.copy(), least
            for c, key_field, write, heights in writers:
                value = values.get(key_field)
                if value is None or value == "":
                    continue
                if heights is None:
                    cells.append((c, *write(value)))
                    continue
                if value.__class__ is not str:
                    value = str(value)
                cells.append((c, value, wrap))
                if len(value) > 4:  # a short text fits any column
                    height = heights(value)
                    if height > tall:
                        tall = height
            cells.append((last, n, number))
            stream.row(r, cells, tall if tall > MIN_HEIGHT else None)
    return r


def _with_rows(units: Iterable[Unit], counts: Counts, rows_of: RowsOf, sheet: str
               ) -> Iterator[tuple[Unit, list[tuple[str, int, dict]]]]:
    """Each unit with its rows of ``sheet``, in order, read a few units at a time (about ``BATCH_ROWS`` rows)."""
    batch: list[Unit] = []
    size = 0
    for unit in units:
        batch.append(unit)
        size += counts.get((unit[2], sheet), 0)
        if size >= BATCH_ROWS:
            yield from _read(batch, counts, rows_of, sheet)
            batch, size = [], 0
    yield from _read(batch, counts, rows_of, sheet)


def _read(batch: list[Unit], counts: Counts, rows_of: RowsOf, sheet: str
          ) -> Iterator[tuple[Unit, list[tuple[str, int, dict]]]]:
    wanted = [u[2] for u in batch if counts.get((u[2], sheet))]
    got = rows_of(wanted, sheet) if wanted else {}
    for unit in batch:
        yield unit, got.get(unit[2], [])


def _writer(kind: str, width: float, formats: dict[str, Any]
            ) -> tuple[Callable[[Any], tuple[Any, Any]] | None, measure.Heights | None]:
    """``(write, None)`` for a date or number column, ``write(value) -> (cell value, format)``; ``(None, heights)``
    for a text column (``write_rows`` writes those itself: they are most of the cells)."""
    cell = formats["cell"]
    if kind == "date":
        fmt = formats["date"]

        def write_date(value: Any) -> tuple[Any, Any]:
            parsed = iso_date(value)
            if parsed is None:
                return str(value), cell
            return date_to_serial(parsed), fmt  # the Excel serial number (1900 system)
        return write_date, None
    if kind == "number":
        fmt = formats["number"]
        return (lambda v: (v if isinstance(v, (int, float)) else str(v), fmt)), None
    return None, measure.Heights(width)


def iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def split(units: list[Unit], counts: Counts, sheet: str, parts: int) -> list[tuple[list[Unit], int]]:
    """``units`` cut, in order, into at most ``parts`` runs of about as many rows of ``sheet`` each: (units,
    rows) per run. A run ends where the next unit would take it more than halfway past its share of the rows."""
    total = sum(counts.get((u[2], sheet), 0) for u in units)
    runs: list[list[Unit]] = [[]]
    sizes, done = [0], 0
    for unit in units:
        n = counts.get((unit[2], sheet), 0)
        if runs[-1] and len(runs) < parts and done + sizes[-1] + n / 2 > total * len(runs) / parts:
            done += sizes[-1]
            runs.append([])
            sizes.append(0)
        runs[-1].append(unit)
        sizes[-1] += n
    return list(zip(runs, sizes))


@dataclass
class _Part:
    units: list[Unit]
    counts: Counts
    first: int  # the row above the part's first row
    end: int  # the part's last row
    future: Future | None


@dataclass
class _Job:
    """A part for a worker (pickled on Windows): the ledger, the sheet, its units and their rows, its first row."""

    ledger: Path
    sheet: str
    units: list[Unit]
    counts: Counts
    first: int
    layout: Layout
    facts: dict[str, Any]
    folder: str | None


def _write_part(job: _Job) -> tuple[str, int, tuple]:
    """In a worker: the part's rows into a row file of its own; (its path, its last row, its dimensions)."""
    fd, path = tempfile.mkstemp(prefix="sheets-tools-rows-", suffix=".xml", dir=job.folder)
    db = reader(job.ledger)
    try:
        with open(fd, "w", encoding="utf-8") as fh:
            sheet = RowFile(fh, job.facts, job.first + 1)
            last = write_rows(RowStream(sheet), job.layout, job.units, job.counts,
                              lambda ids, key: rows_by_submission(db, ids, key), job.sheet, job.first)
        return path, last, sheet.dimensions()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    finally:
        db.close()


class Tables:
    """The master's tables, each written by ``write`` when the book comes to its sheet. A large one is
    ``plan``-ned before the book is begun, its parts go to the workers as soon as the book has its first
    streamed sheet (``start``, with the rows' settings taken from it: every streamed sheet of the master has
    the same), and ``finish`` puts them in place before the book closes."""

    def __init__(self, ledger: Path, rows_of: RowsOf, workers: int, method: str, folder: str | None = None):
        self.ledger, self.rows_of, self.workers, self.method, self.folder = ledger, rows_of, workers, method, folder
        self.least = PARALLEL_ROWS.get(method, PARALLEL_ROWS_SPAWN)
        self.pool: ProcessPoolExecutor | None = None
        self.planned: dict[Any, tuple[Layout, str, int, list[_Part]]] = {}
        self.started = False
        self.pending: list[tuple[RowStream, str, Layout, list[_Part]]] = []

    def plan(self, key: Any, layout: Layout, units: list[Unit], counts: Counts, sheet: str, r: int) -> None:
        """The table ``key`` (its rows of ``sheet`` under row ``r``) goes to the workers if it is large enough."""
        total = sum(counts.get((u[2], sheet), 0) for u in units)
        if self.workers < 2 or total < self.least:
            return
        parts = []
        for run, rows in split(units, counts, sheet, self.workers):
            mine = {(u[2], sheet): counts[(u[2], sheet)] for u in run if (u[2], sheet) in counts}
            parts.append(_Part(run, mine, r, r + rows, None))
            r += rows
        self.planned[key] = (layout, sheet, r, parts)

    def start(self, facts: dict[str, Any]) -> None:
        """The planned parts sent to the workers (once), their rows' settings ``RowFile.facts`` of a streamed
        sheet of the book."""
        if self.started:
            return
        self.started = True
        for layout, sheet, _, parts in self.planned.values():
            for part in parts:
                part.future = self._submit(_Job(self.ledger, sheet, part.units, part.counts, part.first, layout,
                                                facts, self.folder))

    def write(self, ws: Worksheet, key: Any, layout: Layout, units: list[Unit], counts: Counts, sheet: str,
              r: int) -> int:
        """The rows of the table ``key`` on ``ws`` under row ``r`` (``counts``: the rows of each submission and
        sheet); returns the last row. A planned table's rows come in at ``finish``; another is written now."""
        stream = RowStream(ws)
        planned = self.planned.pop(key, None)
        if planned is None:
            return write_rows(stream, layout, units, counts, self.rows_of, sheet, r)
        self.pending.append((stream, sheet, layout, planned[3]))
        return planned[2]

    def _submit(self, job: _Job) -> Future | None:
        try:
            if self.pool is None:
                self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(self.method))
            return self.pool.submit(_write_part, job)
        except Exception:  # no worker could start (e.g. no more processes): written in place at ``finish``
            return None

    def finish(self) -> None:
        """Every part put in its sheet, in order; a part whose worker failed written here."""
        try:
            for stream, sheet, layout, parts in self.pending:
                for part in parts:
                    self._place(stream, sheet, layout, part)
            self.pending = []
        finally:
            self.close()

    def _place(self, stream: RowStream, sheet: str, layout: Layout, part: _Part) -> None:
        made = None
        if part.future is not None:
            try:
                made = part.future.result()
            except Exception:  # the worker died or failed: the command writes the part itself
                made = None
        if made is None:
            last = write_rows(stream, layout, part.units, part.counts, self.rows_of, sheet, part.first)
        else:
            path, last, dimensions = made
            try:
                if last == part.end:
                    stream.take(Path(path), part.first + 1, part.end + 1, dimensions)
            finally:
                Path(path).unlink(missing_ok=True)
        if last != part.end:  # the ledger changed under the lock: never a master with rows out of place
            raise RuntimeError(f"{sheet}: {last - part.first} rows written, {part.end - part.first} counted")

    def close(self) -> None:
        """The workers stopped; row files not put in place removed."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        for _, _, _, parts in self.pending + list(self.planned.values()):
            for part in parts:
                if part.future is not None and part.future.done() and not part.future.cancelled() \
                        and part.future.exception() is None:
                    Path(part.future.result()[0]).unlink(missing_ok=True)
        self.pending, self.planned = [], {}
