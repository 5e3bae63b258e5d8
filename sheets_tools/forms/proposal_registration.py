"""The proposal rules that look at January's registration (form "registration"): the person or collective
was registered by the unit, for the title proposed or one as high; and last year's rating it gives
(``last_rating``, for the rules over several years)."""
from __future__ import annotations

from sheets_tools.campaign.model import CatalogueItem
from sheets_tools.core.findings import ERROR, WARNING, Code, Finding
from sheets_tools.core.records import Row
from sheets_tools.core.text import fold
from sheets_tools.core.text import person_key as person_name_key
from sheets_tools.core.values import format_date
from sheets_tools.formkit.declaration import TableSheet, get_form
from sheets_tools.formkit.plugins import Context

CODES = {
    "proposal.no_registration": Code(
        ERROR, "{what}: đơn vị chưa có bản đăng ký thi đua hợp lệ nên chưa xét được danh hiệu \"{award}\". Hãy gửi "
        "bản đăng ký thi đua (đã gửi trong tháng 1) hoặc liên hệ Văn phòng. (Căn cứ: {basis}.)"),
    "proposal.not_registered": Code(
        ERROR, "{what} không có trong bản đăng ký thi đua của đơn vị nên chưa đủ điều kiện xét danh hiệu \"{award}\". "
        "Hãy kiểm tra họ tên, ngày sinh cho khớp với bản đăng ký. (Căn cứ: {basis}.)"),
    "proposal.registered_other": Code(
        WARNING, "{what} đăng ký danh hiệu \"{registered}\" trong tháng 1, nay đề nghị danh hiệu cao hơn \"{award}\". "
        "Hãy kiểm tra lại. (Căn cứ: {basis}.)"),
}


def registration_findings(unit: str, sheet: TableSheet, row: Row, title: CatalogueItem, context: Context, hit
                          ) -> list[Finding]:
    """The row's person or collective registered in January by the unit, for this title or one as high."""
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


def last_rating(unit: str, v: dict, context: Context) -> str | None:
    """Last year's rating of the person in the unit's January registration ("Xếp loại năm trước")."""
    name = f"{v.get('family_name') or ''} {v.get('given_name') or ''}"
    people = context.registered_people(unit).get(person_name_key(name), [])
    return next((p.get("last_rating") for p in people if p.get("birth_date") == v.get("birth_date")), None)
