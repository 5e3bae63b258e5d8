"""Plain-text reports for the terminal (Vietnamese)."""
from __future__ import annotations

from sheets_tools.core.findings import SEVERITY_LABELS, STATUS_LABELS, message
from sheets_tools.core.text import strip_controls
from sheets_tools.formkit.files import form_name


def format_files(result) -> str:
    """One block per file: status, unit, form, then each finding with its sheet and cell."""
    lines = []
    for c in result.files:
        r = c.result
        head = f"[{STATUS_LABELS.get(r.status, r.status)}] {r.incoming.source}"
        who = ", ".join(x for x in (f"đơn vị {r.unit_code}" if r.unit_code else "",
                                    f"biểu mẫu {form_name(r.form_id)}" if r.form_id else "") if x)
        lines.append(head + (f" ({who})" if who else ""))
        if c.duplicate:
            lines.append("    " + message("file.duplicate"))
        for f in r.findings:
            where = "!".join(x for x in (f.sheet, f.cell) if x)
            lines.append(f"    - {SEVERITY_LABELS[f.severity]}" + (f" tại {where}" if where else "") + f": {f.message}")
        if c.feedback:
            lines.append(f"    Phản hồi cho đơn vị: {c.feedback}")
    counts = {}
    for c in result.files:
        counts[c.result.status] = counts.get(c.result.status, 0) + 1
    summary = ", ".join(f"{STATUS_LABELS[k]}: {v}" for k, v in counts.items())
    lines.append(f"\nTổng cộng {len(result.files)} tệp" + (f" ({summary})" if summary else "") + ".")
    for path in getattr(result, "restored", []):
        lines.append(f"Đã ghi lại phản hồi còn thiếu của lần nhận trước: {path}")
    # a file name or a value can carry terminal escapes (a unit's, or a mail attachment's name): never printed
    return strip_controls("\n".join(lines))
