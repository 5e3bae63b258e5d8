"""The decision documents themselves: the office's submission (Tờ trình) to the Director, the Director's
decision (Quyết định), and the Department's submission to the provincial chairman for the awards the
province decides; each from its Word template (``document_templates``) with its list attached (the
lists of ``decision.group``, drawn by ``decision_docx.append_list``: the same code as the lists' file).

``decide_with_documents`` runs the decision (``award.decide``: the lists and the award history) and
writes the documents beside the lists; with ``pdf``, one PDF per document (each is signed by its own
signer: the office's head, the Director), made by LibreOffice (``core.pdf``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheets_tools.campaign.model import LAW, Campaign
from sheets_tools.core.filenames import safe_file_name
from sheets_tools.core.files import campaign_lock
from sheets_tools.core.pdf import PdfError, to_pdf
from sheets_tools.core.text import fold, normalize
from sheets_tools.yearend import award
from sheets_tools.yearend.decision import (SUBJECT_WORDS, Award, DecisionList, clean, decider_of, director,
                                           format_money, group, place_date, save_beside)
from sheets_tools.yearend.decision_docx import append_list
from sheets_tools.yearend.document_templates import (QUYET_DINH, TEMPLATES, TO_TRINH_TINH, TO_TRINH_VAN_PHONG,
                                                     Template, check, office_copy, render)

PROVINCE_CHAIR = "Chủ tịch UBND tỉnh"
BLANK = "......"
_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", " nghìn", " triệu")


@dataclass
class DocumentsResult:
    """What ``decide_with_documents`` did: the decision (lists, history), the documents, their PDFs."""

    decided: award.DecisionResult
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    pdf_error: str = ""  # why no PDF was made (the documents are written)


def decide_with_documents(campaign: Campaign, *, number: str = "", signed_on: date | None = None,
                          pdf: bool = False) -> DocumentsResult:
    """The decision lists, then the documents from the office's templates (checked first: a template
    that cannot be used stops everything before anything is written), then, with ``pdf``, their PDFs."""
    award.check_date(campaign, signed_on)
    for template in TEMPLATES:
        check(office_copy(campaign, template))
    decided = award.decide(campaign, number=number, signed_on=signed_on)
    with campaign_lock(campaign.dir, "decision documents"):
        documents = write_documents(campaign, decided.awards, campaign.dir / award.DECISION_DIR, number=number,
                                    signed_on=signed_on)
    result = DocumentsResult(decided, documents)
    if pdf and documents:
        try:
            result.pdfs = to_pdf(documents)
        except PdfError as exc:
            result.pdf_error = str(exc)
    return result


def write_documents(campaign: Campaign, awards: list[Award], out_dir: Path, *, number: str = "",
                    signed_on: date | None = None) -> list[Path]:
    """The documents of the awards (none for a decider without awards); returns the paths written."""
    lists = {dl.decider: dl for dl in group(campaign, awards)}
    own, chair = lists.get(director(campaign)), _province_list(campaign, lists)
    common = context(campaign, number, chair)
    year, written = campaign.info.year, []
    if own is not None:
        office_line = f"Kèm theo Tờ trình số ......../TTr-VP của {clean(campaign.info.office)}"
        written.append(_write(campaign, TO_TRINH_VAN_PHONG, own, common, out_dir / safe_file_name(
            f"Tờ trình đề nghị {own.decider} khen thưởng năm {year}", ".docx"), attached=office_line, signer=None))
        written.append(_write(campaign, QUYET_DINH, own, common, out_dir / safe_file_name(
            f"Quyết định khen thưởng năm {year}", ".docx"), number=number, signed_on=signed_on))
    if chair is not None:
        written.append(_write(campaign, TO_TRINH_TINH, chair, common, out_dir / safe_file_name(
            f"Tờ trình đề nghị {chair.decider} khen thưởng năm {year}", ".docx")))
    return written


def _province_list(campaign: Campaign, lists: dict[str, DecisionList]) -> DecisionList | None:
    """The list of the provincial chairman (a decider named "Chủ tịch ... tỉnh"), if any."""
    return next((dl for decider, dl in lists.items() if decider != director(campaign)
                 and fold(decider).startswith("chủ tịch") and "tỉnh" in fold(decider)), None)


def _write(campaign: Campaign, template: Template, dlist: DecisionList, common: dict[str, Any], path: Path, *,
           number: str = "", signed_on: date | None = None, attached: str = "", signer: Any = ...) -> Path:
    """One document: its template filled, its list from a new page, saved atomically."""
    values = {**common, "ds": list_values(dlist), "dia_danh_ngay": place_date(campaign, signed_on)}
    tpl = render(office_copy(campaign, template), values)
    options = {} if signer is ... else {"signer": signer}
    append_list(tpl.docx, campaign, dlist, number=number, signed_on=signed_on, attached=attached, **options)
    return save_beside(path, lambda tmp: tpl.save(str(tmp)))


def context(campaign: Campaign, number: str, chair: DecisionList | None) -> dict[str, Any]:
    """The values every template may use (``document_templates.NAMES``), but the list's own."""
    info, boss = campaign.info, director(campaign)
    return {
        "co_quan_cap_tren": clean(info.parent_agency).upper(), "co_quan": clean(info.agency).upper(),
        "ten_co_quan": in_sentence(info.agency), "ky_hieu": symbol(number), "van_phong": clean(info.office),
        "nam": info.year, "so_quyet_dinh": clean(number) or BLANK, "luat": LAW, "nghi_dinh": campaign.decree,
        "giam_doc": boss, "chuc_danh_ky": clean(info.signer_title).upper(),
        "ten_nguoi_ky": member_named(campaign, boss), "ten_chanh_van_phong": member_named(campaign, f"Chánh {info.office}"),
        "chu_tich_tinh": chair.decider if chair is not None else _chair_name(campaign),
        "muc_luong_co_so": format_money(round(campaign.yearend.base_salary)),
        "tinh": list_values(chair) if chair is not None else None,
    }


