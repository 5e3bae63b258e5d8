"""The proposal form's own rules (domain.md §3). Each finding cites its rule: the legal basis of the
catalogue item (campaign data) and the decree the campaign follows (``Campaign.basis``).

Checked when a file comes in (the unit's feedback) and again when the master is written (the
award history, the registrations and the ranking may have changed since): ``row_findings`` is
the one place the rules live.
"""
from __future__ import annotations

import math
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
from sheets_tools.store.history import History, person_key
from sheets_tools.yearend.lines import Line, Proposal, check_sheet, read_lines
from sheets_tools.yearend.ranking import block_leaders

FORM_ID = __name__.rpartition(".")[2]  # this module's declaration, proposals.toml (role "award_proposal")
LINE_ID_PREFIX = ""  # its lines' ids predate other proposal forms: "<unit>/<sheet>/<row>/<code>" (yearend.lines)

HIGHER_SCOPES = {"CSTD_TINH": ("tỉnh, bộ trở lên", {"tỉnh, bộ", "toàn quốc"}),
                 "CSTD_TQ": ("toàn quốc", {"toàn quốc"})}
# multi-year titles: (rule group needed each year, how many consecutive years incl. this one, words)
HISTORY = {"CSTD_TINH": ("CSTDCS", 3, "3 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\""),
           "CSTD_TQ": ("CSTD_TINH", 2, "2 lần liên tục đạt \"Chiến sĩ thi đua cấp tỉnh, bộ\"")}

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
    "proposal.history_missing": Code(
        ERROR, "{what}: đề nghị \"{award}\" cần {need}; lịch sử khen thưởng chưa có \"{missing}\" năm {years}. "
        "Nếu người này đã được tặng, hãy gửi số, ngày quyết định để Văn phòng bổ sung lịch sử khen thưởng. "
        "(Căn cứ: {basis}.)"),
    "proposal.no_ranking": Code(
        WARNING, "{what}: \"{award}\" chỉ tặng đơn vị dẫn đầu khối thi đua, nhưng chưa có kết quả chấm điểm, xếp "
        "hạng của khối; Văn phòng sẽ đối chiếu khi có kết quả. (Căn cứ: {basis}.)"),
    "proposal.not_leader": Code(
        ERROR, "{what}: \"{award}\" chỉ tặng đơn vị dẫn đầu khối thi đua; theo kết quả xếp hạng, đơn vị dẫn đầu "
        "\"{block}\" là {leader}. (Căn cứ: {basis}.)"),
    "proposal.no_registration": Code(
        ERROR, "{what}: đơn vị chưa có bản đăng ký thi đua hợp lệ nên chưa xét được danh hiệu \"{award}\". Hãy gửi "
        "bản đăng ký thi đua (đã gửi trong tháng 1) hoặc liên hệ Văn phòng. (Căn cứ: {basis}.)"),
    "proposal.not_registered": Code(
        ERROR, "{what} không có trong bản đăng ký thi đua của đơn vị nên chưa đủ điều kiện xét danh hiệu \"{award}\". "
        "Hãy kiểm tra họ tên, ngày sinh cho khớp với bản đăng ký. (Căn cứ: {basis}.)"),
    "proposal.registered_other": Code(
        WARNING, "{what} đăng ký danh hiệu \"{registered}\" trong tháng 1, nay đề nghị danh hiệu cao hơn \"{award}\". "
        "Hãy kiểm tra lại. (Căn cứ: {basis}.)"),
    "proposal.initiative_not_registered": Code(
        WARNING, "{what}: sáng kiến, đề tài \"{value}\" không có trong bảng đăng ký đề tài, sáng kiến của đơn vị "
        "với Hội đồng Sáng kiến (hạn {deadline}). Hãy ghi đúng tên như khi đăng ký; nếu sáng kiến đã được công nhận "
        "từ năm trước, hãy ghi số, ngày quyết định công nhận và gửi kèm bản sao quyết định. (Căn cứ: {basis}.)"),
    "proposal.initiative_not_author": Code(
        WARNING, "{what} không có tên trong danh sách tác giả, đồng tác giả của {kind} đã đăng ký \"{title}\" "
        "(tác giả: {authors}). Chỉ tác giả, đồng tác giả được dùng sáng kiến làm thành tích đề nghị \"{award}\"; "
        "hãy kiểm tra lại họ tên hoặc tên sáng kiến. (Căn cứ: {basis}.)"),
    "proposal.initiative_rejected": Code(
        ERROR, "{what}: {kind} đã đăng ký \"{title}\" không được Hội đồng Sáng kiến công nhận{decision}, nên không "
        "dùng được làm căn cứ đề nghị \"{award}\". Hãy ghi sáng kiến khác đã được công nhận hoặc bỏ đề nghị. "
        "(Căn cứ: {basis}.)"),
    "proposal.initiative_undecided": Code(
        WARNING, "{what}: {kind} đã đăng ký \"{title}\" chưa có kết quả công nhận của Hội đồng Sáng kiến; đề nghị "
        "\"{award}\" chỉ đủ căn cứ khi sáng kiến được công nhận. Văn phòng sẽ đối chiếu khi có kết quả. "
        "(Căn cứ: {basis}.)"),
    "proposal.initiative_scope_differs": Code(
        WARNING, "{what}: phạm vi ảnh hưởng ghi \"{value}\" khác với phạm vi đã đăng ký của {kind} \"{title}\" "
        "(\"{scope}\", cấp \"{level}\"). Hãy kiểm tra lại cho đúng với quyết định công nhận. (Căn cứ: {basis}.)"),
    "proposal.ratio_cap": Code(
        ERROR, "Đơn vị đề nghị {value} \"{award}\", vượt giới hạn {need}% của {base} ({count}), tức tối đa {limit}. "
        "Hãy giảm số đề nghị. (Căn cứ: cài đặt \"{setting}\" của đợt thi đua.)"),
    **COLLECTIVE_CODES,
}


