"""The nomination form's own rules (seed 003): exemplary collectives and individuals, new models and
new factors, nominated by the units all year; the council's list in the master, where the office
selects what to publish; the list to publish (publication.py) written beside the master.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from sheets_tools.store import office
from sheets_tools.campaign.model import Campaign
from sheets_tools.core.findings import ERROR, WARNING, Code, finding
from sheets_tools.formkit.declaration import Form, get_form, load_forms
from sheets_tools.core.values import format_date, is_empty
from sheets_tools.master.office import OfficeColumn, OfficeColumns
from sheets_tools.master.publication import roman, write_publication
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import fold, normalize, person_key, same_tones
from sheets_tools.formkit.rows import describe_row, placed
from sheets_tools.formkit.plugins import Context, hook

FORM_ID = "nominations"
SHEET = "nominations"
INDIVIDUAL, COLLECTIVE = "Cá nhân", "Tập thể"
CRITERIA = ("criterion_1", "criterion_2", "criterion_3")  # seed 003 §2.2, in its order
INITIATIVE_CRITERION = "criterion_2"
MIN_DESCRIPTION = 50  # characters: shorter is too little to publish
SELECTED_WORDS = {"x", "có"}  # what the office types in "Chọn tuyên truyền" to select a nomination
PLAN = ("Kế hoạch tuyên truyền các phong trào thi đua yêu nước, các điển hình tiên tiến, mô hình mới, "
        "nhân tố mới")
BASIS_CRITERIA = f"{PLAN}, mục II.2.2 \"Tiêu chí chung\""
BASIS_SUBJECTS = f"{PLAN}, mục II.2.1 \"Đối tượng\": tập thể, cá nhân đang công tác tại đơn vị"

CODES = {
    "nomination.no_criterion": Code(
        ERROR, "{what}: chưa chọn tiêu chí nào. Điển hình tiên tiến phải đạt tiêu chí chung; hãy chọn \"Có\" ở "
        "cột tiêu chí mà tập thể, cá nhân đạt (cột {columns}), hoặc bỏ đề xuất này. (Căn cứ: {basis}.)"),
    "nomination.not_registered": Code(
        WARNING, "{what} không có trong bản đăng ký thi đua tháng 1 của đơn vị. Hãy kiểm tra họ và tên cho khớp với "
        "bản đăng ký; nếu người này mới về công tác tại đơn vị, hãy ghi rõ ở cột \"Ghi chú\". (Căn cứ: {basis}.)"),
    "nomination.no_registration": Code(
        WARNING, "Đơn vị chưa có bản đăng ký thi đua hợp lệ nên chưa đối chiếu được các cá nhân được đề xuất với "
        "danh sách đăng ký. Hãy gửi bản đăng ký thi đua (hạn nộp {deadline}) hoặc liên hệ Văn phòng."),
    "nomination.not_author": Code(
        WARNING, "{what}: chọn tiêu chí 2 (sáng tạo, sáng kiến) nhưng không là tác giả hoặc đồng tác giả của đề tài, "
        "sáng kiến nào đơn vị đã đăng ký với Hội đồng Sáng kiến ({registered}). Hãy kiểm tra họ tên cho khớp với bản "
        "đăng ký đề tài, sáng kiến, hoặc bỏ chọn tiêu chí 2 nếu thành tích không dựa trên sáng kiến đã đăng ký. "
        "(Căn cứ: {basis}.)"),
    "nomination.short_description": Code(
        WARNING, "{what}: phần mô tả chỉ có {length} ký tự, quá ngắn để giới thiệu, tuyên truyền. Hãy mô tả đầy đủ "
        "hơn (ít nhất {minimum} ký tự): mô hình, cách làm, kết quả đạt được với số liệu cụ thể."),
    "nomination.other_unit": Code(
        WARNING, "{what} cũng được {other_unit} đề xuất. Hãy thống nhất với đơn vị kia để chỉ một đơn vị đề xuất "
        "(nơi tập thể, cá nhân đang công tác)."),
}


# --- the checks ----------------------------------------------------------------------------------
def check(result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
    """Every rule of seed 003 on one returned nomination form; findings go to ``result``."""
    sheet = form.sheet(SHEET)
    unit = result.unit_code or ""
    rows = [r for r in result.rows if r.sheet == SHEET and r.valid]

    def hit(code: str, row: Row | None, column: str, **ctx: Any) -> None:
        name, letter = placed(result, sheet, sheet.column(column))
        values = row.values if row is not None else {}
        ctx.setdefault("value", values.get(column))
        result.findings.append(finding(code, sheet=name, cell=f"{letter}{row.row}" if row else None, field=column,
                                       file=result.incoming.source, unit=unit,
                                       what=describe_row(sheet, values), **ctx))

    people = [r for r in rows if _is_individual(r.values)]
    registered = context.rows_in_use("registration").get(unit)
    if people and registered is None:
        hit("nomination.no_registration", None, "name", value=None, deadline=_registration_deadline(campaign))
    known = context.registered_people(unit) if registered is not None else {}
    authors = _authors(context, unit)
    others = _others(context, unit)
    for row in rows:
        v = row.values
        if not any(_marked(v.get(c)) for c in CRITERIA):
            hit("nomination.no_criterion", row, CRITERIA[0], basis=BASIS_CRITERIA,
                columns=", ".join(placed(result, sheet, sheet.column(c))[1] for c in CRITERIA))
        if _is_individual(v):
            if registered is not None and person_key(v.get("name") or "") not in known:
                hit("nomination.not_registered", row, "name", basis=BASIS_SUBJECTS)
            if authors is not None and _marked(v.get(INITIATIVE_CRITERION)) \
                    and person_key(v.get("name") or "") not in authors[0]:
                registered_text = (f"đơn vị đã đăng ký {authors[1]} đề tài, sáng kiến" if authors[1]
                                   else "đơn vị chưa đăng ký đề tài, sáng kiến nào")
                hit("nomination.not_author", row, INITIATIVE_CRITERION, registered=registered_text,
                    basis=BASIS_CRITERIA + ", tiêu chí 2")
        length = len(normalize(v.get("description") or ""))
        if length < MIN_DESCRIPTION:
            hit("nomination.short_description", row, "description", length=length, minimum=MIN_DESCRIPTION)
        names = [_unit_name(campaign, u) for u in others.get(nominee_key(v), [])]
        if names:
            hit("nomination.other_unit", row, "name", other_unit=", ".join(names))


def _registration_deadline(campaign: Campaign) -> str:
    due = campaign.deadline("registration")
    return format_date(due) if due else "31/01"


def _is_individual(values: dict) -> bool:
    return fold(values.get("subject") or "") == fold(INDIVIDUAL)


def _marked(value: Any) -> bool:
    return not is_empty(value)  # the column's only choice is "Có"


def nominee_key(values: dict) -> tuple[str, str]:
    """Who is nominated, to compare across units: (subject, person or collective name)."""
    name = values.get("name") or ""
    subject = fold(values.get("subject") or "")
    return subject, person_key(name) if subject == fold(INDIVIDUAL) else fold(name)


def _authors(context: Context, unit: str) -> tuple[set[str], int] | None:
    """The person keys of the authors and co-authors of the initiatives ``unit`` registered, and how many
    it registered; None when the campaign has no initiative form (nothing to compare with).
    The names of a cell are split as the initiative form's rules split them (``split_names``)."""
    split = hook("initiatives", "split_names") if "initiatives" in load_forms() else None
    if split is None:
        return None
    rows = [r for r in context.rows_in_use("initiatives").get(unit, []) if r.sheet == "initiatives"]
    names = {person_key(n) for r in rows for f in ("authors", "co_authors") for n in split(r.values.get(f))}
    return names, len(rows)


