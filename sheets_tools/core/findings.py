"""Findings: every problem found in a file, a row or a cell is a record with a code.

The common codes live in CATALOGUE; a form's own checks keep theirs in its rules module
(``CODES`` in ``sheets_tools/forms/<form id>.py``), added here by ``register``. A message is
formatted from the catalogue entry, so tests can build the expected text the same way
(``message("cell.required", label="Tên")``).
Messages are Vietnamese and say what to do.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sheets_tools.core.catalogue import CATALOGUE
from sheets_tools.core.severity import ERROR, WARNING, Code

__all__ = ["CATALOGUE", "ERROR", "WARNING", "Code", "Finding", "finding", "message", "register", "add_loader",
           "has_errors", "status_of", "STATUS_LABELS", "SEVERITY_LABELS"]


@dataclass
class Finding:
    """One problem. ``cell`` is an A1 reference on ``sheet`` (None for file-level findings)."""

    code: str
    severity: str
    message: str
    file: str | None = None
    unit: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    value: Any = None

    def to_json(self) -> dict:
        """The public JSON shape of a finding (issue contract)."""
        d = asdict(self)
        return {k: d[k] for k in ("code", "severity", "sheet", "cell", "field", "value", "message")}


def register(codes: dict[str, Code]) -> None:
    """Add a form's own codes (its rules module's ``CODES``); a code already taken is a mistake."""
    for name, code in codes.items():
        if CATALOGUE.get(name, code) != code:
            raise ValueError(f"finding code {name} is declared twice")
        CATALOGUE[name] = code


_LOADERS: list = []


def add_loader(load) -> None:
    """``load()`` adds codes not yet in the catalogue (the forms' own, registered by the layer that
    knows the forms); it is called the first time an unknown code is looked up."""
    _LOADERS.append(load)


def lookup(name: str) -> Code:
    """The catalogue entry of a code; a form's codes are loaded with its rules module on first use."""
    if name not in CATALOGUE:
        for load in _LOADERS:
            load()
    return CATALOGUE[name]


def message(code_name: str, **context: Any) -> str:
    """Format the Vietnamese message of ``code_name`` with ``context``; missing keys render empty."""
    return lookup(code_name).text.format_map(_Blank(context))


def finding(code: str, *, sheet: str | None = None, cell: str | None = None, field: str | None = None,
            value: Any = None, file: str | None = None, unit: str | None = None, **context: Any) -> Finding:
    """Build a Finding from the catalogue. ``context`` fills the message placeholders."""
    ctx = {"value": "" if value is None else value, "sheet": sheet or "", "cell": cell or "", **context}
    return Finding(code=code, severity=lookup(code).severity, message=message(code, **ctx),
                   file=file, unit=unit, sheet=sheet, cell=cell, field=field, value=_jsonable(value))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def status_of(findings: list[Finding]) -> str:
    """accepted / accepted_with_warnings / rejected, from the findings of one file."""
    if has_errors(findings):
        return "rejected"
    if findings:
        return "accepted_with_warnings"
    return "accepted"


STATUS_LABELS = {
    "accepted": "Hợp lệ",
    "accepted_with_warnings": "Hợp lệ, có lưu ý",
    "rejected": "Bị trả lại",
    "missing": "Chưa nộp",
}

SEVERITY_LABELS = {ERROR: "Lỗi", WARNING: "Lưu ý"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
