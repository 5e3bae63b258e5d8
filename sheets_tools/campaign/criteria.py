"""Scoring criteria (domain.md §4): one table per block of units, kept in campaign.xlsx.

A criterion's code is its path: "A" (part), "A.I" (section), "A.I.1" (criterion),
"A.I.1.1" (sub-criterion); its parent is the code without the last segment. Scored
criteria add up to their parent; bonus and penalty items have caps (their standard
points) and their group total is capped too. The tool computes every total itself.
"""
from __future__ import annotations

import math

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.text import fold

Kind = Literal["score", "bonus", "penalty"]
KIND_WORDS = {"Chấm điểm": "score", "Điểm thưởng": "bonus", "Điểm trừ": "penalty"}
TOTAL_CODE = "TỔNG"  # the total row of a scoring form
EPS = 1e-6


class Criterion(BaseModel):
    model_config = ConfigDict(frozen=True)
    block: str = Field(min_length=1)
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$")
    name: str = Field(min_length=1, max_length=500)
    standard: float = Field(ge=0)
    kind: Kind = "score"
    values: tuple[float, ...] = ()  # banded: the only allowed scores
    scale: str = ""  # how points are given, shown to the unit
    evidence: bool = False  # evidence required for any points

    @field_validator("values", mode="before")
    @classmethod
    def _values(cls, v):
        if v is None or v == "":
            return ()
        if isinstance(v, (int, float)):
            return (float(v),)
        if isinstance(v, (tuple, list)):
            return tuple(v)
        parts = [p.strip() for p in str(v).replace(";", "|").split("|")]
        try:
            return tuple(float(p.replace(",", ".")) for p in parts if p)
        except ValueError:
            raise ValueError("mức điểm phải là các số cách nhau bởi dấu chấm phẩy, ví dụ 2; 1,75; 1,5; 0") from None

    @field_validator("evidence", mode="before")
    @classmethod
    def _yes(cls, v):
        if isinstance(v, str):
            return fold(v) in ("có", "x", "co", "yes")
        return bool(v)

    @property
    def parent(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def label(self) -> str:
        """What the form shows in its number column: "A", "I", "1", "1.1"."""
        parts = self.code.split(".")
        return ".".join(parts[3:]) if len(parts) > 4 else (".".join(parts[2:]) if len(parts) == 4 else parts[-1])


@dataclass
class Table:
    """The criteria of one block, in their order, with the tree."""

    block: str
    items: list[Criterion]
    children: dict[str | None, list[Criterion]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {c.code: c for c in self.items}
        for c in self.items:
            self.children.setdefault(c.parent, []).append(c)

    def is_leaf(self, code: str) -> bool:
        return not self.children.get(code)

    @property
    def leaves(self) -> list[Criterion]:
        return [c for c in self.items if self.is_leaf(c.code)]

    @property
    def standard_total(self) -> float:
        return sum(c.standard for c in self.children.get(None, []) if c.kind == "score")

    def totals(self, scores: dict[str, float]) -> "Totals":
        """Every node's points from the leaves' ``scores`` (missing = 0); group caps applied."""
        points: dict[str, float] = {}
        capped: dict[str, float] = {}

        def walk(c: Criterion) -> float:
            kids = self.children.get(c.code)
            if not kids:
                value = min(max(scores.get(c.code) or 0.0, 0.0), c.standard) if c.kind != "score" \
                    else (scores.get(c.code) or 0.0)
            else:
                value = sum(walk(k) for k in kids)
                if c.kind != "score" and value > c.standard + EPS:
                    capped[c.code] = value
                    value = c.standard
            points[c.code] = value
            return value

        for top in self.children.get(None, []):
            walk(top)
        tops = self.children.get(None, [])
        base = sum(points[t.code] for t in tops if t.kind == "score")
        bonus = sum(points[t.code] for t in tops if t.kind == "bonus")
        penalty = sum(points[t.code] for t in tops if t.kind == "penalty")
        return Totals(points=points, base=base, bonus=bonus, penalty=penalty, capped=capped)


@dataclass
class Totals:
    points: dict[str, float]
    base: float
    bonus: float
    penalty: float
    capped: dict[str, float]  # group code -> uncapped sum (above its cap)

    @property
    def total(self) -> float:
        return round(self.base + self.bonus - self.penalty, 4)


def tables(criteria: list[Criterion]) -> dict[str, Table]:
    """Criteria grouped by block (folded block name -> Table)."""
    groups: dict[str, list[Criterion]] = {}
    for c in criteria:
        groups.setdefault(fold(c.block), []).append(c)
    return {k: Table(block=v[0].block, items=v) for k, v in groups.items()}


def check_tables(criteria: list[Criterion], rows: dict[tuple[str, str], int], sheet: str) -> list[Finding]:
    """Problems of the criteria sheet itself: unknown parent, a scored parent whose standard is not
    the sum of its children's, allowed values above the standard. ``rows``: (block, code) -> row."""
    out = []
    for key, table in tables(criteria).items():
        for c in table.items:
            r = rows.get((key, c.code), 2)
            if c.parent and c.parent not in table.by_code:
                out.append(finding("campaign.bad_value", sheet=sheet, cell=f"B{r}", value=c.code, label="Mã tiêu chí",
                                   detail=f"không có tiêu chí cha \"{c.parent}\" trong khối \"{table.block}\""))
            kids = table.children.get(c.code, [])
            if kids and c.kind == "score" and abs(sum(k.standard for k in kids) - c.standard) > EPS:
                total = _num(sum(k.standard for k in kids))
                out.append(finding("campaign.bad_value", sheet=sheet, cell=f"D{r}", value=_num(c.standard),
                                   label="Điểm chuẩn", detail=f"tiêu chí \"{c.code}\" có điểm chuẩn {_num(c.standard)} "
                                   f"nhưng tổng điểm chuẩn các tiêu chí con là {total}; hãy sửa cho bằng nhau"))
            if any(v > c.standard + EPS or v < 0 for v in c.values):
                out.append(finding("campaign.bad_value", sheet=sheet, cell=f"F{r}", value=c.code, label="Mức điểm",
                                   detail=f"mức điểm phải từ 0 đến điểm chuẩn {_num(c.standard)}"))
    return out


def _num(value: float) -> str:
    """A score as the office writes it: 1,75 / 2; a number too large to write out in full as 1,5E+20 (and
    infinity as ∞): never an error, whatever a unit typed."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else "∞" if value > 0 else "-∞"
    if abs(value) >= 1e15:
        return f"{value:.6G}".replace(".", ",")
    return (f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))).replace(".", ",")


number_text = _num
