"""Rank units inside their blocks: the office's checked score ("điểm thẩm định") where it has
entered one, else the unit's self-score as the tool computed it; each unit gets the band of its score
(settings "band.*", as % of the block's standard).

Units of equal score are separated by the Law's principle (Điều 5, ``ties``): a unit whose January
registration lists at least 70% women comes first; units still equal share a rank ("tied"). Each unit of
an equal score says which rule placed it (``tie_rule``); ``tie_groups`` gives the ties of a block.

The self-scores come from the form(s) declared with role "unit_scores", through their rules'
``unit_totals(context) -> dict[unit code, criteria.Totals]`` hook."""
from __future__ import annotations

from dataclasses import dataclass

from sheets_tools.store import office
from sheets_tools.campaign.criteria import Totals
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.core.text import fold
from sheets_tools.yearend.ties import RULE_STILL, RULE_WOMEN, women_unit

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
    tied: bool = False  # shares its rank with another unit of the block
    band: str = ""
    tie_rule: str = ""  # of equal score with another unit: RULE_WOMEN (placed by it) or RULE_STILL (tied)

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
        women = {u.code for u in campaign.units if women_unit(context, u.code)}
        for ranks in out.values():
            _rank(ranks, campaign.yearend.band, women)
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


def _rank(ranks: list[Rank], band, women: set[str]) -> None:
    """Sort and rank one block: by score, then units at least 70% women first (``women``), then by name."""
    ranks.sort(key=lambda r: (r.score is None, -(r.score or 0), r.unit not in women, fold(r.name)))
    place = 0
    for group in tie_groups(ranks, all_scored=True):
        split = 0 < sum(r.unit in women for r in group) < len(group)
        for i, r in enumerate(group):
            if i == 0 or (split and r.unit not in women and group[i - 1].unit in women):
                place = ranks.index(r) + 1
            r.rank, r.band = place, band(r.percent)
        for r in group:
            r.tied = sum(o.rank == r.rank for o in group) > 1
            r.tie_rule = "" if len(group) == 1 else RULE_STILL if r.tied else RULE_WOMEN


def tie_groups(ranks: list[Rank], *, all_scored: bool = False) -> list[list[Rank]]:
    """A block's ranked units grouped by equal score, in order: the ties (groups of two or more), or with
    ``all_scored`` every scored unit's group, a unit alone in its own."""
    groups: list[list[Rank]] = []
    for r in ranks:
        if r.score is None:
            continue
        if groups and abs(groups[-1][0].score - r.score) <= 1e-9:
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups if all_scored else [g for g in groups if len(g) > 1]


def block_leaders(context: Context, block: str) -> list[Rank]:
    """The unit(s) ranked first in ``block`` (several when tied); empty when nobody is ranked."""
    ranks = rankings(context).get(block, [])
    return [r for r in ranks if r.rank == 1]
