"""Feedback is never lost: a file recorded in the ledger whose feedback workbook is missing (the run was
killed, or the write failed, between recording the file and answering it) gets it at the next collect.

The feedback's place is known from the ledger alone (``results.feedback_path``); its content comes back
from the ledger (the findings recorded, and those shared with other units now) and the archived copy of
the file (the unit's rows where it left them, the refused ones too).
"""
from __future__ import annotations

from pathlib import Path

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection import answer
from sheets_tools.collection.results import feedback_path
from sheets_tools.collection.validate import check_file, cross_unit_findings
from sheets_tools.core.findings import Finding
from sheets_tools.core.records import FileResult, Incoming
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.formkit.plugins import Context
from sheets_tools.store.ledger import Ledger, Submission


def restore_feedback(campaign: Campaign, ledger: Ledger, context: Context,
                     answered_paths: list[Path] | None = None) -> list[Path]:
    """Write the missing feedback of every current submission recorded with findings; return the paths
    written (``answered_paths`` gets every feedback path that now exists). Several current files answered at
    one place (same unit, same file name): the one collected last, as the run that recorded them left it."""
    shared = _shared_findings(campaign, ledger)
    answered: dict[Path, Submission] = {}
    for sub in sorted(ledger.submissions(current_only=True), key=lambda s: s.id):
        # recorded with findings, or told of a person another unit registered too: it was answered
        if sub.status != "accepted" or shared.get(sub.id):
            answered[feedback_path(campaign, sub.name, sub.unit)] = sub
    if answered_paths is not None:
        answered_paths.extend(answered)
    missing = {path: sub for path, sub in answered.items() if not path.exists()}
    if not missing:
        return []
    written = []
    for sub in missing.values():
        result = _recorded(campaign, ledger, sub, context)
        result.findings.extend(shared.get(sub.id, []))
        written.append(answer.write(campaign, result, context))
    return written


def _shared_findings(campaign: Campaign, ledger: Ledger) -> dict[int, list[Finding]]:
    """Submission id -> the warnings on people another unit registered too (not kept in the ledger:
    they change with the other units' files), for each unit's submission in use."""
    out: dict[int, list[Finding]] = {}
    for form in load_forms().values():
        if not any(s.unique_across_units for s in form.sheets):
            continue
        in_use = ledger.data_submission(form.id)
        for unit, found in cross_unit_findings(form, ledger.shared_rows(form), campaign).items():
            if unit in in_use:
                out[in_use[unit].id] = found
    return out


def _recorded(campaign: Campaign, ledger: Ledger, sub: Submission, context: Context) -> FileResult:
    """A submission as its collect saw it: the archived file read again for its rows, with the findings
    the ledger recorded (not those of a second reading)."""
    try:
        data = (ledger.dir / sub.archive).read_bytes()
    except OSError:
        data = b""
    incoming = Incoming(name=sub.name, data=data, source=sub.source, received_at=sub.received_at)
    forms = load_forms()
    if data and sub.form in forms:
        result = check_file(incoming, campaign, context)
    else:
        result = FileResult(incoming)
        if sub.form in forms:
            result.rows = ledger.typed_rows(forms[sub.form], sub.id)
    result.form_id, result.unit_code, result.identified_by = sub.form, sub.unit, sub.identified_by
    result.findings = ledger.findings(sub.id)
    result.documents, incoming.documents, incoming.data = [], [], b""
    return result
