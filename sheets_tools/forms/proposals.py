"""The proposal form's own rules (domain.md §3). Each finding cites its rule: the legal basis of the
catalogue item (campaign data) and the decree the campaign follows (``Campaign.basis``).

Checked when a file comes in (the unit's feedback) and again when the master is written (the
award history, the registrations and the ranking may have changed since): ``row_findings`` is
the one place the rules live.
"""
from __future__ import annotations

import math
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, Callable

from sheets_tools.campaign.model import Campaign, CatalogueItem
from sheets_tools.campaign.criteria import number_text
from sheets_tools.core.findings import ERROR, WARNING, Code, Finding, finding
from sheets_tools.formkit.declaration import Form, TableSheet, get_form
from sheets_tools.core.values import format_date
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import fold
from sheets_tools.formkit.rows import describe_row, placed
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms.initiatives import Initiative, match, registered
from sheets_tools.forms.proposal_collectives import CODES as COLLECTIVE_CODES
from sheets_tools.forms.proposal_collectives import HTT, PRINCIPLE, RATINGS, collective_findings
from sheets_tools.forms.proposal_history import CODES as HISTORY_CODES
from sheets_tools.forms.proposal_history import HISTORY, bang_khen_applies, bang_khen_findings, history_findings
from sheets_tools.forms.proposal_once import CODES as ONCE_CODES
from sheets_tools.forms.proposal_once import Year, same_award_findings, subject_key
from sheets_tools.forms.proposal_registration import CODES as REGISTRATION_CODES
from sheets_tools.forms.proposal_registration import last_rating, registration_findings
from sheets_tools.store.history import History
from sheets_tools.yearend.lines import Line, Proposal, check_sheet, override_columns, read_lines
from sheets_tools.yearend.ranking import block_leaders

FORM_ID = __name__.rpartition(".")[2]  # this module's declaration, proposals.toml (role "award_proposal")
LINE_ID_PREFIX = ""  # its lines' ids predate other proposal forms: "<unit>/<sheet>/<row>/<code>" (yearend.lines)

HIGHER_SCOPES = {"CSTD_TINH": ("tỉnh, bộ trở lên", {"tỉnh, bộ", "toàn quốc"}),
                 "CSTD_TQ": ("toàn quốc", {"toàn quốc"})}

Locate = Callable[[TableSheet, Row, str], tuple[str, str]]  # (sheet, field) -> sheet name, cell

