"""Issue the forms: a pre-filled workbook and an e-mail draft per unit and form.

Drafts are RFC 5322 ``.eml`` files the office opens in its mail program (Outlook treats
``X-Unsent: 1`` as a message to send), checks and sends. Nothing is sent from here.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sheets_tools.formkit import declaration as forms
from sheets_tools.collection import calendar as schedule
from sheets_tools.collection import reminders
from sheets_tools.collection.status import is_optional
from sheets_tools.collection.templates import safe_file_name, unit_file_name
from sheets_tools.collection.unit_books import UnitBooks
from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.core import progress
from sheets_tools.core.files import campaign_lock, atomic_write_bytes
from sheets_tools.formkit.declaration import Form
from sheets_tools.store.ledger import LEDGER_FILE, Ledger
from sheets_tools.core.records import OFFICE_TZ
from sheets_tools.formkit.plugins import Context

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
OUTBOX = reminders.OUTBOX


@dataclass
class IssueResult:
    """What ``issue`` wrote: workbooks, drafts, and notes on what it could not do."""

    files: list[Path] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)  # the forms issued
    # ``issue`` by the calendar: the day the next window opens, or the first one when all are past
    next_opening: date | None = None
    upcoming: bool = False  # ``next_opening`` is after today
    # ``remind``: per form id, the units due a reminder that were never issued the form (not reminded)
    not_issued: dict[str, list[Unit]] = field(default_factory=dict)


def draft_email(*, sender: str, to: str, subject: str, body: str, attachments: list[Path],
                date: datetime | None = None, unsent: bool = True) -> bytes:
    """An RFC 5322 message (UTF-8, CRLF) with the .xlsx ``attachments``, ready to open as a draft
    (``unsent``: marked ``X-Unsent: 1``; a message sent over SMTP is not). ``to`` may hold several
    addresses ("a@x; b@y"): all of them receive the one message."""
    msg = EmailMessage(policy=policy.SMTP)
    if sender:
        msg["From"] = sender
    if to:
        msg["To"] = ", ".join(addresses(to))
    set_subject(msg, subject)
    moment = date or datetime.now().astimezone()
    if moment.tzinfo is None:  # a naive time is the office's wall clock
        moment = moment.replace(tzinfo=OFFICE_TZ)
    msg["Date"] = format_datetime(moment)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if unsent:
        msg["X-Unsent"] = "1"
    msg.set_content(body, charset="utf-8", cte="quoted-printable")  # 7-bit clean, still readable
    for path in attachments:
        path = Path(path)
        maintype, subtype = XLSX_TYPE if path.suffix.lower() == ".xlsx" else ("application", "octet-stream")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
        _name_in_content_type(msg.get_payload()[-1], path.name)
    return msg.as_bytes()


def addresses(text: str) -> list[str]:
    """The addresses of a unit's e-mail cell ("a@x; b@y" or "a@x, b@y")."""
    return [a.strip() for a in re.split(r"[,;]", text or "") if a.strip()]


# --- headers every mail program reads the same way ----------------------------------------------------
# Python folds a long subject into encoded words with the space between two words left outside them,
# where RFC 2047 says to ignore it: Outlook and Thunderbird then show "Tự chấmđiểm". Here every space
# stays inside an encoded word, and a new word starts only between two characters.
_WORD_OVERHEAD = len("=?utf-8?b??=")
LINE_MAX = 78


