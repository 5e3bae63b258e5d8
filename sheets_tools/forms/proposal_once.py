"""One achievement is rewarded once (the principle of Điều 5 of the law): the rules shared by the proposal
forms that check it.

- ``awarded_before``: the award history already holds the same title or form for the person (or collective)
  in the year, recorded before the file came in (an award recorded after it may be this very line's
  decision). The ad-hoc proposals (``adhoc_proposals.py``) and the year-end proposals use it.
- ``same_award_findings``: the year-end proposals' lines of the year: the same person proposed for the same
  title or form twice in the file, or by another unit that proposed it first; and the history, but for what
  the year's own decision wrote there (a unit sending its proposals again after the decision sends the same
  lines, not a second award: they stay in the next decision).

A person is one under any spelling: the key is ``store.history.person_key`` (folded names: case, NFC or NFD,
repeated spaces, the old or new tone placement "Thuỷ"/"Thủy", and the birth date).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sheets_tools.campaign.model import Campaign, CatalogueItem
from sheets_tools.core.findings import ERROR, Code, Finding
from sheets_tools.core.records import Row
from sheets_tools.core.text import fold
from sheets_tools.forms.proposal_collectives import PRINCIPLE
from sheets_tools.store.history import DECIDED, History, PastAward, collective_key, person_key

CODES = {
    "proposal.awarded_before": Code(
        ERROR, "{what} đã được tặng \"{award}\" năm {year}{decision} (theo lịch sử khen thưởng). Một thành tích chỉ "
        "được khen thưởng một lần: hãy bỏ đề nghị này; nếu lịch sử khen thưởng ghi chưa đúng, hãy gửi số, ngày quyết "
        "định để Văn phòng sửa. (Căn cứ: {basis}.)"),
    "proposal.same_award": Code(
        ERROR, "{what} đã được đề nghị \"{award}\" {where}. Một thành tích chỉ được khen thưởng một lần: {action}. "
        "(Căn cứ: {basis}.)"),
}


def awarded_before(history: History, key: str, item: CatalogueItem, year: int, known_at: datetime | None = None,
                   since: date | None = None, decided: bool = True) -> PastAward | None:
    """The history's award of ``item`` to ``key`` in ``year``: decided on or after ``since`` (when given) and
    recorded before ``known_at`` (when the file was collected; None: now). ``decided`` False leaves out what
    this campaign's own decision wrote: for the year's proposals that is the decision on these very lines."""
    for past in history.of_person(key):
        if known_at is not None and past.added_at is not None and past.added_at >= known_at.replace(microsecond=0):
            continue
        if not decided and past.origin == DECIDED:
            continue
        if past.award_code == item.code and past.year == year and (
                since is None or past.decision_date is None or past.decision_date >= since):
            return past
    return None


def subject_key(sheet: str, values: dict, unit_name: str) -> str:
    """Who a proposal row is for, as the award history keys it (a collective belongs to its unit)."""
    if sheet == "collectives":
        return collective_key(values.get("collective_name") or "", unit_name)
    return person_key(values.get("family_name") or "", values.get("given_name") or "", values.get("birth_date"))


def items_of(campaign: Campaign, values: dict) -> list[CatalogueItem]:
    """The title and the form of commendation a row proposes (either may be missing)."""
    return [i for i in (campaign.catalogue_item(values.get(f) or "") for f in ("title", "award_form")) if i]


@dataclass
class Year:
    """What a unit's rows are compared with: the other units' rows (those that came first) and when its
    file came in (None: it is coming in now)."""

    others: dict[str, list[Row]] = field(default_factory=dict)
    known_at: datetime | None = None


def same_award_findings(unit: str, row: Row, siblings: list[Row], year: Year, campaign: Campaign,
                        history: History | None, hit) -> list[Finding]:
    """A second award of the same title or form to the row's person or collective in the campaign's year."""
    v = row.values
    own = campaign.unit(unit)
    unit_name = own.name if own else unit
    key = subject_key(row.sheet, v, unit_name)
    out: list[Finding] = []
    for item in items_of(campaign, v):
        award = dict(award=item.name, basis=PRINCIPLE, field=_field(item))
        past = None if history is None else awarded_before(history, key, item, campaign.info.year, year.known_at,
                                                           decided=False)
        if past is not None:
            decision = f", quyết định số {past.decision_number}" if past.decision_number else ""
            out.append(_hit(hit, "proposal.awarded_before", award, year=past.year, decision=decision))
            continue
        earlier = next((s for s in siblings if s.row < row.row and s.sheet == row.sheet and not _same_row(s, row)
                        and subject_key(s.sheet, s.values, unit_name) == key
                        and item.code in {i.code for i in items_of(campaign, s.values)}), None)
        if earlier is not None:
            out.append(_hit(hit, "proposal.same_award", award, where=f"ở dòng {earlier.row} của tệp này",
                            action="hãy bỏ một trong hai dòng"))
            continue
        for code, rows in year.others.items():
            other = campaign.unit(code)
            name = other.name if other else code
            if any(r.sheet == row.sheet and subject_key(r.sheet, r.values, name) == key
                   and item.code in {i.code for i in items_of(campaign, r.values)} for r in rows):
                out.append(_hit(hit, "proposal.same_award", award, where=f"trong đề nghị của {name}",
                                action=f"hãy thống nhất với {name} để chỉ một đơn vị đề nghị"))
                break
    return out


def _hit(hit, code: str, award: dict, **ctx) -> Finding:
    award = dict(award)
    return hit(code, award.pop("field"), **award, **ctx)


def _field(item: CatalogueItem) -> str:
    return "title" if item.kind == "title" else "award_form"


def _same_row(a: Row, b: Row) -> bool:
    """Two rows with the same title and the same form: the declaration's duplicate check (``unique``, which
    needs both filled) reports them already."""
    return all(fold(a.values.get(f) or "") == fold(b.values.get(f) or "") != "" for f in ("title", "award_form"))
