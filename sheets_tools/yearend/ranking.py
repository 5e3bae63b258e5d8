"""Rank units inside their blocks: the office's checked score ("điểm thẩm định") where it has
entered one, else the unit's self-score as the tool computed it; ties share a rank and are
reported; each unit gets the band of its score (settings "band.*", as % of the block's standard)."""
from __future__ import annotations

from dataclasses import dataclass

from sheets_tools.master import office
from sheets_tools.formkit.plugins import Context
from sheets_tools.core.text import fold

CHECKED_SCOPE = "scoring.checked"
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
        from sheets_tools.forms.scoring import unit_totals
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