# the findings of this form's checks (domain.md §3): each cites its rule
CODES = {
    "proposal.nothing": Code(
        ERROR, "{what}: chưa ghi danh hiệu thi đua hoặc hình thức khen thưởng đề nghị. Hãy chọn ở cột \"Danh hiệu thi "
        "đua đề nghị\" hoặc \"Hình thức khen thưởng đề nghị\"."),
    "proposal.pending": Code(
        ERROR, "{what} đang bị xem xét kỷ luật, thanh tra hoặc giải quyết khiếu nại: chưa được đề nghị khen thưởng; "
        "hãy bỏ đề nghị này. (Căn cứ: {basis}.)"),
    "proposal.rating": Code(
        ERROR, "{what}: đề nghị \"{award}\" cần mức \"{need}\" trở lên, đơn vị ghi \"{value}\". Hãy bỏ đề nghị hoặc "
        "kiểm tra lại mức xếp loại. (Căn cứ: {basis}.)"),
    "proposal.cstdcs_basis": Code(
        ERROR, "{what}: đề nghị \"{award}\" cần mức \"Hoàn thành xuất sắc nhiệm vụ\" hoặc có sáng kiến, đề tài được "
        "công nhận; hãy ghi sáng kiến (tên, số quyết định công nhận) ở cột \"{label}\" hoặc bỏ đề nghị. "
        "(Căn cứ: {basis}.)"),
    "proposal.initiative_scope": Code(
        ERROR, "{what}: đề nghị \"{award}\" cần sáng kiến có phạm vi ảnh hưởng {need}; đơn vị ghi \"{value}\". Hãy ghi "
        "sáng kiến và phạm vi ảnh hưởng, hoặc bỏ đề nghị. (Căn cứ: {basis}.)"),
    "proposal.no_ranking": Code(
        ERROR, "{what}: \"{award}\" chỉ tặng đơn vị dẫn đầu khối thi đua, nhưng khối thi đua của đơn vị chưa có kết "
        "quả chấm điểm, xếp hạng nên chưa xét được. Hãy gửi bảng chấm điểm thi đua (nếu chưa gửi) và gửi lại đề nghị "
        "khi Văn phòng đã có kết quả xếp hạng; Văn phòng có thể trình Hội đồng kèm lý do. (Căn cứ: {basis}.)"),
    "proposal.not_leader": Code(
        ERROR, "{what}: \"{award}\" chỉ tặng đơn vị dẫn đầu khối thi đua; theo kết quả xếp hạng, đơn vị dẫn đầu "
        "\"{block}\" là {leader}. (Căn cứ: {basis}.)"),
    "proposal.initiative_not_registered": Code(
        ERROR, "{what}: sáng kiến, đề tài \"{value}\" không có trong bảng đăng ký đề tài, sáng kiến của đơn vị "
        "với Hội đồng Sáng kiến (hạn {deadline}), nên chưa có căn cứ sáng kiến được công nhận cho đề nghị "
        "\"{award}\". Hãy ghi đúng tên như khi đăng ký; nếu sáng kiến đã được công nhận từ năm trước, hãy ghi số, "
        "ngày quyết định công nhận và gửi kèm bản sao quyết định để Văn phòng trình Hội đồng kèm lý do. "
        "(Căn cứ: {basis}.)"),
    "proposal.initiative_not_author": Code(
        ERROR, "{what} không có tên trong danh sách tác giả, đồng tác giả của {kind} đã đăng ký \"{title}\" "
        "(tác giả: {authors}). Chỉ tác giả, đồng tác giả được dùng sáng kiến làm thành tích đề nghị \"{award}\"; "
        "hãy kiểm tra lại họ tên hoặc tên sáng kiến, hoặc bỏ đề nghị. (Căn cứ: {basis}.)"),
    "proposal.initiative_rejected": Code(
        ERROR, "{what}: {kind} đã đăng ký \"{title}\" không được Hội đồng Sáng kiến công nhận{decision}, nên không "
        "dùng được làm căn cứ đề nghị \"{award}\". Hãy ghi sáng kiến khác đã được công nhận hoặc bỏ đề nghị. "
        "(Căn cứ: {basis}.)"),
    "proposal.initiative_undecided": Code(
        ERROR, "{what}: {kind} đã đăng ký \"{title}\" chưa có kết quả công nhận của Hội đồng Sáng kiến; đề nghị "
        "\"{award}\" chỉ đủ căn cứ khi sáng kiến được công nhận. Hãy gửi lại đề nghị khi Hội đồng Sáng kiến đã công "
        "nhận, ghi sáng kiến khác đã được công nhận, hoặc bỏ đề nghị; Văn phòng có thể trình Hội đồng kèm lý do. "
        "(Căn cứ: {basis}.)"),
    "proposal.initiative_scope_registered": Code(
        ERROR, "{what}: đề nghị \"{award}\" cần sáng kiến có phạm vi ảnh hưởng {need}; đơn vị ghi \"{value}\", nhưng "
        "{kind} \"{title}\" đã đăng ký với Hội đồng Sáng kiến phạm vi \"{scope}\" (cấp \"{level}\"), và phạm vi đã "
        "đăng ký được dùng để xét. Hãy ghi sáng kiến có phạm vi phù hợp hoặc bỏ đề nghị; nếu phạm vi đăng ký đã được "
        "điều chỉnh, hãy gửi quyết định công nhận để Văn phòng đối chiếu. (Căn cứ: {basis}.)"),
    "proposal.recruited_recently": Code(
        ERROR, "{what}: tuyển dụng ngày {value}, đến hết năm {year} chưa đủ {months} tháng công tác nên chưa được xét "
        "danh hiệu \"{award}\". Hãy bỏ đề nghị hoặc kiểm tra lại ngày tuyển dụng. (Căn cứ: {basis}; số tháng theo "
        "cài đặt \"ldtt_min_months\" của đợt thi đua.)"),
    "proposal.initiative_scope_differs": Code(
        WARNING, "{what}: phạm vi ảnh hưởng ghi \"{value}\" khác với phạm vi đã đăng ký của {kind} \"{title}\" "
        "(\"{scope}\", cấp \"{level}\"). Hãy kiểm tra lại cho đúng với quyết định công nhận. (Căn cứ: {basis}.)"),
    "proposal.ratio_cap": Code(
        ERROR, "Đơn vị đề nghị {value} \"{award}\", vượt giới hạn {need}% của {base} ({count}), tức tối đa {limit}. "
        "Hãy giảm số đề nghị. (Căn cứ: cài đặt \"{setting}\" của đợt thi đua.)"),
    **COLLECTIVE_CODES,
    **HISTORY_CODES,
    **REGISTRATION_CODES,
    **ONCE_CODES,
}


