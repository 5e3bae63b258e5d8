"""The campaign's calendar (sheet "Thời hạn" of campaign.xlsx) put to work: which forms go out today,
how far each form is from its deadline, and which units to remind.

Every form names a calendar line by its ``deadline`` key; a line has the deadline, the day the forms
go out (``opens``) and how many days before the deadline units are reminded (``remind_days``, else
the setting ``remind_days``, else 7). Reminders go to units that have not sent the form, or whose
last file was sent back and that have no accepted data in use.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sheets_tools.campaign.model import Campaign
from sheets_tools.formkit.declaration import Form, load_forms

DEFAULT_REMIND_DAYS = 7
REGULAR = "Thường xuyên"
REGULAR_TEXT = "thường xuyên, không có hạn nộp (gửi bất kỳ ngày nào trong năm; không nhắc nộp)"


@dataclass(frozen=True)
class Window:
    """When one form goes out and is due."""

    form: Form
    opens: date | None
    deadline: date | None
    remind_days: int

    @property
    def remind_from(self) -> date | None:
        return self.deadline - timedelta(days=self.remind_days) if self.deadline else None

    def state(self, today: date) -> str:
        """"regular" (a form sent any day), "no_deadline", "not_open" (before ``opens``), "open" (to the
        deadline) or "closed" (after it)."""
        if self.form.regular:
            return "regular"
        if self.deadline is None:
            return "no_deadline"
        if self.opens is not None and today < self.opens:
            return "not_open"
        return "open" if today <= self.deadline else "closed"

    def when_text(self, today: date) -> str:
        """Vietnamese: how today stands against this window, e.g. "còn 5 ngày", "quá hạn 3 ngày"."""
        state = self.state(today)
        if state == "regular":
            return REGULAR_TEXT
        if state == "no_deadline":
            return "chưa có hạn nộp (trang \"Thời hạn\" của campaign.xlsx)"
        if state == "not_open":
            return f"chưa đến kỳ gửi (gửi từ {self.opens:%d/%m/%Y})"
        days = (self.deadline - today).days
        if days > 0:
            return f"còn {days} ngày"
        return "hạn nộp hôm nay" if days == 0 else f"đã quá hạn {-days} ngày"


def window(campaign: Campaign, form: Form) -> Window:
    entry = campaign.calendar(form.deadline) if form.deadline else None
    days = entry.remind_days if entry and entry.remind_days is not None else _setting_days(campaign)
    return Window(form=form, opens=entry.opens if entry else None, deadline=entry.date if entry else None,
                  remind_days=days)


def windows(campaign: Campaign) -> list[Window]:
    """Every declared form's window, in the order of the year's cycle."""
    return [window(campaign, form) for form in load_forms().values()]


def due_forms(campaign: Campaign, today: date) -> tuple[list[Form], list[str]]:
    """The forms to send out today (their window is open) and a Vietnamese note for each form left out."""
    chosen, notes = [], []
    for w in windows(campaign):
        state = w.state(today)
        if state == "open":
            chosen.append(w.form)
        elif state == "not_open":
            notes.append(f"\"{w.form.name}\": chưa gửi, theo lịch gửi từ ngày {w.opens:%d/%m/%Y}.")
        elif state == "regular":
            notes.append(f"\"{w.form.name}\": biểu mẫu {REGULAR.lower()}, không có hạn nộp; gửi bằng --form {w.form.id} "
                         "khi cần.")
        elif state == "closed":
            notes.append(f"\"{w.form.name}\": không gửi, đã quá hạn nộp {w.deadline:%d/%m/%Y} "
                         f"(gửi lại bằng --form {w.form.id}).")
        else:
            notes.append(f"\"{w.form.name}\": chưa có hạn nộp trong campaign.xlsx (trang \"Thời hạn\", "
                         f"mã \"{w.form.deadline}\"); không gửi.")
    return chosen, notes


def _setting_days(campaign: Campaign) -> int:
    raw = campaign.settings.get("remind_days", "").strip()
    try:
        return max(0, int(float(raw.replace(",", ".")))) if raw else DEFAULT_REMIND_DAYS
    except ValueError:
        return DEFAULT_REMIND_DAYS
