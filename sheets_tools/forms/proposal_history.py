"""The proposal rules that look back over several years: the award history of the ledger
(``store.history``), this year's lines of the same file, January's registration (last year's rating) and
the Initiative Council's results of the year.

- CSTĐ cấp tỉnh, bộ: "03 lần liên tục" Chiến sĩ thi đua cơ sở; CSTĐ toàn quốc: "02 lần liên tục" CSTĐ cấp
  tỉnh, bộ. Which years count is the setting ``history_window``: the years ending this year (this year's
  title proposed in the same file or already in the history), ending last year, or either (the default).
- The provincial Bằng khen for an individual (a provincial rule, so campaign data): the settings
  ``bang_khen_codes``, ``bang_khen_years`` (consecutive years of CSTĐCS, or of "Hoàn thành xuất sắc
  nhiệm vụ") and ``bang_khen_initiatives`` (recognised initiatives with the HTXS years). A past year's
  rating is known only for last year (January's registration, "Xếp loại năm trước"); earlier years are
  named as missing, for the office to verify.

``hit(code, field, **context)`` (``proposals._row``) builds a finding at the row's cell of ``field``.
"""
from __future__ import annotations

from sheets_tools.campaign.model import Campaign, CatalogueItem
from sheets_tools.core.findings import ERROR, Code, Finding
from sheets_tools.core.records import Row
from sheets_tools.core.text import fold
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms.initiatives import registered
from sheets_tools.forms.proposal_collectives import HTXS, RATINGS
from sheets_tools.store.history import History, person_key

# multi-year titles: (rule group needed each year, how many consecutive years, words)
HISTORY = {"CSTD_TINH": ("CSTDCS", 3, "3 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\""),
           "CSTD_TQ": ("CSTD_TINH", 2, "2 lần liên tục đạt \"Chiến sĩ thi đua cấp tỉnh, bộ\"")}
WINDOW_SETTING = "history_window"

CODES = {
    "proposal.history_missing": Code(
        ERROR, "{what}: đề nghị \"{award}\" cần {need}; lịch sử khen thưởng chưa có \"{missing}\" năm {years}. "
        "Nếu người này đã được tặng, hãy gửi số, ngày quyết định để Văn phòng bổ sung lịch sử khen thưởng. "
        "(Căn cứ: {basis}.)"),
    "proposal.bang_khen": Code(
        ERROR, "{what}: đề nghị \"{award}\" cần {need}. Còn thiếu: {missing}. Nếu người này đã đạt, hãy gửi số, ngày "
        "quyết định (danh hiệu, công nhận sáng kiến) hoặc kết quả đánh giá, xếp loại các năm đó để Văn phòng bổ sung; "
        "Văn phòng có thể trình Hội đồng kèm lý do. (Căn cứ: {basis}; tiêu chuẩn theo cài đặt \"bang_khen_years\", "
        "\"bang_khen_initiatives\" của đợt thi đua.)"),
}


def _history(context: Context) -> History | None:
    return context.once("history", lambda: History(context.ledger) if context.ledger is not None else None)


def _key(v: dict) -> str:
    return person_key(v.get("family_name") or "", v.get("given_name") or "", v.get("birth_date"))


def _codes(campaign: Campaign, rule: str) -> set[str]:
    return {c.code for c in campaign.catalogue if c.rule == rule}


def _name_of(campaign: Campaign, rule: str) -> str:
    return next((c.name for c in campaign.catalogue if c.rule == rule), rule)


def proposed_this_year(row: Row, siblings: list[Row], campaign: Campaign, rule: str) -> bool:
    """Whether the row's person is proposed for a title of ``rule`` this year in the same file."""
    key = _key(row.values)
    return any((campaign.catalogue_item(s.values.get("title") or "") or _NO_RULE).rule == rule
               for s in siblings if _key(s.values) == key)


class _NoRule:
    rule = None


_NO_RULE = _NoRule()


def windows(campaign: Campaign, count: int) -> list[list[int]]:
    """The runs of ``count`` consecutive years the setting ``history_window`` accepts."""
    year, setting = campaign.info.year, campaign.yearend.history_window
    ending = {"năm nay": [year], "năm trước": [year - 1]}.get(setting, [year, year - 1])
    return [list(range(end - count + 1, end + 1)) for end in ending]


