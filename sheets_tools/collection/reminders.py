"""Which units to remind today: the calendar's windows against the status board."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.collection import calendar
from sheets_tools.collection.status import board
from sheets_tools.formkit.declaration import Form


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
    already sent out), the units with nothing accepted in use."""
    due = {w.form.id: w for w in calendar.windows(campaign)
           if w.state(today) in ("open", "closed") and today >= w.remind_from
           and (form_ids is None or w.form.id in form_ids)}
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
