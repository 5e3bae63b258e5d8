"""Ties broken by the Law's principle (Điều 5, Luật Thi đua, khen thưởng 06/2022/QH15): among those of equal
standing, a woman comes first, and so does a collective whose members are at least 70% women.

The only record of sex the tool keeps is January's registration ("Đăng ký thi đua", each registered
person's "Giới tính"). Here, and only here, it is read:

- a person is a woman when the unit registered her as "Nữ" (matched by ``core.text.person_key`` of the
  full name, so any spelling of the name matches; by the birth date too when it is known);
- a unit, and a collective of a unit, counts as "at least 70% women" when at least 70% of the individuals
  the unit registered are "Nữ" (the registration lists people by unit, not by collective).

The block ranking (``ranking``) and the order of the council's candidates and results use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, TypeVar

from sheets_tools.campaign.model import LAW
from sheets_tools.core.text import fold, person_key
from sheets_tools.formkit.plugins import Context

REGISTRATION_FORM = "registration"  # January's registration: its "individuals" sheet has "sex"
WOMEN_PERCENT = 70
FEMALE = fold("Nữ")
RULE_WOMEN = "nữ từ 70% trở lên"  # the words of a tie the principle decided
RULE_STILL = "vẫn đồng hạng"  # the words of a tie it could not decide
BASIS = f"Điều 5 {LAW}"
PRINCIPLE = f"nguyên tắc ưu tiên cá nhân nữ, tập thể có từ {WOMEN_PERCENT}% nữ trở lên ({BASIS})"

T = TypeVar("T")


@dataclass
class _Unit:
    """What one unit registered in January: each person's sexes by name key, and the counts."""

    people: dict[str, list[tuple[date | None, str]]] = field(default_factory=dict)  # name key -> (birth, sex)
    collectives: set[str] = field(default_factory=set)  # folded names
    women: int = 0
    total: int = 0


def _registry(context: Context) -> dict[str, _Unit]:
    """Unit code -> what its January registration says (read once per context)."""
    def load() -> dict[str, _Unit]:
        out: dict[str, _Unit] = {}
        for unit, rows in context.rows_in_use(REGISTRATION_FORM).items():
            mine = out.setdefault(unit, _Unit())
            for row in rows:
                v = row.values
                if row.sheet == "collectives":
                    mine.collectives.add(fold(v.get("collective_name") or ""))
                elif row.sheet == "individuals":
                    sex = fold(v.get("sex") or "")
                    name = person_key(f"{v.get('family_name') or ''} {v.get('given_name') or ''}")
                    mine.people.setdefault(name, []).append((v.get("birth_date"), sex))
                    mine.total += 1
                    mine.women += sex == FEMALE
        return out
    return context.once("ties.registry", load)


def woman(context: Context, unit: str, name: str, birth_date: date | None = None) -> bool | None:
    """Whether ``unit`` registered the person ``name`` as a woman; None when it did not register them
    (or registered two people of that name and sex differing, and no birth date tells them apart)."""
    people = _registry(context).get(unit, _Unit()).people.get(person_key(name), [])
    if birth_date is not None and any(b == birth_date for b, _ in people):
        people = [(b, s) for b, s in people if b == birth_date]
    sexes = {s for _, s in people}
    return None if len(sexes) != 1 else sexes.pop() == FEMALE


def women_percent(context: Context, unit: str) -> float | None:
    """The share (%) of women among the individuals ``unit`` registered in January; None without any."""
    own = _registry(context).get(unit)
    return None if own is None or not own.total else 100 * own.women / own.total


def women_unit(context: Context, unit: str) -> bool:
    """``unit``'s January registration lists at least 70% women."""
    share = women_percent(context, unit)
    return share is not None and share >= WOMEN_PERCENT - 1e-9


def favoured(context: Context, candidate: Any) -> bool:
    """The principle puts ``candidate`` first among its equals: a registered woman, or a collective of a
    unit at least 70% women. ``candidate`` has ``name`` and ``unit_name`` (the unit's name or code), and
    ``subject`` ("individual"/"collective") or not: then a name the unit registered as a person is one."""
    unit = _unit_code(context, getattr(candidate, "unit_name", ""))
    subject = getattr(candidate, "subject", None)
    if subject is None:
        own = _registry(context).get(unit, _Unit())
        subject = "individual" if person_key(candidate.name) in own.people else "collective"
    if subject == "individual":
        return bool(woman(context, unit, candidate.name, getattr(candidate, "birth_date", None)))
    return women_unit(context, unit)


def _unit_code(context: Context, name_or_code: str) -> str:
    unit = context.campaign.unit(name_or_code) or context.campaign.unit_by_name(name_or_code)
    return unit.code if unit is not None else name_or_code


def equal_groups(candidates: list[T], standing: Callable[[T], Any] | None = None) -> list[list[T]]:
    """The groups (two or more, in the given order) of candidates of the same award (``award_code``) and
    equal ``standing`` (every candidate of an award stands equal without it)."""
    groups: dict[tuple, list[T]] = {}
    for c in candidates:
        groups.setdefault((c.award_code, standing(c) if standing else None), []).append(c)
    return [g for g in groups.values() if len(g) > 1]


def order_candidates(context: Context, candidates: list[T], standing: Callable[[T], Any] | None = None
                     ) -> list[T]:
    """``candidates`` in their given order, except that inside each group of the same award and equal
    ``standing`` those the principle favours (``favoured``) take the group's first places, each part
    keeping its order. Works on the council's candidates and on its vote results alike."""
    out = list(candidates)
    where = {id(c): i for i, c in enumerate(out)}
    for group in equal_groups(out, standing):
        places = [where[id(c)] for c in group]
        ordered = sorted(group, key=lambda c: not favoured(context, c))  # stable: each part keeps its order
        for i, c in zip(places, ordered):
            out[i] = c
    return out


def tie_notes(context: Context, candidates: list[T], standing: Callable[[T], Any], what: str
              ) -> dict[int, str]:
    """For each candidate in a tie (``id(candidate)`` -> words): who it is tied with on ``what`` and
    whether the principle decided ("xếp trước"/"xếp sau") or the tie stays ("vẫn đồng hạng")."""
    out: dict[int, str] = {}
    for group in equal_groups(candidates, standing):
        first = {id(c) for c in group if favoured(context, c)}
        for c in group:
            others = named_few([o.name for o in group if o is not c])
            if not first or len(first) == len(group):
                verdict = f"{RULE_STILL} (không phân định được theo {PRINCIPLE})"
            else:
                verdict = f"{'xếp trước' if id(c) in first else 'xếp sau'} theo {PRINCIPLE}"
            out[id(c)] = f"Bằng {what} với {others}: {verdict}."
    return out


NAMED_IN_TIE = 3  # a tie of many is told by a few names and how many more, so a note stays a line or two


def named_few(names: list[str]) -> str:
    if len(names) <= NAMED_IN_TIE + 1:
        return ", ".join(names)
    return f"{', '.join(names[:NAMED_IN_TIE])} và {len(names) - NAMED_IN_TIE} trường hợp khác"
