"""Reading and validating received files in worker processes, for ``collect`` (the setting
``collect_workers`` of campaign.xlsx "Cài đặt"; 1 = everything in the command's own process).

Only ``check_file`` runs in a worker, and, for a file with findings, the making of its feedback workbook
(``answer.made``: the parent writes it, or makes it again when its findings changed since); the parent keeps
the ledger and takes the results in the order the files were gathered, so that submission ids, replacements
and cross-unit findings are those of the serial path. A worker has no ledger: a form's rules that ask for it
(e.g. another unit's proposals, the unit's January registration) stop the worker's check (``Deferred``) and
the parent checks that file again at its place in the run, with the ledger as the serial path would see it. A worker that dies is one file's
``Died``; the files that were in the pool with it are checked again one by one in a new pool, so a file that
kills its worker is found and the others are not blamed.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection import answer
from sheets_tools.collection.validate import check_file
from sheets_tools.core.records import FileResult, Incoming
from sheets_tools.formkit.plugins import Context
from sheets_tools.store.rowdata import rows_to_store

SETTING = "collect_workers"
# files in flight per worker: enough that a worker has its next file while the command, which takes the
# results in order, records the one it waited for (with 2, the workers often waited for the command); and
# the bytes of the files in flight, beyond which no other is sent (a large file goes with fewer beside it)
WINDOW = 6
WINDOW_BYTES = 32 * 2**20
# the first files of a run are checked in the parent, so that a run of a few files never starts the workers:
# they would cost more than they save (fork: a few milliseconds; spawn, as on Windows: each worker imports
# the package again, about a second)
SERIAL_FIRST = {"fork": 8}
SERIAL_FIRST_SPAWN = 16
DEFER_AFTER = 8  # after this many files, a run whose files mostly need the ledger goes on in the parent
PARENT_POLL_S = 0.5  # how often a worker looks whether the command that started it still runs


def workers_for(campaign: Campaign) -> int:
    """How many worker processes ``collect`` uses (setting ``collect_workers``; 1: none, every file is
    checked in the command's own process); by default min(2, CPUs). A value that is not a whole number
    counts as unset."""
    raw = str(campaign.settings.get(SETTING) or "").strip().replace(",", ".")
    try:
        return max(1, int(float(raw)))
    except (ValueError, OverflowError):
        return max(1, min(2, os.cpu_count() or 1))


def start_method() -> str:
    """fork on Linux (no re-import of the package), else spawn (Windows has no fork; on macOS it is unsafe)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def serial_first(method: str) -> int:
    return SERIAL_FIRST.get(method, SERIAL_FIRST_SPAWN)


class LedgerNeeded(BaseException):
    """A form's rules asked a worker for the ledger, which only the parent has. A BaseException, so that no
    ``except Exception`` on the way (a per-file boundary) can turn it into a finding of the worker's own."""


class _NoLedger:
    """The ledger as a worker sees it: any use stops the check (``LedgerNeeded``)."""

    def __getattr__(self, name: str) -> Any:
        raise LedgerNeeded(name)

    def __bool__(self) -> bool:
        raise LedgerNeeded("bool")


@dataclass
class Deferred:
    """The file's check needs the ledger: the parent checks it at its place in the run."""


@dataclass
class Died:
    """The worker checking the file died (killed, crashed, out of memory). ``detail``: what happened, for
    the office (Vietnamese)."""

    detail: str


KILLED = "tiến trình bị tắt hoặc gặp lỗi nghiêm trọng"
OUT_OF_MEMORY = "hết bộ nhớ"


Outcome = FileResult | Deferred | Died

_worker: dict[str, Any] = {}


def _start(campaign: Campaign, parent: int, answers: bool = False) -> None:
    """A worker's initializer: the campaign once, one context for all its files, and whether it makes the
    feedback of a file with findings (``answers``). A forked worker holds both ends of its task pipe, so it
    would wait for ever if the command were killed: it watches its parent and ends with it."""
    _worker["campaign"], _worker["context"] = campaign, Context(campaign, _NoLedger())
    _worker["answers"] = answers
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def _check(incoming: Incoming) -> Outcome:
    """``check_file`` in a worker. The result goes back without the file's bytes (the parent has them)."""
    campaign = _worker["campaign"]
    try:
        result = check_file(incoming, campaign, _worker["context"])
    except LedgerNeeded:
        return Deferred()
    except MemoryError:
        return Died(OUT_OF_MEMORY)
    # the parent records every file: the rows go back as the ledger stores them (text, quick to send and take);
    # as objects too only where the unit hears of findings (if they change in the parent, it makes the feedback
    # again, with the refused rows too, which the ledger does not keep)
    result.stored = rows_to_store(result)
    if not result.findings:
        result.rows = []
    elif _worker.get("answers"):
        result.answer = _answer(campaign, result)
    result.incoming = None  # type: ignore[assignment]  # the parent puts its own Incoming back
    return result


def _answer(campaign: Campaign, result: FileResult) -> tuple[str, bytes] | None:
    """The file's feedback workbook and the key of what it shows; None where the parent makes it (its rules
    ask for the ledger, or making it failed: the parent meets the same and says so as it always has)."""
    try:
        return answer.key(result), answer.made(campaign, result, _worker["context"])
    except LedgerNeeded:
        return None
    except Exception:  # the parent makes it again, as on the serial path, and meets what failed here
        return None


class Pool:
    """A process pool that is started again when one of its workers dies."""

    def __init__(self, campaign: Campaign, workers: int, method: str, answers: bool = False):
        self.campaign, self.workers, self.method, self.answers = campaign, workers, method, answers
        self.executor: ProcessPoolExecutor | None = None

    def submit(self, incoming: Incoming) -> Future:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(self.method),
                                                initializer=_start,
                                                initargs=(self.campaign, os.getpid(), self.answers))
        try:
            return self.executor.submit(_check, incoming)
        except BrokenProcessPool as exc:  # a worker died since: the file goes again when its turn comes
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    def restart(self) -> None:
        self.close()

    def alone(self, incoming: Incoming) -> Outcome:
        """One file in the pool by itself: a death is its own."""
        try:
            return self.submit(incoming).result()
        except BrokenProcessPool:
            self.restart()
            return Died(KILLED)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def in_workers(items: Iterable, campaign: Campaign, known: Callable[[str], bool], *, feedback: bool = False
               ) -> Iterator[tuple[Any, Outcome | None]]:
    """``collect``'s files (Incoming, or FileResult for a file refused before reading) in order, each with
    what a worker made of it, or None where the caller checks it itself: with ``collect_workers`` = 1 every
    file; otherwise a file refused before reading, one whose content the ledger already has (``known``:
    a duplicate), and the same bytes a second time in the run (a duplicate of the first once that one is
    recorded; checked by the caller if it is not). ``feedback``: a worker makes the feedback workbook of a
    file with findings (``FileResult.answer``)."""
    workers = workers_for(campaign)
    if workers < 2:
        return ((item, None) for item in items)
    sent: set[str] = set()

    def send(item: Any) -> Incoming | None:
        if not isinstance(item, Incoming) or item.sha256 in sent or known(item.sha256):
            return None
        sent.add(item.sha256)
        return item

    return checked(items, send, campaign, workers, answers=feedback)


