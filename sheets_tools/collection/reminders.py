"""Which units to remind today: the calendar's windows against the status board, and only for a form that
was issued to the unit (its form written by ``issue`` in ``outbox/<unit code>/``, or its issue mail
accepted by the mail server); an optional form (column "Không bắt buộc" of sheet "Thời hạn") is never
reminded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.collection import calendar
from sheets_tools.collection.status import board, is_optional
from sheets_tools.collection.templates import unit_file_name
from sheets_tools.formkit.declaration import Form
from sheets_tools.store import outbox

OUTBOX = "outbox"  # outbox/<unit code>/: the forms issued and the drafts


@dataclass(frozen=True)
class Reminder:
    """One unit to remind about one form."""

    unit: Unit
    form: Form
    deadline: date
    state: str  # "missing" or "rejected" (status.Entry.state)
    overdue: bool


def reminders(campaign: Campaign, ledger, today: date, form_ids: list[str] | None = None) -> list[Reminder]:
    """The units to remind today: for each form within ``remind_days`` of its deadline or past it (and
    already sent out), not optional, the units with nothing accepted in use. Whether the form went to the
    unit is ``only_issued``."""
    due = {w.form.id: w for w in calendar.windows(campaign)
           if w.state(today) in ("open", "closed") and today >= w.remind_from
           and (form_ids is None or w.form.id in form_ids) and not is_optional(campaign, w.form)}
    out = []
    for fs in board(campaign, ledger, today).forms:
        w = due.get(fs.form.id)
        if w is None:
            continue
        for entry in fs.entries:
            if entry.state in ("missing", "rejected") and entry.data_submission_id is None:
                unit = campaign.unit(entry.unit)
                out.append(Reminder(unit=unit, form=fs.form, deadline=w.deadline, state=entry.state,
                                    overdue=today > w.deadline))
    return out


def issued(campaign: Campaign, ledger, unit: Unit, form: Form) -> bool:
    """Whether ``form`` went to ``unit``: its form file written by ``issue`` is in the unit's outbox folder,
    or the mail server accepted its issue mail (``store.outbox``)."""
    if (campaign.dir / OUTBOX / unit.code / unit_file_name(form, campaign, unit)).is_file():
        return True
    sent = outbox.last(ledger, f"issue:{unit.code}:{form.id}")
    return sent is not None and sent.state == outbox.ACCEPTED


def only_issued(campaign: Campaign, ledger, due: list[Reminder]) -> tuple[list[Reminder], dict[str, list[Unit]]]:
    """``due`` split: the reminders of a form issued to its unit, and per form id the units due a reminder
    that never got the form (nothing to remind them of: the form has to be issued first)."""
    kept: list[Reminder] = []
    never: dict[str, list[Unit]] = {}
    for r in due:
        if issued(campaign, ledger, r.unit, r.form):
            kept.append(r)
        else:
            never.setdefault(r.form.id, []).append(r.unit)
    return kept, never