def check(result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
    """The rules on one returned proposal form (after its rows passed their cell checks), against what the
    other units sent before it."""
    rows = [r for r in result.rows if r.valid]
    unit = result.unit_code or ""

    def locate(sheet: TableSheet, row: Row, field: str) -> tuple[str, str]:
        name, letter = placed(result, sheet, sheet.column(field))
        return name, f"{letter}{row.row}"

    year = Year(others={code: their for code, their in context.rows_in_use(FORM_ID).items() if code != unit})
    for f in row_findings(unit, rows, context, locate, year):
        f.file = result.incoming.source
        result.findings.append(f)


def row_findings(unit: str, rows: list[Row], context: Context, locate: Locate | None = None,
                 year: Year | None = None) -> list[Finding]:
    """Every rule finding of one unit's valid proposal rows; ``year``: the other units' rows to compare
    with (by default, from the ledger: those of the units whose file came in before this unit's)."""
    form = get_form(FORM_ID)
    locate = locate or _template_cell
    year = year or _year_before(unit, context)
    out: list[Finding] = []
    for sheet in form.sheets:
        mine = [r for r in rows if r.sheet == sheet.key]
        refused: set[int] = set()  # the rows an error of their own refuses: they count in no cap's base
        for row in mine:
            found = _row(unit, sheet, row, mine, context, locate, year)
            if any(f.severity == ERROR for f in found):
                refused.add(id(row))
            out += found
        out += _caps(unit, sheet, mine, refused, context, locate)
    return out


def _year_before(unit: str, context: Context) -> Year:
    """The rows of the units whose submission came in before ``unit``'s, and when ``unit``'s came in (an award
    the history recorded after it may be this very line's decision)."""
    subs = context.ledger.data_submission(FORM_ID) if context.ledger is not None else {}
    mine = context.ledger.current(FORM_ID).get(unit) if context.ledger is not None else None  # the rows checked
    before = {code for code, sub in subs.items()
              if code != unit and (mine is None or (sub.received_at, sub.id) < (mine.received_at, mine.id))}
    return Year(others={code: rows for code, rows in context.rows_in_use(FORM_ID).items() if code in before},
                known_at=mine.collected_at if mine else None)


def proposals(unit: str, rows: list[Row], context: Context) -> list[Proposal]:
    """The lines of a unit's valid rows: a row proposing a title and a form is two lines."""
    out = []
    for row in rows:
        v = row.values
        who = (dict(subject="collective", name=v.get("collective_name") or "") if row.sheet == "collectives" else
               dict(subject="individual", name=_full_name(v), family_name=v.get("family_name") or "",
                    given_name=v.get("given_name") or "", birth_date=v.get("birth_date"),
                    position=v.get("position") or ""))
        for field in ("title", "award_form"):
            item = context.campaign.catalogue_item(v.get(field) or "")
            if item is not None:
                out.append(Proposal(FORM_ID, unit, row.sheet, row, item, **who))
    return out


def proposal_lines(context: Context) -> list[Line]:
    """Every unit's proposal lines (latest submission), each with the rules' findings of today."""
    return read_lines(context, FORM_ID, row_findings, proposals)


def _template_cell(sheet: TableSheet, row: Row, field: str) -> tuple[str, str]:
    return sheet.name, f"{sheet.column(field).letter}{row.row}"


def _row(unit: str, sheet: TableSheet, row: Row, siblings: list[Row], context: Context, locate: Locate,
         year: Year) -> list[Finding]:
    campaign, v = context.campaign, row.values
    what = describe_row(sheet, v)

    def hit(code: str, field: str, **ctx: Any) -> Finding:
        name, cell = locate(sheet, row, field)
        return finding(code, sheet=name, cell=cell, field=field, value=ctx.pop("value", v.get(field)), unit=unit,
                       what=what, **ctx)

    title = campaign.catalogue_item(v.get("title") or "")
    form = campaign.catalogue_item(v.get("award_form") or "")
    if title is None and form is None:
        return [hit("proposal.nothing", "title")]
    out = []
    if fold(v.get("pending") or "") == "có":
        out.append(hit("proposal.pending", "pending", basis=PRINCIPLE))
    out += same_award_findings(unit, row, siblings, year, campaign, _history(context), hit)
    if title is not None:
        out += _title(unit, sheet, row, siblings, title, context, hit)
    if form is not None:
        out += _form(unit, row, siblings, form, context, hit, rated=any(f.code == "proposal.rating" for f in out))
    return out


def _history(context: Context) -> History | None:
    return context.once("history", lambda: History(context.ledger) if context.ledger is not None else None)


def _title(unit: str, sheet: TableSheet, row: Row, siblings: list[Row], title: CatalogueItem, context: Context, hit
           ) -> list[Finding]:
    """The criteria of the title a row proposes (domain.md §3)."""
    campaign, v = context.campaign, row.values
    out = []
    award = dict(award=title.name, basis=campaign.basis(title))
    rating = RATINGS.get(fold(v.get("rating") or ""), 0)
    rule = title.rule
    if rule in ("LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ") and rating < 2:
        out.append(hit("proposal.rating", "rating", need=HTT, **award))
    elif rule == "CSTDCS" and rating < 3 and not (v.get("initiative") or "").strip():
        out.append(hit("proposal.cstdcs_basis", "initiative", label=sheet.column("initiative").label, **award))
    if rule in ("LDTT", "CSTDCS") and sheet.key == "individuals":
        out += _recruited(v, campaign, hit, award)
    linked, item = [], None
    if (v.get("initiative") or "").strip() and (rule in HIGHER_SCOPES or (rule == "CSTDCS" and rating < 3)):
        linked, item = _initiative(unit, v, context, hit, award)  # the initiative is the basis: check it
    if rule in HIGHER_SCOPES:
        out += _scope(v, rule, item, linked, hit, award)
    out += linked
    if rule in HISTORY:
        out += history_findings(rule, row, siblings, context, hit, award)
    if sheet.key == "collectives":
        out += collective_findings(v, rule, campaign, hit, award)
        if rule == "CO":
            out += _leader(unit, context, hit, award)
    out += registration_findings(unit, sheet, row, title, context, hit)
    return out


def _scope(v: dict, rule: str, item: Initiative | None, linked: list[Finding], hit, award: dict) -> list[Finding]:
    """The initiative's scope for CSTĐ cấp tỉnh and above: the scope registered with the Initiative Council wins
    over the one typed (which serves only when the initiative is not a registered one of the person)."""
    words, allowed = HIGHER_SCOPES[rule]
    typed, level = v.get("initiative_scope") or "", item.scope_level if item is not None else ""
    scope = level or typed
    if (v.get("initiative") or "").strip() and fold(scope) in allowed:
        return []
    if item is not None and level and typed and fold(typed) != fold(level):
        linked[:] = [f for f in linked if f.code != "proposal.initiative_scope_differs"]  # said here, as an error
        return [hit("proposal.initiative_scope_registered", "initiative_scope", need=words, value=typed,
                    kind=(item.kind or "sáng kiến").lower(), title=item.title, scope=item.scope, level=level, **award)]
    return [hit("proposal.initiative_scope", "initiative_scope", need=words, value=scope or "(trống)", **award)]


def _recruited(v: dict, campaign: Campaign, hit, award: dict) -> list[Finding]:
    """LĐTT (and CSTĐCS, which needs it) for someone recruited fewer than ``ldtt_min_months`` months before the
    year's end: an optional provincial rule (off unless set); a row without a recruitment date is not checked."""
    months, hired = campaign.yearend.ldtt_min_months, v.get("recruitment_date")
    if not months or hired is None:
        return []
    year = campaign.info.year
    total = (year - hired.year) * 12 + 12 - hired.month + (hired.day == 1)  # whole months to 31/12
    if total >= months:
        return []
    return [hit("proposal.recruited_recently", "recruitment_date", value=format_date(hired), year=year,
                months=months, **award)]


def _form(unit: str, row: Row, siblings: list[Row], form: CatalogueItem, context: Context, hit, rated: bool
          ) -> list[Finding]:
    """The criteria of the form of commendation a row proposes: Giấy khen needs "Hoàn thành tốt nhiệm vụ";
    the provincial Bằng khen for a person, the years of the settings ``bang_khen_*``."""
    campaign, v = context.campaign, row.values
    award = dict(award=form.name, basis=campaign.basis(form))
    out = []
    if form.rule == "GIAY_KHEN" and not rated and RATINGS.get(fold(v.get("rating") or ""), 0) < 2:
        out.append(hit("proposal.rating", "rating", need=HTT, **award))
    if row.sheet == "individuals" and bang_khen_applies(campaign, form):
        out += bang_khen_findings(unit, row, siblings, context, hit, award, last_rating(unit, v, context))
    return out


def _initiative(unit: str, v: dict, context: Context, hit, award: dict) -> tuple[list[Finding], Initiative | None]:
    """The registered initiative a proposal names (forms/initiatives.py): registered by 28/02, the person
    among its authors, recognised by the Initiative Council. Returns the findings and the initiative when it
    is the person's. Nothing is checked while nobody in the campaign has registered an initiative (stage
    not used)."""
    if not registered(context):
        return [], None
    name = _full_name(v)
    item = linked_initiative(unit, v, context)
    if item is None:
        deadline = context.campaign.deadline("initiatives")
        when = format_date(deadline) if deadline else "28/02"
        basis = (f"Kế hoạch phát động thi đua năm {context.campaign.info.year}: đăng ký đề tài, sáng kiến với Hội "
                 f"đồng Sáng kiến trước {when}")
        return [hit("proposal.initiative_not_registered", "initiative", deadline=when, **{**award, "basis": basis})
                ], None
    shown = dict(kind=(item.kind or "sáng kiến").lower(), title=item.title, **award)
    if not item.has_author(name):
        return [hit("proposal.initiative_not_author", "initiative", authors="; ".join(item.authors + item.co_authors),
                    **shown)], None
    out = []
    if item.recognised is False:
        decision = f" ({item.decision})" if item.decision else ""
        out.append(hit("proposal.initiative_rejected", "initiative", decision=decision, **shown))
    elif item.recognised is None:
        out.append(hit("proposal.initiative_undecided", "initiative", **shown))
    own = v.get("initiative_scope")
    if own and item.scope_level and fold(own) != fold(item.scope_level):
        out.append(hit("proposal.initiative_scope_differs", "initiative_scope", scope=item.scope,
                       level=item.scope_level, **shown))
    return out, item


def linked_initiative(unit: str, values: dict, context: Context) -> Initiative | None:
    """The unit's registered initiative a proposal row names in its "initiative" cell, if any."""
    text = values.get("initiative")
    if not (text or "").strip():
        return None
    return match([i for i in registered(context) if i.unit == unit], text, _full_name(values))


def _full_name(v: dict) -> str:
    return f"{v.get('family_name') or ''} {v.get('given_name') or ''}".strip()


_NONE = SimpleNamespace(rule=None)  # a title not in the catalogue
LDTT_OR_ABOVE = ("LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ")  # the individual titles that need LĐTT (Điều 23-24)




def _leader(unit: str, context: Context, hit, award) -> list[Finding]:
    own = context.campaign.unit(unit)
    table = context.campaign.criteria_of(own) if own else None
    if table is None or context.ledger is None:
        return [hit("proposal.no_ranking", "title", **award)]
    leaders = block_leaders(context, table.block)
    if not leaders:
        return [hit("proposal.no_ranking", "title", **award)]
    if unit in {r.unit for r in leaders}:
        return []
    return [hit("proposal.not_leader", "title", block=table.block, leader=", ".join(r.name for r in leaders),
                **award)]


def _caps(unit: str, sheet: TableSheet, rows: list[Row], refused: set[int], context: Context, locate: Locate
          ) -> list[Finding]:
    """Optional ratio caps (settings): CSTĐCS against the people proposed for LĐTT or a title that needs it
    (each person once); TTLĐXS against the collectives proposed. The base leaves out the ``refused`` rows (ids:
    an error of their own); every row may be capped."""
    settings, campaign = context.campaign.yearend, context.campaign
    rules = [((campaign.catalogue_item(r.values.get("title") or "") or _NONE).rule, r) for r in rows]
    eligible = [(k, r) for k, r in rules if id(r) not in refused]
    if sheet.key == "individuals":
        people = {subject_key(sheet.key, r.values, "") for k, r in eligible if k in LDTT_OR_ABOVE}
        cap, setting, capped, base, base_words = (settings.cstdcs_cap_percent, "cstdcs_cap_percent", "CSTDCS",
                                                  people, "số người được đề nghị Lao động tiên tiến hoặc danh hiệu "
                                                  "cao hơn (đủ điều kiện)")
    else:
        cap, setting, capped, base, base_words = (settings.ttldxs_cap_percent, "ttldxs_cap_percent", "TTLDXS",
                                                  [r for _, r in eligible], "số tập thể đề nghị (đủ điều kiện)")
    over = [r for k, r in rules if k == capped]
    if cap is None or not over:
        return []
    limit = math.floor(len(base) * cap / 100 + 1e-9)
    if len(over) <= limit:
        return []
    award = next((c.name for c in campaign.catalogue if c.rule == capped), capped)
    out = []
    for row in over[limit:]:  # the rows past the cap, each its own line's error (the first ``limit`` pass)
        name, cell = locate(sheet, row, "title")
        out.append(finding("proposal.ratio_cap", sheet=name, cell=cell, field="title", value=len(over), unit=unit,
                           award=award, need=number_text(cap), base=base_words, count=len(base), limit=limit,
                           setting=setting))
    return out


# --- the master: the checked lines and the council's result ----------------------------------------
MASTER_LABEL = "Đề nghị KT"  # the master's sheet names: "Đề nghị KT - Cá nhân"
CHECK_SHEET = f"{MASTER_LABEL} - Kiểm tra hồ sơ"
office_columns = [replace(override_columns(FORM_ID, CHECK_SHEET), former=("Kiểm tra đề nghị",))]


def master(m, context: Context) -> None:
    """The proposal checks (each line, the rule it fails or "Đạt"), the vote, the initiative it cites."""
    check_sheet(m, context, FORM_ID, name=CHECK_SHEET,
                extra=("Sáng kiến đã đăng ký", 40, lambda line: _cited(line.proposal, context)))


def _cited(p: Proposal, context: Context) -> str:
    """The registered initiative a line names, with the Initiative Council's result."""
    item = linked_initiative(p.unit, p.row.values, context) if p.sheet == "individuals" else None
    if item is None:
        return ""
    result = {True: "Hội đồng Sáng kiến công nhận", False: "Hội đồng Sáng kiến không công nhận",
              None: "chưa có kết quả của Hội đồng Sáng kiến"}[item.recognised]
    decision = f", {item.decision}" if item.decision else ""
    return (f"{(item.kind or 'Sáng kiến')} đã đăng ký: \"{item.title}\" (phạm vi: {item.scope or 'không ghi'}; "
            f"{result}{decision})")