def encoded_words(text: str, first_room: int) -> list[str]:
    """``text`` as RFC 2047 encoded words (UTF-8, base64), the first at most ``first_room`` characters long,
    the others at most 75; every character, spaces included, inside a word."""
    words: list[str] = []
    chunk = b""
    room = first_room
    for ch in text:
        data = ch.encode("utf-8")
        if chunk and _WORD_OVERHEAD + 4 * -(-len(chunk + data) // 3) > room:
            words.append(_word(chunk))
            chunk, room = b"", 75
        chunk += data
    words.append(_word(chunk))
    return words


def _word(data: bytes) -> str:
    return "=?utf-8?b?" + base64.b64encode(data).decode("ascii") + "?="


def set_subject(msg: EmailMessage, subject: str) -> None:
    """Set ``msg``'s Subject so that every mail program shows exactly ``subject`` (replacing any)."""
    del msg["Subject"]
    subject = " ".join(subject.split())  # no line breaks or runs of spaces in a subject
    if subject.isascii():
        msg["Subject"] = subject
        return
    room = LINE_MAX - len("Subject: ")
    msg.set_raw("Subject", "\n ".join(encoded_words(subject, room)))


def _name_in_content_type(part: EmailMessage, name: str) -> None:
    """Beside the RFC 2231 ``filename*`` Python writes, the attachment's name as encoded words in
    Content-Type ``name``, the form older mail programs read."""
    if name.isascii():
        return
    content_type = part.get_content_type()
    del part["Content-Type"]
    words = encoded_words(name, 75 - len(' name="'))
    quoted = ' name="' + "\n ".join(words) + '"'
    part.set_raw("Content-Type", f"\n {content_type};\n{quoted}")


def issue(campaign: Campaign, form_ids: list[str] | None = None, *, today: date | None = None,
          all_forms: bool = False) -> IssueResult:
    """Write every unit's pre-filled workbook and e-mail draft under ``campaign.dir/outbox/<unit code>/``.

    The forms are ``form_ids``; without them, every form (``all_forms``) or the forms the campaign's
    calendar sends out ``today`` (``schedule.due_forms``; the others are noted in ``skipped``).
    Re-running overwrites. Units without an e-mail address get the workbook but no draft
    (noted in ``skipped``).
    """
    known = forms.load_forms()
    unknown = [f for f in form_ids or [] if f not in known]
    if unknown:
        raise ValueError(f"Không có biểu mẫu {', '.join(unknown)}; các biểu mẫu hiện có: {', '.join(known)}")
    result = IssueResult()
    if form_ids:
        chosen = [known[f] for f in form_ids]
    elif all_forms:
        chosen = list(known.values())
    else:
        chosen, result.skipped = schedule.due_forms(campaign, today or date.today())
        if not chosen:
            result.next_opening, result.upcoming = next_opening(campaign, today or date.today())
    result.forms = chosen
    if not campaign.units:
        result.skipped.append("Danh sách đơn vị trong campaign.xlsx đang trống: chưa tạo biểu mẫu nào.")
    if not campaign.info.office_email:
        result.skipped.append("Chưa khai báo \"E-mail tiếp nhận\" trong campaign.xlsx: thư nháp không có "
                              "người gửi và không ghi địa chỉ nhận lại.")
    # what units sent before (e.g. January targets) may be prefilled: the ledger is read, never written
    # (the lock: no other command sweeps the temporary files of the workbooks being written here)
    with campaign_lock(campaign.dir, "issue"):
        ledger = Ledger(campaign.dir) if (campaign.dir / LEDGER_FILE).exists() else None
        try:
            books = UnitBooks(campaign, Context(campaign, ledger))
            total = len(chosen) * len(campaign.units)
            for form in chosen:
                if form.deadline and campaign.deadline(form.deadline) is None:
                    result.skipped.append(f"Biểu mẫu \"{form.name}\" chưa có hạn nộp trong campaign.xlsx (trang "
                                          "Thời hạn).")
                for unit in campaign.units:
                    _issue_one(campaign, form, unit, result, books)
                    progress.report("Đang ghi biểu mẫu", len(result.files), total, f"{form.name}, {unit.name}")
        finally:
            if ledger is not None:
                ledger.close()
    return result


def next_opening(campaign: Campaign, today: date) -> tuple[date | None, bool]:
    """The day the next window of the calendar opens after ``today`` (and True); when every window is past,
    the day the first one opened (and False); None when the calendar has no opening day."""
    opens = sorted(w.opens for w in schedule.windows(campaign) if w.opens and w.state(today) != "regular")
    later = [day for day in opens if day > today]
    return (later[0], True) if later else (opens[0] if opens else None, False)


def _issue_one(campaign: Campaign, form: Form, unit: Unit, result: IssueResult, books: UnitBooks) -> None:
    path = campaign.dir / OUTBOX / unit.code / unit_file_name(form, campaign, unit)
    result.files.append(atomic_write_bytes(path, books.workbook_bytes(form, unit)))
    if not unit.email:
        result.skipped.append(f"{unit.name} ({unit.code}) chưa có e-mail: đã tạo biểu mẫu \"{path.name}\" "
                              "nhưng không tạo thư nháp.")
        return
    message = draft_email(sender=campaign.info.office_email, to=unit.email, subject=subject(campaign, form),
                          body=body(campaign, form, unit, path.name), attachments=[path])
    result.drafts.append(atomic_write_bytes(path.with_suffix(".eml"), message))


def remind(campaign: Campaign, *, today: date | None = None, form_ids: list[str] | None = None) -> IssueResult:
    """Write a reminder draft to every unit the calendar says to remind today (``reminders.reminders``),
    under ``outbox/<unit code>/``, with the unit's form attached again (the issued one; built again when
    only the ledger's record of its sent mail is left).
    ``files`` are the forms attached, ``drafts`` the reminders; units without e-mail are in ``skipped``.
    A unit is reminded only of a form issued to it (``reminders.only_issued``); the others are in
    ``not_issued``. An optional form is never reminded."""
    today = today or date.today()
    result = IssueResult()
    with campaign_lock(campaign.dir, "remind"):
        if not (campaign.dir / LEDGER_FILE).exists():
            Ledger(campaign.dir).close()  # nothing collected yet: every unit is still to send everything
        _remind(campaign, today, form_ids, result)
    return result


def _remind(campaign: Campaign, today: date, form_ids: list[str] | None, result: IssueResult) -> None:
    with Ledger(campaign.dir) as ledger:
        due, result.not_issued = reminders.only_issued(campaign, ledger,
                                                       reminders.reminders(campaign, ledger, today, form_ids))
        for form in (forms.load_forms().get(f) for f in form_ids or []):
            if form is not None and is_optional(campaign, form):
                result.skipped.append(f"\"{form.name}\" là biểu mẫu không bắt buộc (trang \"Thời hạn\"): không nhắc.")
        books = UnitBooks(campaign, Context(campaign, ledger))
        for done, r in enumerate(due, 1):
            progress.report("Đang ghi thư nhắc", done, len(due), f"{r.form.name}, {r.unit.name}")
            path = campaign.dir / OUTBOX / r.unit.code / unit_file_name(r.form, campaign, r.unit)
            if not path.exists():
                atomic_write_bytes(path, books.workbook_bytes(r.form, r.unit))
            result.files.append(path)
            if r.form not in result.forms:
                result.forms.append(r.form)
            if not r.unit.email:
                result.skipped.append(f"{r.unit.name} ({r.unit.code}) chưa có e-mail: không tạo được thư nhắc "
                                      f"\"{r.form.name}\".")
                continue
            text = reminder_body(campaign, r, path.name, today)
            message = draft_email(sender=campaign.info.office_email, to=r.unit.email,
                                  subject="Nhắc nộp: " + subject(campaign, r.form), body=text, attachments=[path])
            result.drafts.append(atomic_write_bytes(path.parent / reminder_name(campaign, r.form), message))


def reminder_name(campaign: Campaign, form: Form) -> str:
    """The file name of a unit's reminder draft for ``form``, beside its form in ``outbox/<unit code>/``."""
    return safe_file_name(f"Nhắc nộp - {form.name} {campaign.info.year}", ".eml")


def reminder_body(campaign: Campaign, r: "reminders.Reminder", file_name: str, today: date) -> str:
    """The reminder letter: what is missing, by when, and what to do."""
    info = campaign.info
    to = f"{r.unit.name} (đồng chí {r.unit.contact})" if r.unit.contact else r.unit.name
    back = f"về địa chỉ {info.office_email}" if info.office_email else f"về {info.office}"
    if r.state == "rejected":
        what = (f"Biểu mẫu \"{r.form.name} năm {info.year}\" đơn vị gửi về còn lỗi nên chưa được ghi nhận. "
                "Đề nghị đơn vị sửa theo tệp phản hồi Văn phòng đã gửi (các ô tô đỏ) rồi gửi lại.")
    else:
        what = f"Đến ngày {_dmy(today)}, {info.office} chưa nhận được biểu mẫu \"{r.form.name} năm {info.year}\" " \
               "của đơn vị."
    due = (f"Hạn nộp là ngày {_dmy(r.deadline)} (đã quá hạn {(today - r.deadline).days} ngày); đề nghị đơn vị "
           "gửi ngay." if r.overdue else f"Hạn nộp là ngày {_dmy(r.deadline)}; đề nghị đơn vị gửi đúng hạn.")
    lines = [f"Kính gửi: {to}", "", what, due, "",
             f"Biểu mẫu của đơn vị được gửi kèm thư này ({file_name}); đơn vị điền và gửi lại chính tệp này {back}.",
             "", "Trân trọng cảm ơn./.", "", "--", info.office]
    return "\n".join(lines) + "\n"


def subject(campaign: Campaign, form: Form) -> str:
    """E.g. ``[Sở Tư pháp] Đăng ký thi đua năm 2024 - hạn nộp 31/01/2024``."""
    text = f"[{_agency_name(campaign)}] {form.name} năm {campaign.info.year}"
    due = campaign.deadline(form.deadline) if form.deadline else None
    return text + (f" - hạn nộp {_dmy(due)}" if due else "")


def body(campaign: Campaign, form: Form, unit: Unit, file_name: str) -> str:
    """The polite Vietnamese letter that goes with a unit's form."""
    info = campaign.info
    due = campaign.deadline(form.deadline) if form.deadline else None
    to = f"{unit.name} (đồng chí {unit.contact})" if unit.contact else unit.name
    back = f"về địa chỉ {info.office_email}" if info.office_email else f"về {info.office}"
    by = f" trước ngày {_dmy(due)}" if due else ""
    lines = [
        f"Kính gửi: {to}",
        "",
        f"Thực hiện công tác thi đua, khen thưởng năm {info.year}, {info.office} gửi đơn vị biểu mẫu "
        f"\"{form.name} năm {info.year}\" (tệp đính kèm: {file_name}). Biểu mẫu đã ghi sẵn tên và mã "
        "của đơn vị.",
        "",
        "Đề nghị đơn vị:",
        "1. Mở tệp đính kèm, đọc trang \"Hướng dẫn\" và điền đầy đủ thông tin vào biểu mẫu;",
        "2. Ở các cột có danh sách thả xuống, chọn giá trị trong danh sách; nhập ngày dạng dd/mm/yyyy;",
        "3. Không đổi tên, thêm, xóa trang tính; không chèn, xóa cột hay sửa tiêu đề cột của biểu mẫu;",
        f"4. Lưu tệp dạng .xlsx và gửi lại chính tệp này {back}{by}.",
        "",
        f"Sau khi nhận, {info.office} sẽ kiểm tra và gửi phản hồi nếu biểu mẫu cần bổ sung, sửa chữa.",
        "",
        "Trân trọng cảm ơn./.",
        "",
        "--",
        info.office,
        info.agency + (f" - {info.parent_agency}" if info.parent_agency else ""),
    ]
    if info.office_email:
        lines.append(f"E-mail: {info.office_email}")
    return "\n".join(lines) + "\n"


def _agency_name(campaign: Campaign) -> str:
    """The agency as written in a sentence: setting ``email_tag``, else "SỞ TƯ PHÁP" -> "Sở Tư pháp"."""
    tag = campaign.settings.get("email_tag", "").strip()
    agency = campaign.info.agency.strip()
    if tag or not agency.isupper():
        return tag or agency
    words = agency.split()
    if len(words) <= 3:  # organ + name: "Sở" + "Tư pháp"
        return " ".join(w.capitalize() if i < 2 else w.lower() for i, w in enumerate(words))
    return agency.title()


def _dmy(value: date) -> str:
    return value.strftime("%d/%m/%Y")
