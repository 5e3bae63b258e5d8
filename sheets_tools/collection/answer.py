"""The unit's feedback workbook, made where its file was checked (a worker process) or by the command.

The feedback writer (``feedback``) is loaded when a file first needs it: it brings openpyxl, a tenth of a
second to import, which a collect of files without findings never needs. A worker makes the workbook's bytes
with the file's check (``made``), in parallel with the other files, and sends them back with the ``key`` of
what they show; the command writes them at the feedback's place (``write_made``) only when the result it
records still shows the same (the mail's sender may add a finding there), else makes the workbook itself
(``write``), as it does for every file it checks itself.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.results import feedback_path
from sheets_tools.core.files import atomic_write_bytes
from sheets_tools.core.records import FileResult
from sheets_tools.formkit.plugins import Context

FEEDBACK_WRITER = "sheets_tools.collection.feedback"


def key(result: FileResult) -> str:
    """What a feedback workbook shows of ``result`` besides its rows and placements (which only the check
    makes): the file, its unit and form, and every finding."""
    inc = result.incoming
    return repr((inc.name, inc.source, inc.received_at.isoformat(), result.unit_code, result.form_id,
                 [f.to_json() for f in result.findings]))


def made(campaign: Campaign, result: FileResult, context: Context | None = None) -> bytes:
    """The bytes of ``result``'s feedback workbook."""
    return importlib.import_module(FEEDBACK_WRITER).feedback_of(campaign, result, context)


def write(campaign: Campaign, result: FileResult, context: Context | None = None) -> Path:
    """``result``'s feedback workbook made and written at its place; returns the path."""
    return importlib.import_module(FEEDBACK_WRITER).write_feedback(campaign, result, context)


def write_made(campaign: Campaign, result: FileResult) -> Path | None:
    """The workbook a worker made for ``result`` (``result.answer``) written at its place, when it shows what
    ``result`` holds now; None when there is none or it does not (then ``write``)."""
    if result.answer is None or result.answer[0] != key(result):
        return None
    return atomic_write_bytes(feedback_path(campaign, result.incoming.name, result.unit_code), result.answer[1])