def _others(context: Context, unit: str) -> dict[tuple[str, str], list[str]]:
    """Nominee -> the other units whose nominations in use name them. Read afresh for each file (not
    the run's cache), so a file collected in the same run as the other unit's is compared with it."""
    out: dict[tuple[str, str], list[str]] = {}
    if context.ledger is None:
        return out
    form = get_form(FORM_ID)
    for other, sub in context.ledger.data_submission(FORM_ID).items():
        if other == unit:
            continue
        for row in context.ledger.typed_rows(form, sub.id):
            if row.sheet == SHEET:
                units = out.setdefault(nominee_key(row.values), [])
                if other not in units:
                    units.append(other)
    return out


# --- every nomination in use (master, publication) --------------------------------------------------
@dataclass
class Nomination:
    """One nomination of a unit's data submission, with what the office decided in the master."""
    unit: str
    unit_name: str
    row: int
    key: str  # stable across consolidations: unit code + subject + folded name
    subject: str
    name: str
    position: str
    category: str
    field: str
    criteria: list[str]  # the labels of the criteria marked
    description: str
    evidence: str
    publicity: str
    note: str
    also_by: list[str] = dataclass_field(default_factory=list)  # other units nominating the same
    choice: str = ""  # what the office typed in "Chọn tuyên truyền"
    remark: str = ""

    @property
    def selected(self) -> bool:
        return fold(self.choice) in SELECTED_WORDS


