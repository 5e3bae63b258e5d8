"""What the demo's parts share: the workbook issued to a unit, writing rows into it, mailing it back."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.issue import addresses, draft_email
from sheets_tools.collection.templates import unit_file_name
from sheets_tools.core.files import atomic_write_bytes
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from sheets_tools.store.ledger import Ledger


def registered_people(camp: Campaign) -> dict[str, list[dict]]:
    form = get_form("registration")
    out: dict[str, list[dict]] = {}
    with Ledger(camp.dir) as ledger:
        for unit, sub in ledger.data_submission("registration").items():
            out[unit] = [r.values for r in ledger.typed_rows(form, sub.id) if r.sheet == "individuals"]
    return out



def write_rows(wb, sheet, rows: list[dict]) -> None:
    ws = wb[sheet.name]
    for i, values in enumerate(rows):
        for col in sheet.columns:
            v = values.get(col.field)
            if v is not None:
                ws[f"{col.letter}{FIRST_ROW + i}"] = v
                if isinstance(v, str):
                    ws[f"{col.letter}{FIRST_ROW + i}"].data_type = "s"



def issued_file(camp: Campaign, form, unit) -> Path:
    return camp.dir / "outbox" / unit.code / unit_file_name(form, camp, unit)



def unit_sender(unit) -> str:
    """The address a unit's reply comes from: the first of its e-mail cell ("a@x; b@y")."""
    return next(iter(addresses(unit.email)), "donvi@example.gov.vn")


def mail_back(camp: Campaign, unit, wb, inbox: Path, stem: str, what: str, when: datetime) -> None:
    path = inbox / unit.code / f"{unit.code}-{stem}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    mail = draft_email(sender=unit_sender(unit), to=camp.info.office_email,
                       subject=f"{unit.name} gửi {what} năm {camp.info.year}",
                       body=f"Kính gửi Văn phòng Sở,\nĐơn vị gửi kèm {what}.\nTrân trọng.", attachments=[path], date=when)
    atomic_write_bytes(inbox / f"{when:%Y%m%d-%H%M}-{unit.code}-{stem}.eml", mail)
    path.unlink()
    path.parent.rmdir()