_AGAIN = object()  # a file that was in the pool when a worker died: checked again by itself


def checked(items: Iterable, send: Callable[[Any], Incoming | None], campaign: Campaign, workers: int,
            method: str | None = None, first_here: int | None = None, answers: bool = False
            ) -> Iterator[tuple[Any, Outcome | None]]:
    """Each item of ``items`` in order, with what a worker made of it; None for an item the parent checks:
    the first few of the run (``first_here``, by default ``serial_first``), those ``send`` keeps back (it
    returns the Incoming to check, or None) and every item after the run went back to the parent (when most
    files needed the ledger, ``DEFER_AFTER``).

    ``answers``: the workers make the feedback workbook of a file with findings. At most ``WINDOW * workers``
    files are in flight, and no other is sent while they hold ``WINDOW_BYTES``. ``send`` is asked when an item
    enters the window, before the items ahead of it are taken by the caller."""
    method = method or start_method()
    source = iter(items)
    for item in islice(source, serial_first(method) if first_here is None else first_here):
        yield item, None
    pool = Pool(campaign, workers, method, answers)
    window: deque[list] = deque()  # [item, incoming or None, future / _AGAIN / None]
    taken, deferred, parent_only, held = 0, 0, False, 0  # held: the bytes of the files sent and not taken
    try:
        while True:
            while (not parent_only and len(window) < WINDOW * workers and held < WINDOW_BYTES
                   and not any(e[2] is _AGAIN for e in window)):
                item = next(source, window)  # the window itself marks the end (never an item)
                if item is window:
                    break
                incoming = send(item)
                held += len(incoming.data) if incoming is not None else 0
                window.append([item, incoming, pool.submit(incoming) if incoming is not None else None])
            if not window:
                if not parent_only:
                    return
                for item in source:
                    yield item, None
                return
            item, incoming, future = window.popleft()
            held -= len(incoming.data) if incoming is not None else 0
            outcome = None if future is None else _outcome(pool, incoming, future, window)
            taken += 1
            deferred += isinstance(outcome, Deferred)
            if taken >= DEFER_AFTER and deferred * 2 > taken:  # the worker's read is mostly done twice
                parent_only = True
            yield item, outcome
    finally:
        pool.close()


def _outcome(pool: Pool, incoming: Incoming, future: Any, window: deque) -> Outcome:
    if future is _AGAIN:
        return pool.alone(incoming)
    try:
        return future.result()
    except BrokenProcessPool:  # every file still in the pool lost its worker too: each goes again, alone
        for entry in window:
            if isinstance(entry[2], Future) and (entry[2].cancelled()
                                                 or isinstance(entry[2].exception(), BrokenProcessPool)):
                entry[2] = _AGAIN
        pool.restart()
        return pool.alone(incoming)