_TEXT = ("subject", "name", "position", "category", "field", "description", "evidence", "publicity", "note")


def entry_key(unit: str, values: dict) -> str:
    """The key of a nomination's row in the master (the office's entries are kept under it)."""
    subject = "CN" if _is_individual(values) else "TT"
    return f"{unit}|{subject}|{fold(values.get('name') or '')}"


def categories() -> list[str]:
    return list(get_form(FORM_ID).sheet(SHEET).column("category").choices or ())


def nominations(context: Context) -> list[Nomination]:
    """Every nomination in use, by category (the declaration's order), unit (the campaign's) and row."""
    def load() -> list[Nomination]:
        campaign = context.campaign
        sheet = get_form(FORM_ID).sheet(SHEET)
        rows = {u: [r for r in mine if r.sheet == SHEET] for u, mine in context.rows_in_use(FORM_ID).items()}
        kept = office.entries(context.ledger, SCOPE) if context.ledger is not None else {}
        # entries kept under a name's key from before the tone placement was made one ("thủy"/"thuỷ")
        chosen = {**{same_tones(k): e for k, e in kept.items()}, **kept}
        by_nominee: dict[tuple[str, str], list[str]] = {}
        for unit, mine in rows.items():
            for r in mine:
                by_nominee.setdefault(nominee_key(r.values), []).append(unit)
        out = []
        for unit, mine in rows.items():
            for r in mine:
                key, v = entry_key(unit, r.values), r.values
                entry = chosen.get(key, {})
                also = [u for u in dict.fromkeys(by_nominee[nominee_key(v)]) if u != unit]
                out.append(Nomination(
                    unit=unit, unit_name=_unit_name(campaign, unit), row=r.row, key=key,
                    **{f: str(v.get(f) or "") for f in _TEXT},
                    criteria=[sheet.column(c).label for c in CRITERIA if _marked(v.get(c))],
                    also_by=[_unit_name(campaign, u) for u in also], choice=str(entry.get("selected") or ""),
                    remark=str(entry.get("remark") or "")))
        order = {u.code: i for i, u in enumerate(campaign.units)}
        cats = {fold(c): i for i, c in enumerate(categories())}
        out.sort(key=lambda n: (cats.get(fold(n.category), len(cats)), order.get(n.unit, len(order)), n.unit, n.row))
        return out
    return context.once("nominations.list", load)


def _unit_name(campaign: Campaign, code: str) -> str:
    unit = campaign.unit(code)
    return unit.name if unit else code


