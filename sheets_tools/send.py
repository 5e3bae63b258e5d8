"""Issue the forms: a pre-filled workbook and an e-mail draft per unit and form.

Drafts are RFC 5322 ``.eml`` files the office opens in its mail program (Outlook treats
``X-Unsent: 1`` as a message to send), checks and sends. Nothing is sent from here.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from . import forms
from .build import form_workbook, unit_file_name
from .campaign import Campaign, Unit
from .files import atomic_write_bytes
from .forms import Form
from .ledger import LEDGER_FILE, Ledger
from .records import OFFICE_TZ
from .rules import Context

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
OUTBOX = "outbox"


@dataclass
class IssueResult:
    """What ``issue`` wrote: workbooks, drafts, and notes on what it could not do."""

    files: list[Path] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def draft_email(*, sender: str, to: str, subject: str, body: str, attachments: list[Path],
                date: datetime | None = None) -> bytes:
    """An RFC 5322 message (UTF-8, CRLF) with the .xlsx ``attachments``, ready to open as a draft."""
    msg = EmailMessage(policy=policy.SMTP)
    if sender:
        msg["From"] = sender
    if to:
        msg["To"] = to
    msg["Subject"] = subject
    moment = date or datetime.now().astimezone()
    if moment.tzinfo is None:  # a naive time is the office's wall clock
        moment = moment.replace(tzinfo=OFFICE_TZ)
    msg["Date"] = format_datetime(moment)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["X-Unsent"] = "1"
    msg.set_content(body, charset="utf-8", cte="quoted-printable")  # 7-bit clean, still readable
    for path in attachments:
        path = Path(path)
        maintype, subtype = XLSX_TYPE if path.suffix.lower() == ".xlsx" else ("application", "octet-stream")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg.as_bytes()


def issue(campaign: Campaign, form_ids: list[str] | None = None) -> IssueResult:
    """Write every unit's pre-filled workbook and e-mail draft under ``campaign.dir/outbox/<unit code>/``.

    Re-running overwrites. Units without an e-mail address get the workbook but no draft
    (noted in ``skipped``).
    """
    known = forms.load_forms()
    unknown = [f for f in form_ids or [] if f not in known]
    if unknown:
        raise ValueError(f"Không có biểu mẫu {', '.join(unknown)}; các biểu mẫu hiện có: {', '.join(known)}")
    chosen = [known[f] for f in form_ids] if form_ids else list(known.values())
    result = IssueResult()
    if not campaign.units:
        result.skipped.append("Danh sách đơn vị trong campaign.xlsx đang trống: chưa tạo biểu mẫu nào.")
    if not campaign.info.office_email:
        result.skipped.append("Chưa khai báo \"E-mail tiếp nhận\" trong campaign.xlsx: thư nháp không có "
                              "người gửi và không ghi địa chỉ nhận lại.")
    # what units sent before (e.g. January targets) may be prefilled: the ledger is read, never written
    ledger = Ledger(campaign.dir) if (campaign.dir / LEDGER_FILE).exists() else None
    try:
        context = Context(campaign, ledger)
        for form in chosen:
            if campaign.deadline(form.deadline) is None:
                result.skipped.append(f"Biểu mẫu \"{form.name}\" chưa có hạn nộp trong campaign.xlsx (trang Thời hạn).")
            for unit in campaign.units:
                _issue_one(campaign, form, unit, result, context)
    finally:
        if ledger is not None:
            ledger.close()
    return result


def _issue_one(campaign: Campaign, form: Form, unit: Unit, result: IssueResult, context: Context) -> None:
    path = campaign.dir / OUTBOX / unit.code / unit_file_name(form, campaign, unit)
    buffer = io.BytesIO()
    form_workbook(form, campaign, unit, context=context).save(buffer)
    result.files.append(atomic_write_bytes(path, buffer.getvalue()))
    if not unit.email:
        result.skipped.append(f"{unit.name} ({unit.code}) chưa có e-mail: đã tạo biểu mẫu \"{path.name}\" "
                              "nhưng không tạo thư nháp.")
        return
    message = draft_email(sender=campaign.info.office_email, to=unit.email, subject=subject(campaign, form),
                          body=body(campaign, form, unit, path.name), attachments=[path])
    result.drafts.append(atomic_write_bytes(path.with_suffix(".eml"), message))


def subject(campaign: Campaign, form: Form) -> str:
    """E.g. ``[Sở Tư pháp] Đăng ký thi đua năm 2024 - hạn nộp 31/01/2024``."""
    text = f"[{_agency_name(campaign)}] {form.name} năm {campaign.info.year}"
    due = campaign.deadline(form.deadline)
    return text + (f" - hạn nộp {_dmy(due)}" if due else "")


def body(campaign: Campaign, form: Form, unit: Unit, file_name: str) -> str:
    """The polite Vietnamese letter that goes with a unit's form."""
    info = campaign.info
    due = campaign.deadline(form.deadline)
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
