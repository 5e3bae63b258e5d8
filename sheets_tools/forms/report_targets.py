"""The targets of indicators shared by the January registration (``registration.py``) and the reports
(``report_rules.py``): how a number and an amount are read and written, the target that applies to a unit
(the one it registered in January, else the Department's common one), the mid-year share of a year's count
target (setting ``midyear_target_percent``), and whether a result meets its target (``outcome``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sheets_tools.campaign.layout import VOCAB
from sheets_tools.campaign.model import Campaign, Indicator
from sheets_tools.campaign.criteria import EPS, number_text
from sheets_tools.core.text import normalize
from sheets_tools.formkit.plugins import Context

RULE_WORDS = {value: words for words, value in VOCAB["indicators"]["direction"].items()}
SHARE_SETTING = "midyear_target_percent"
DEFAULT_SHARE = 50.0


def number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def amount(value: float | None, measure: str) -> str:
    """7 cuộc / 95,5% / "không có"."""
    if value is None:
        return "không có"
    text = number_text(value)
    return f"{text}%" if measure.strip() == "%" else f"{text} {measure}".strip()


def registered_targets(context: Context) -> dict[str, dict[str, float]]:
    """unit -> indicator code -> the target it registered in January (its registration in use)."""
    def load() -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for unit, rows in context.rows_in_use("registration").items():
            for row in rows:
                value = number(row.values.get("target"))
                if row.sheet == "targets" and value is not None:
                    out.setdefault(unit, {})[normalize(str(row.values.get("code") or ""))] = value
        return out
    return context.once("indicators.registered", load)


# where a unit's target comes from: in a message, and in the master
SOURCE_WORDS = {"registered": "chỉ tiêu đơn vị đăng ký tháng 1", "common": "chỉ tiêu chung của Sở",
                "none": "đơn vị chưa đăng ký, Sở chưa có chỉ tiêu chung"}
SOURCE_LABELS = {"registered": "Đơn vị đăng ký", "common": "Chung của Sở", "none": ""}


def target_for(context: Context, unit: str, indicator: Indicator) -> tuple[float | None, str]:
    """The target that applies to ``unit``, and where it comes from (a key of SOURCE_WORDS)."""
    own = registered_targets(context).get(unit, {}).get(indicator.code)
    if own is not None:
        return own, "registered"
    if indicator.target is not None:
        return indicator.target, "common"
    return None, "none"


def midyear_share(campaign: Campaign) -> float:
    """The share (%) of a year's count target expected by mid-year (setting, 50 by default)."""
    try:
        share = float(str(campaign.settings.get(SHARE_SETTING) or DEFAULT_SHARE).replace(",", "."))
    except ValueError:
        return DEFAULT_SHARE
    return share if 0 < share <= 100 else DEFAULT_SHARE


@dataclass
class Outcome:
    """A result against the target that applies: ``goal`` is what it is compared with."""
    goal: float
    met: bool
    goal_text: str  # e.g. "chỉ tiêu 10 cuộc", "mức tối đa 0 hồ sơ"
    gap_text: str  # e.g. "còn thiếu 3 cuộc, đạt 70% chỉ tiêu"


def outcome(indicator: Indicator, target: float, result: float, share: float | None) -> Outcome:
    """``share``: mid-year, the part of the year's target a "not lower" count must reach by then."""
    m = indicator.measure
    if indicator.direction == "max":
        met = result <= target + EPS
        return Outcome(target, met, f"mức tối đa {amount(target, m)}", f"vượt {amount(result - target, m)}")
    goal, text = target, f"chỉ tiêu {amount(target, m)}"
    if share is not None and indicator.kind == "count":
        goal = target * share / 100
        text = (f"mức 6 tháng {amount(goal, m)} ({number_text(share)}% chỉ tiêu năm {amount(target, m)}, "
                f"theo cài đặt \"{SHARE_SETTING}\")")
    gap = f"còn thiếu {amount(goal - result, m)}"
    if goal > EPS and math.isfinite(share_of := 100 * result / goal):
        gap += f", đạt {number_text(round(share_of, 1))}% mức cần đạt"
    return Outcome(goal, result >= goal - EPS, text, gap)