def grouped(items: list[Nomination]) -> list[tuple[str, list[Nomination]]]:
    """(category, its nominations), in the order of ``items``."""
    out: dict[str, list[Nomination]] = {}
    for n in items:
        out.setdefault(n.category or "Chưa phân loại", []).append(n)
    return list(out.items())


# --- the master: the list for the council; the office selects what to publish -------------------------
MASTER_LABEL = "Điển hình"  # the master's sheet names: "Điển hình - Đề xuất điển hình"
LIST_SHEET = f"{MASTER_LABEL} - Danh sách xét chọn"
SCOPE = "nominations.selected"
KEY_LABEL = "Mã đề xuất"
SELECT_LABEL, REMARK_LABEL = "Chọn tuyên truyền", "Ý kiến Văn phòng"
office_columns = [OfficeColumns(scope=SCOPE, sheet=LIST_SHEET, key_label=KEY_LABEL, columns=(
    OfficeColumn("selected", SELECT_LABEL, "text"), OfficeColumn("remark", REMARK_LABEL, "text")),
    former=("Điển hình tiên tiến",))]
_COLUMNS = [("STT", 6), ("Đối tượng", 10), ("Tên tập thể, họ và tên cá nhân", 26), ("Chức vụ, nơi công tác", 22),
            ("Đơn vị đề xuất", 26), ("Lĩnh vực", 22), ("Tiêu chí đạt", 34), ("Mô tả mô hình, thành tích", 50),
            ("Tài liệu, số liệu chứng minh", 30), ("Hình thức tuyên truyền đề xuất", 22), ("Ghi chú", 26),
            (SELECT_LABEL, 12), (REMARK_LABEL, 30), (KEY_LABEL, 24)]


def master(m, context: Context) -> None:
    """The nominations in use, grouped by category, with the office's selection columns (yellow)."""
    items = nominations(context)
    if not items:
        return
    ws = m.sheet(LIST_SHEET)
    m.frame(ws, f"DANH SÁCH ĐỀ XUẤT ĐIỂN HÌNH TIÊN TIẾN, MÔ HÌNH MỚI, NHÂN TỐ MỚI NĂM {m.year}",
            f"Văn phòng ghi \"x\" hoặc \"Có\" ở cột \"{SELECT_LABEL}\" (ô nền vàng) cho đề xuất được chọn tuyên "
            "truyền rồi chạy lại sheets-tools consolidate: danh sách tuyên truyền (Excel, HTML) được ghi cạnh "
            "bảng tổng hợp.", [w for _, w in _COLUMNS], 3)
    m.header(ws, [label for label, _ in _COLUMNS])
    last, r = len(_COLUMNS) - 1, m.header_row
    for n, (category, group) in enumerate(grouped(items), start=1):
        r += 1
        m.merge(ws, r, 0, last, f"{roman(n)}. {category.upper()} ({len(group)})", "bold_wrap")
        for i, item in enumerate(group, start=1):
            r += 1
            note = "; ".join(x for x in (item.note, "Cũng được đề xuất bởi: " + ", ".join(item.also_by)
                                         if item.also_by else "") if x)
            values = [i, item.subject, item.name, item.position, item.unit_name, item.field, "\n".join(item.criteria),
                      item.description, item.evidence, item.publicity, note]
            for c, value in enumerate(values):
                m.put(ws, r, c, value, "wrap" if c >= 1 else "cell")
            m.put(ws, r, last - 2, item.choice, "input_text")
            m.put(ws, r, last - 1, item.remark, "input_text")
            m.put(ws, r, last, item.key)
    chosen = sum(1 for x in items if x.selected)
    m.note(ws, r + 2, f"Tổng số đề xuất: {len(items)}; được chọn tuyên truyền: {chosen}.")


# --- the list to publish ----------------------------------------------------------------------------
def outputs(context: Context, folder) -> list:
    """The selected nominations as a workbook and an HTML page beside the master (nothing when none)."""
    chosen = [n for n in nominations(context) if n.selected]
    if not chosen:
        return []
    return write_publication(context.campaign, grouped(chosen), folder)