def history_findings(rule: str, row: Row, siblings: list[Row], context: Context, hit, award: dict) -> list[Finding]:
    """CSTĐ cấp tỉnh, bộ and CSTĐ toàn quốc: the consecutive titles below them, in one accepted run of years."""
    need_rule, count, words = HISTORY[rule]
    campaign = context.campaign
    history = _history(context)
    had = history.years(_key(row.values), _codes(campaign, need_rule)) if history is not None else set()
    if proposed_this_year(row, siblings, campaign, need_rule):
        had.add(campaign.info.year)
    runs = windows(campaign, count)
    missing = [[y for y in run if y not in had] for run in runs]
    if not all(missing):
        return []
    return [hit("proposal.history_missing", "title", need=words, missing=_name_of(campaign, need_rule),
                years=_years_text(runs, missing), **award)]


def _years_text(runs: list[list[int]], missing: list[list[int]]) -> str:
    """"2023" for one run; "2023 (tính các năm 2022-2024) hoặc năm 2021, 2023 (tính các năm 2021-2023)" for two."""
    if len(runs) == 1:
        return ", ".join(map(str, missing[0]))
    return " hoặc năm ".join(f"{', '.join(map(str, m))} (tính các năm {run[0]}-{run[-1]})"
                             for run, m in zip(runs, missing))


# --- the provincial Bằng khen for an individual ------------------------------------------------------
def bang_khen_applies(campaign: Campaign, item: CatalogueItem | None) -> bool:
    settings = campaign.yearend
    return (item is not None and item.rule == "BANG_KHEN" and item.subject == "individual"
            and settings.bang_khen_years > 0 and fold(item.code) in {fold(c) for c in settings.bang_khen_codes})


def bang_khen_findings(unit: str, row: Row, siblings: list[Row], context: Context, hit, award: dict,
                       last_rating: str | None) -> list[Finding]:
    """``bang_khen_years`` consecutive CSTĐCS, or as many years HTXS with ``bang_khen_initiatives``
    recognised initiatives. ``last_rating``: last year's rating in January's registration, if any."""
    campaign, v = context.campaign, row.values
    settings, year = campaign.yearend, campaign.info.year
    years = list(range(year - settings.bang_khen_years + 1, year + 1))
    history = _history(context)
    cstdcs = history.years(_key(v), _codes(campaign, "CSTDCS")) if history is not None else set()
    if proposed_this_year(row, siblings, campaign, "CSTDCS"):
        cstdcs.add(year)
    no_cstdcs = [y for y in years if y not in cstdcs]
    if not no_cstdcs:
        return []
    htxs = {y for y, rating in ((year, v.get("rating")), (year - 1, last_rating))
            if RATINGS.get(fold(rating or "")) == 3}
    no_htxs = [y for y in years if y not in htxs]
    name = f"{v.get('family_name') or ''} {v.get('given_name') or ''}"
    recognised = [i for i in registered(context) if i.unit == unit and i.recognised and i.has_author(name)]
    if not no_htxs and len(recognised) >= settings.bang_khen_initiatives:
        return []
    cstdcs_name = _name_of(campaign, "CSTDCS")
    n, k = settings.bang_khen_years, settings.bang_khen_initiatives
    need = (f"{n} năm liên tục đạt \"{cstdcs_name}\", hoặc {n} năm liên tục \"{HTXS}\" và có {k} sáng kiến, đề "
            f"tài được công nhận")
    gaps = [f"\"{cstdcs_name}\" năm {', '.join(map(str, no_cstdcs))} (lịch sử khen thưởng)"]
    if no_htxs:
        gaps.append(f"\"{HTXS}\" năm {', '.join(map(str, no_htxs))} (năm nay theo đề nghị, năm trước theo bản đăng "
                    f"ký thi đua tháng 1)")
    if len(recognised) < k:
        gaps.append(f"sáng kiến, đề tài được Hội đồng Sáng kiến năm {year} công nhận: có {len(recognised)}, cần {k}")
    return [hit("proposal.bang_khen", "award_form", need=need, missing="; ".join(gaps), **award)]
