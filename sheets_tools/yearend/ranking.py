"""Rank units inside their blocks: the office's checked score ("điểm thẩm định") where it has
entered one, else the unit's self-score as the tool computed it; ties share a rank and are
reported; each unit gets the band of its score (settings "band.*", as % of the block's standard).

The self-scores come from the form(s) declared with role "unit_scores", through their rules'
``unit_totals(context) -> dict[unit code, criteria.Totals]`` hook."""
from __future__ import annotations

from dataclasses import dataclass

from sheets_tools.store import office
from sheets_tools.campaign.criteria import Totals
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.core.text import fold

CHECKED_SCOPE = "scoring.checked"
ROLE = "unit_scores"
SOURCE_CHECKED, SOURCE_SELF = "Thẩm định", "Tự chấm (chưa thẩm định)"


@dataclass
class Rank:
    unit: str
    name: str
    block: str
    standard: float  # the block's standard total
    self_total: float | None = None
    checked: float | None = None
    remark: str = ""
    rank: int | None = None
    tied: bool = False
    band: str = ""

    @property
    def score(self) -> float | None:
        return self.checked if self.checked is not None else self.self_total

    @property
    def source(self) -> str:
        if self.checked is not None:
            return SOURCE_CHECKED
        return SOURCE_SELF if self.self_total is not None else ""

    @property
    def percent(self) -> float | None:
        return None if self.score is None or not self.standard else round(100 * self.score / self.standard, 2)


def rankings(context: Context) -> dict[str, list[Rank]]:
    """Block name -> its units, ranked (units without any score last, unranked)."""
    def load() -> dict[str, list[Rank]]:
        campaign = context.campaign
        totals = unit_totals(context)
        checked = office.entries(context.ledger, CHECKED_SCOPE) if context.ledger is not None else {}
        out: dict[str, list[Rank]] = {}
        for unit in campaign.units:
            table = campaign.criteria_of(unit)
            if table is None:
                continue
            entry = checked.get(unit.code, {})
            own = totals.get(unit.code)
            out.setdefault(table.block, []).append(Rank(
                unit=unit.code, name=unit.name, block=table.block, standard=table.standard_total,
                self_total=own.total if own else None, checked=entry.get("checked"),
                remark=entry.get("remark") or ""))
        for ranks in out.values():
            _rank(ranks, campaign.yearend.band)
        return out
    return context.once("ranking", load)


def unit_totals(context: Context) -> dict[str, Totals]:
    """Each unit's self-score totals, from the forms with role "unit_scores" (the first that has the unit)."""
    out: dict[str, Totals] = {}
    for form in load_forms().values():
        if form.role != ROLE:
            continue
        totals = hook(form.id, "unit_totals")
        if totals is None:
            raise ValueError(f"form {form.id!r} declares role {ROLE!r} but its rules have no unit_totals(context)")
        for unit, own in totals(context).items():
            out.setdefault(unit, own)
    return out


def _rank(ranks: list[Rank], band) -> None:
    ranks.sort(key=lambda r: (r.score is None, -(r.score or 0), fold(r.name)))
    previous, place = None, 0
    for i, r in enumerate(ranks, start=1):
        if r.score is None:
            continue
        if previous is None or abs(r.score - previous.score) > 1e-9:
            place = i
        else:
            r.tied = previous.tied = True
        r.rank = place
        r.band = band(r.percent)
        previous = r


def block_leaders(context: Context, block: str) -> list[Rank]:
    """The unit(s) ranked first in ``block`` (several when tied); empty when nobody is ranked."""
    ranks = rankings(context).get(block, [])
    return [r for r in ranks if r.rank == 1]
