"""The master's last sheet, "Vấn đề tồn đọng": every open problem in words (the finding's Vietnamese
message; its code only in a hidden last column), then the office's notes whose row is no longer in the
master (kept in the ledger, shown again on their sheet when the row comes back).
"""
from __future__ import annotations

from typing import Iterator

from sheets_tools.collection.status import Board
from sheets_tools.core.findings import SEVERITY_LABELS, WARNING, Finding
from sheets_tools.formkit.declaration import Form, load_forms
from sheets_tools.master.sheets import UNIT_COLUMNS, unit_codes

PROBLEMS_SHEET = "Vấn đề tồn đọng"
CODE_LABEL = "Mã lỗi"
MESSAGE_LABEL = "Nội dung"
ORPHAN_CODE = "master.note_without_row"


def write_problems(m, forms: list[Form], status: Board, cross: dict, data: dict) -> None:
    """Open problems of the current files, the cross-unit ones, the unidentified files; notes left over."""
    cols = [*UNIT_COLUMNS, ("Biểu mẫu", 18), ("Tệp", 28), ("Trang tính", 16), ("Ô", 7), ("Mức độ", 8),
            (MESSAGE_LABEL, 70), (CODE_LABEL, 20)]
    ws = m.sheet(PROBLEMS_SHEET)
    m.frame(ws, "CÁC VẤN ĐỀ TỒN ĐỌNG TRONG BIỂU MẪU CÁC ĐƠN VỊ GỬI", m.stamp(), [w for _, w in cols], 2)
    m.header(ws, [label for label, _ in cols])
    ws.set_column(len(cols) - 1, len(cols) - 1, cols[-1][1], None, {"hidden": True})
    r = m.header_row
    for code, form, file, f in _open_problems(m, forms, status, cross, data):
        r += 1
        unit = m.campaign.unit(code) if code else None
        name = unit.name if unit else ("(chưa xác định)" if not code else "")
        values = [code or "", name, form.name if form else "", file, _sheet_label(form, f.sheet), f.cell,
                  SEVERITY_LABELS.get(f.severity, f.severity), f.message, f.code]
        _row(m, ws, r, values)
    m.counts["problems"] = r - m.header_row
    for key, entry in sorted(m.notes.items()):
        if key in m.notes_shown or not entry.get("note"):
            continue
        r += 1
        unit = m.campaign.unit(entry.get("unit") or "")
        text = (f"Ghi chú của Văn phòng \"{entry['note']}\" ({entry.get('where') or 'không rõ dòng'}) không còn dòng "
                "tương ứng trong bảng tổng hợp này. Ghi chú vẫn được lưu và sẽ hiện lại khi dòng đó có lại; "
                "không cần làm gì nếu dòng đã được bỏ đi có chủ ý.")
        _row(m, ws, r, [entry.get("unit") or "", unit.name if unit else "", "", "", entry.get("sheet") or "", "",
                        SEVERITY_LABELS[WARNING], text, ORPHAN_CODE])
    ws.autofilter(m.header_row, 0, max(r, m.header_row + 1), len(cols) - 2)


def _row(m, ws, r: int, values: list) -> None:
    for c, v in enumerate(values):
        m.put(ws, r, c, v, "wrap" if c in (1, 2, 3, 4, 7) else "cell")


def _open_problems(m, forms: list[Form], status: Board, cross: dict,
                   data: dict) -> Iterator[tuple[str | None, Form | None, str, Finding]]:
    """(unit, form, file, finding): current files not fully accepted, cross-unit, unidentified."""
    for form in forms:
        current = m.ledger.current(form.id)
        extra = cross.get(form.id, {})
        for code in unit_codes(m.campaign, set(current) | set(extra)):
            sub = current.get(code)
            if sub is not None and sub.status != "accepted":
                for f in m.ledger.findings(sub.id):
                    yield code, form, sub.name, f
            used = data[form.id].get(code)
            for f in extra.get(code, []):
                yield code, form, used.name if used else (f.file or ""), f
    by_id = load_forms()
    for u in status.unidentified:
        for f in m.ledger.findings(u.submission_id):
            yield u.unit, by_id.get(u.form or ""), u.file, f


def _sheet_label(form: Form | None, sheet: str | None) -> str:
    """A finding's sheet as the unit sees it (findings may name a sheet by key)."""
    if form is not None and sheet:
        return next((s.name for s in form.sheets if s.key == sheet), sheet)
    return sheet or ""
