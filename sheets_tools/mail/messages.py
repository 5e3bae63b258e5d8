"""What there is to send, by kind: the forms (``issue``: the drafts ``sheets-tools issue`` wrote), the
reminders (``remind``: the drafts of ``sheets-tools remind``), the feedback on a collected file with
findings (``feedback``: the problems in the body, the feedback workbook attached) and the receipt of an
accepted file (``receipt``, when the setting ``mail.receipt`` is on).

Each message is known by a key that says what it is, so that it is sent once (``store.outbox``); it is
rendered only when it goes, with the office's address, the unit's addresses of today's campaign.xlsx, a
fresh Date and Message-ID, and the same subject as its draft.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from sheets_tools.campaign.mail_settings import mail_settings
from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.collection import issue
from sheets_tools.collection.results import feedback_path
from sheets_tools.collection.templates import unit_file_name
from sheets_tools.core.findings import SEVERITY_LABELS, Finding, finding
from sheets_tools.formkit.declaration import Form, load_forms
from sheets_tools.store.ledger import Ledger, Submission

KINDS = ("issue", "remind", "feedback", "receipt")
KIND_LABELS = {"issue": "Gửi biểu mẫu", "remind": "Nhắc nộp", "feedback": "Phản hồi", "receipt": "Báo đã nhận"}
LISTED_MAX = 60  # problems listed in a feedback mail's body; the workbook attached has them all


@dataclass
class Outgoing:
    """One message to send: a draft on disk, or a body and attachments built from the ledger."""

    key: str
    kind: str
    unit: Unit
    form_id: str | None
    subject: str
    draft: Path | None = None
    body: str = ""
    attachments: list[Path] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        return issue.addresses(self.unit.email)

    @property
    def attachment_names(self) -> list[str]:
        if self.draft is None:
            return [p.name for p in self.attachments]
        return [part.get_filename() or "" for part in _parse(self.draft.read_bytes()).iter_attachments()]

    def render(self, sender: str, message_id: str, moment: datetime) -> bytes:
        """The message as it goes to the server (and is kept in the unit's outbox folder)."""
        if self.draft is None:
            data = issue.draft_email(sender=sender, to=self.unit.email, subject=self.subject, body=self.body,
                                     attachments=self.attachments, date=moment, unsent=False)
            msg = _parse(data)
        else:
            msg = _parse(self.draft.read_bytes())
            del msg["X-Unsent"]
            for name, value in (("From", sender), ("To", ", ".join(self.recipients)),
                                ("Date", format_datetime(moment))):
                del msg[name]
                msg[name] = value
            issue.set_subject(msg, self.subject)
        del msg["Message-ID"]
        msg["Message-ID"] = message_id
        return msg.as_bytes()


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def outgoing(campaign: Campaign, ledger: Ledger, kinds: list[str],
             form_ids: list[str] | None = None) -> tuple[list[Outgoing], list[Finding], list[str]]:
    """Every message of ``kinds`` (of the forms ``form_ids``, else all) there is to send today, whether sent
    before or not; with the findings of what cannot be sent and notes on what was left out."""
    known = load_forms()
    chosen = [known[f] for f in form_ids] if form_ids else list(known.values())
    out: list[Outgoing] = []
    found: list[Finding] = []
    notes: list[str] = []
    if "issue" in kinds:
        out += _drafts(campaign, chosen, "issue", ledger)
    if "remind" in kinds:
        out += _drafts(campaign, chosen, "remind", ledger)
    if "feedback" in kinds:
        out += _answers(campaign, ledger, chosen, "feedback", found)
    if "receipt" in kinds:
        if mail_settings(campaign.settings).receipt:
            out += _answers(campaign, ledger, chosen, "receipt", found)
        elif kinds == ["receipt"]:
            notes.append("Chưa bật gửi thư báo đã nhận: ghi \"có\" ở dòng mail.receipt, trang \"Cài đặt\" của "
                         "campaign.xlsx nếu muốn gửi.")
    return out, found, notes


def _drafts(campaign: Campaign, chosen: list[Form], kind: str, ledger: Ledger) -> list[Outgoing]:
    out = []
    for form in chosen:
        done = ledger.data_submission(form.id) if kind == "remind" else {}
        for unit in campaign.units:
            folder = campaign.dir / issue.OUTBOX / unit.code
            if kind == "issue":
                draft = (folder / unit_file_name(form, campaign, unit)).with_suffix(".eml")
            else:
                draft = folder / issue.reminder_name(campaign, form)
            if not draft.is_file() or unit.code in done:  # a reminder to a unit that has since sent: not sent
                continue
            msg = _parse(draft.read_bytes())
            key = f"{kind}:{unit.code}:{form.id}"
            if kind == "remind":  # each day's reminder is a message of its own
                key += f":{_draft_day(msg, draft)}"
            out.append(Outgoing(key=key, kind=kind, unit=unit, form_id=form.id, subject=str(msg["Subject"] or ""),
                                draft=draft))
    return out


def _answers(campaign: Campaign, ledger: Ledger, chosen: list[Form], kind: str,
             found: list[Finding]) -> list[Outgoing]:
    """Feedback (files with findings) or receipts (files accepted), one per unit's current file."""
    wanted = {"feedback": ("rejected", "accepted_with_warnings"), "receipt": ("accepted",)}[kind]
    forms = {f.id: f for f in chosen}
    everything = len(chosen) == len(load_forms())
    out = []
    for s in ledger.submissions(current_only=True):
        unit = campaign.unit(s.unit) if s.unit else None
        if unit is None or s.status not in wanted or (s.form not in forms and not (everything and s.form is None)):
            continue
        form = forms.get(s.form or "")
        subject = (("Phản hồi: " if kind == "feedback" else "Đã nhận: ") +
                   (issue.subject(campaign, form) if form else f"tệp {s.name}"))
        message = Outgoing(key=f"{kind}:{unit.code}:{s.sha256[:16]}", kind=kind, unit=unit, form_id=s.form,
                           subject=subject)
        if not unit.email:
            found.append(finding("mail.no_address", unit=unit.code, who=unit_label(unit), subject=subject))
            continue
        if kind == "feedback":
            workbook = feedback_path(campaign, s.name, unit.code)
            if not workbook.is_file():
                found.append(finding("mail.no_feedback_file", unit=unit.code, workbook=workbook.name, name=s.name,
                                     who=unit_label(unit)))
                continue
            message.attachments = [workbook]
            message.body = feedback_body(campaign, unit, form, s, ledger.findings(s.id), workbook.name)
        else:
            message.body = receipt_body(campaign, unit, form, s)
        out.append(message)
    return out


def feedback_body(campaign: Campaign, unit: Unit, form: Form | None, s: Submission, problems: list[Finding],
                  workbook: str) -> str:
    """The letter that goes with a feedback workbook: what was received, every problem, what to do."""
    info = campaign.info
    what = f"biểu mẫu \"{form.name} năm {info.year}\"" if form else "tệp"
    back = f"về địa chỉ {info.office_email}" if info.office_email else f"về {info.office}"
    if s.status == "rejected":
        verdict = (f"{what[0].upper()}{what[1:]} còn lỗi nên chưa được ghi nhận. Đề nghị đơn vị sửa các lỗi dưới "
                   f"đây rồi gửi lại {back}.")
    else:
        verdict = (f"{what[0].upper()}{what[1:]} đã được ghi nhận; Văn phòng đề nghị đơn vị xem các lưu ý dưới đây "
                   f"và gửi lại {back} nếu cần sửa.")
    lines = [f"Kính gửi: {_to(unit)}", "",
             f"{info.office} đã nhận tệp \"{s.name}\" của đơn vị ({what}, nhận lúc "
             f"{s.received_at:%H:%M ngày %d/%m/%Y}).", verdict, "", f"Các vấn đề ({len(problems)}):"]
    for n, f in enumerate(problems[:LISTED_MAX], start=1):
        where = ", ".join(p for p in (f.sheet and f"trang \"{f.sheet}\"", f.cell and f"ô {f.cell}") if p)
        lines.append(f"{n}. [{SEVERITY_LABELS.get(f.severity, f.severity)}] " + (f"{where}: " if where else "")
                     + " ".join(f.message.split()))
    if len(problems) > LISTED_MAX:
        lines.append(f"... và {len(problems) - LISTED_MAX} vấn đề khác (xem tệp đính kèm).")
    lines += ["", f"Tệp đính kèm \"{workbook}\" liệt kê các vấn đề trên ở trang \"Danh sách lỗi\"; các ô cần sửa "
              "được tô đỏ trong biểu mẫu kèm theo.", "", "Trân trọng cảm ơn./.", "", "--", info.office]
    return "\n".join(lines) + "\n"


def receipt_body(campaign: Campaign, unit: Unit, form: Form | None, s: Submission) -> str:
    """The receipt of an accepted file ("Văn phòng Sở đã nhận ...")."""
    info = campaign.info
    what = f"biểu mẫu \"{form.name} năm {info.year}\"" if form else f"tệp \"{s.name}\""
    lines = [f"Kính gửi: {_to(unit)}", "",
             f"{info.office} đã nhận {what} của đơn vị (tệp \"{s.name}\", nhận lúc "
             f"{s.received_at:%H:%M ngày %d/%m/%Y}). Biểu mẫu hợp lệ và đã được ghi nhận; đơn vị không cần gửi lại.",
             "", "Trân trọng cảm ơn./.", "", "--", info.office]
    return "\n".join(lines) + "\n"


def _to(unit: Unit) -> str:
    return f"{unit.name} (đồng chí {unit.contact})" if unit.contact else unit.name


def _parse(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.SMTP).parsebytes(data)  # type: ignore[return-value]


def _draft_day(msg: EmailMessage, draft: Path) -> str:
    try:
        return parsedate_to_datetime(str(msg["Date"])).date().isoformat()
    except (TypeError, ValueError):
        return datetime.fromtimestamp(draft.stat().st_mtime).date().isoformat()