def _chair_name(campaign: Campaign) -> str:
    deciders = dict.fromkeys(decider_of(campaign, item) for item in campaign.catalogue)
    return next((d for d in deciders if fold(d).startswith("chủ tịch") and "tỉnh" in fold(d)), PROVINCE_CHAIR)


def list_values(dlist: DecisionList) -> dict[str, Any]:
    """A list's numbers for the text: who and how many, the money (figures and words), one entry per group."""
    groups = [g for section in dlist.sections for g in section.groups]
    total = dlist.total
    return {
        "doi_tuong": " và ".join(f"{dlist.count(s)} {SUBJECT_WORDS[s]}" for s in SUBJECT_WORDS if dlist.count(s)),
        "so_ca_nhan": dlist.count("individual"), "so_tap_the": dlist.count("collective"),
        "tong_tien": format_money(total) if total else "", "tong_tien_chu": money_words(total) if total else "",
        "nhom": [{"ten": g.label, "so_luong": g.how_many, "doi_tuong": SUBJECT_WORDS[g.awards[0].subject],
                  "muc_tien": format_money(g.money), "thanh_tien": format_money(g.total)} for g in groups],
    }


def in_sentence(agency: str) -> str:
    """An agency's name as a sentence writes it: "SỞ TƯ PHÁP" -> "Sở Tư pháp" (a name not all in
    capitals is kept as typed)."""
    name = clean(agency)
    if not name.isupper():
        return name
    words = name.lower().split()
    return " ".join(w[:1].upper() + w[1:] if i < 2 else w for i, w in enumerate(words))


def symbol(number: str) -> str:
    """The agency's symbol in a document number: "245/QĐ-STP" -> "STP" (``BLANK`` when none)."""
    tail = clean(number).rpartition("/")[2]
    return tail.rpartition("-")[2].strip() if "-" in tail else BLANK


def member_named(campaign: Campaign, position: str) -> str:
    """The name of the council member holding ``position`` ("Giám đốc Sở"), or "" when none does."""
    key = fold(position)
    return next((clean(m.name) for m in campaign.council if fold(m.position) == key), "")


def money_words(amount: int | None) -> str:
    """An amount in Vietnamese words, as written after the figures: 702000 -> "Bảy trăm linh hai nghìn đồng"."""
    if amount is None:
        return ""
    words = _number_words(int(amount)) if amount else _DIGITS[0]
    return normalize(words[:1].upper() + words[1:] + " đồng")


def _number_words(n: int) -> str:
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        return f"{_number_words(high)} tỷ" + (f" {_below_billion(low, full=True)}" if low else "")
    return _below_billion(n, full=False)


def _below_billion(n: int, *, full: bool) -> str:
    """``n`` < 10^9 in words; ``full``: read leading zeros of the first group ("không trăm linh năm")."""
    groups = [(n // 1000 ** i) % 1000 for i in range(2, -1, -1)]  # millions, thousands, units
    parts, started = [], full
    for unit, value in zip(reversed(_GROUPS), groups):
        if value:
            parts.append(_three(value, full=started) + unit)
            started = True
    return " ".join(parts)


def _three(n: int, *, full: bool) -> str:
    """0 < ``n`` < 1000 in words; ``full``: the hundreds are read even when 0."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [f"{_DIGITS[hundreds]} trăm"] if hundreds or full else []
    if tens == 0 and units and words:
        words.append("linh")
    elif tens == 1:
        words.append("mười")
    elif tens > 1:
        words.append(f"{_DIGITS[tens]} mươi")
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5 and tens > 0:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return " ".join(words)