def check(result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
    """The rules on one returned proposal form (after its rows passed their cell checks)."""
    rows = [r for r in result.rows if r.valid]

    def locate(sheet: TableSheet, row: Row, field: str) -> tuple[str, str]:
        name, letter = placed(result, sheet, sheet.column(field))
        return name, f"{letter}{row.row}"

    for f in row_findings(result.unit_code or "", rows, context, locate):
        f.file = result.incoming.source
        result.findings.append(f)


def row_findings(unit: str, rows: list[Row], context: Context, locate: Locate | None = None) -> list[Finding]:
    """Every rule finding of one unit's valid proposal rows."""
    form = get_form(FORM_ID)
    locate = locate or _template_cell
    out: list[Finding] = []
    for sheet in form.sheets:
        mine = [r for r in rows if r.sheet == sheet.key]
        for row in mine:
            out += _row(unit, sheet, row, mine, context, locate)
        out += _caps(unit, sheet, mine, context, locate)
    return out


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


def _row(unit: str, sheet: TableSheet, row: Row, siblings: list[Row], context: Context, locate: Locate
         ) -> list[Finding]:
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
    if title is None:
        return out
    award = dict(award=title.name, basis=campaign.basis(title))
    rating = RATINGS.get(fold(v.get("rating") or ""), 0)
    rule = title.rule
    if rule in ("LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ") and rating < 2:
        out.append(hit("proposal.rating", "rating", need=HTT, **award))
    elif rule == "CSTDCS" and rating < 3 and not (v.get("initiative") or "").strip():
        out.append(hit("proposal.cstdcs_basis", "initiative", label=sheet.column("initiative").label, **award))
    linked, level = [], ""
    if (v.get("initiative") or "").strip() and (rule in HIGHER_SCOPES or (rule == "CSTDCS" and rating < 3)):
        linked, level = _initiative(unit, v, context, hit, award)  # the initiative is the basis: check it
    if rule in HIGHER_SCOPES:
        words, allowed = HIGHER_SCOPES[rule]
        scope = v.get("initiative_scope") or level  # the registered scope when the cell is empty
        if not (v.get("initiative") or "").strip() or fold(scope) not in allowed:
            out.append(hit("proposal.initiative_scope", "initiative_scope", need=words, value=scope or "(trống)",
                           **award))
    out += linked
    if rule in HISTORY:
        out += _history(unit, sheet, row, siblings, context, rule, hit, award)
    if sheet.key == "collectives":
        out += collective_findings(v, rule, campaign, hit, award)
        if rule == "CO":
            out += _leader(unit, context, hit, award)
    out += _registered(unit, sheet, row, title, context, hit)
    return out


def _initiative(unit: str, v: dict, context: Context, hit, award: dict) -> tuple[list[Finding], str]:
    """The registered initiative a proposal names (forms/initiatives.py): registered by 28/02, the person
    among its authors, recognised by the Initiative Council. Returns the findings and its scope level.
    Nothing is checked while nobody in the campaign has registered an initiative (stage not used)."""
    if not registered(context):
        return [], ""
    name = _full_name(v)
    item = linked_initiative(unit, v, context)
    if item is None:
        deadline = context.campaign.deadline("initiatives")
        when = format_date(deadline) if deadline else "28/02"
        basis = (f"Kế hoạch phát động thi đua năm {context.campaign.info.year}: đăng ký đề tài, sáng kiến với Hội "
                 f"đồng Sáng kiến trước {when}")
        return [hit("proposal.initiative_not_registered", "initiative", deadline=when, basis=basis)], ""
    shown = dict(kind=(item.kind or "sáng kiến").lower(), title=item.title, **award)
    if not item.has_author(name):
        return [hit("proposal.initiative_not_author", "initiative", authors="; ".join(item.authors + item.co_authors),
                    **shown)], ""
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
    return out, item.scope_level


def linked_initiative(unit: str, values: dict, context: Context) -> Initiative | None:
    """The unit's registered initiative a proposal row names in its "initiative" cell, if any."""
    text = values.get("initiative")
    if not (text or "").strip():
        return None
    return match([i for i in registered(context) if i.unit == unit], text, _full_name(values))


def _full_name(v: dict) -> str:
    return f"{v.get('family_name') or ''} {v.get('given_name') or ''}".strip()


def _history(unit, sheet, row, siblings, context, rule, hit, award) -> list[Finding]:
    need_rule, years, words = HISTORY[rule]
    campaign = context.campaign
    codes = {c.code for c in campaign.catalogue if c.rule == need_rule}
    v = row.values
    key = person_key(v.get("family_name") or "", v.get("given_name") or "", v.get("birth_date"))
    history = context.once("history", lambda: History(context.ledger) if context.ledger is not None else None)
    year = campaign.info.year
    # this year's counts when the same person is proposed for it in the same file
    same = [s for s in siblings if s is not row and _person(s.values) == _person(v)]
    this_year = any((campaign.catalogue_item(s.values.get("title") or "") or _NONE).rule == need_rule for s in same)
    wanted = list(range(year - years + 1, year + 1))
    had = history.years(key, codes) if history is not None else set()
    missing = [y for y in wanted if y not in had and not (y == year and this_year)]
    if not missing:
        return []
    need_name = next((c.name for c in campaign.catalogue if c.rule == need_rule), need_rule)
    return [hit("proposal.history_missing", "title", need=words, missing=need_name,
                years=", ".join(map(str, missing)), **award)]


_NONE = SimpleNamespace(rule=None)  # a title not in the catalogue




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


def _registered(unit: str, sheet: TableSheet, row: Row, title: CatalogueItem, context: Context, hit
                ) -> list[Finding]:
    campaign = context.campaign
    deadline = campaign.deadline("registration")
    basis = (f"Kế hoạch phát động thi đua năm {campaign.info.year}: đăng ký thi đua trước "
             f"{format_date(deadline) if deadline else '31/01'}")
    registered = _registrations(context).get(unit)
    if registered is None:
        return [hit("proposal.no_registration", "title", award=title.name, basis=basis)]
    key = _person(row.values) if sheet.key == "individuals" else fold(row.values.get("collective_name") or "")
    titles = registered.get((sheet.key, key))
    if titles is None:
        return [hit("proposal.not_registered", "title", award=title.name, basis=basis)]
    items = [i for i in (campaign.catalogue_item(t) for t in titles) if i is not None]
    if title.code not in {i.code for i in items} and _level(title) > max((_level(i) for i in items), default=-1):
        return [hit("proposal.registered_other", "title", award=title.name, basis=basis,
                    registered=", ".join(i.name for i in items) or "(không ghi)")]
    return []


# how high a title is, to tell a proposal above what was registered (a lower one is normal)
LEVELS = {"LDTT": 1, "CSTDCS": 2, "CSTD_TINH": 3, "CSTD_TQ": 4, "TTLDTT": 1, "TTLDXS": 2, "CO": 3}


def _level(item: CatalogueItem) -> int:
    return LEVELS.get(item.rule or "", 0)


def _person(v: dict) -> tuple:
    return (fold(v.get("family_name") or ""), fold(v.get("given_name") or ""), v.get("birth_date"))


def _registrations(context: Context) -> dict[str, dict[tuple, set[str]]]:
    """unit -> (sheet, person or collective) -> the titles registered in January."""
    def load() -> dict[str, dict[tuple, set[str]]]:
        out: dict[str, dict[tuple, set[str]]] = {}
        if context.ledger is None:
            return out
        form = get_form("registration")
        for unit, sub in context.ledger.data_submission("registration").items():
            mine = out.setdefault(unit, {})
            for row in context.ledger.typed_rows(form, sub.id):
                if row.sheet == "individuals":
                    key = ("individuals", _person(row.values))
                elif row.sheet == "collectives":
                    key = ("collectives", fold(row.values.get("collective_name") or ""))
                else:
                    continue
                mine.setdefault(key, set()).add(row.values.get("title") or "")
        return out
    return context.once("registrations", load)


def _caps(unit: str, sheet: TableSheet, rows: list[Row], context: Context, locate: Locate) -> list[Finding]:
    """Optional ratio caps (settings): CSTĐCS against LĐTT; TTLĐXS against all collectives proposed."""
    settings, campaign = context.campaign.yearend, context.campaign
    rules = [((campaign.catalogue_item(r.values.get("title") or "") or _NONE).rule, r) for r in rows]
    if sheet.key == "individuals":
        cap, setting, capped, base, base_words = (settings.cstdcs_cap_percent, "cstdcs_cap_percent", "CSTDCS",
                                                  [r for k, r in rules if k == "LDTT"], "số Lao động tiên tiến đề nghị")
    else:
        cap, setting, capped, base, base_words = (settings.ttldxs_cap_percent, "ttldxs_cap_percent", "TTLDXS",
                                                  rows, "số tập thể đề nghị")
    over = [r for k, r in rules if k == capped]
    if cap is None or not over:
        return []
    limit = math.floor(len(base) * cap / 100 + 1e-9)
    if len(over) <= limit:
        return []
    first = over[limit] if limit < len(over) else over[0]
    name, cell = locate(sheet, first, "title")
    award = next((c.name for c in campaign.catalogue if c.rule == capped), capped)
    return [finding("proposal.ratio_cap", sheet=name, cell=cell, field="title", value=len(over), unit=unit,
                    award=award, need=number_text(cap), base=base_words, count=len(base), limit=limit, setting=setting)]


# --- the master: the checked lines and the council's result ----------------------------------------
CHECK_SHEET = "Kiểm tra đề nghị"


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
