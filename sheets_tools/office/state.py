"""The campaign's state as the control workbook shows it, from the status board's JSON (``sheets-tools
status DIR --json``, or ``collection.status.board(...).to_json()`` at install): today's counts per form
and the unit × form matrix."""
from __future__ import annotations

from datetime import date, datetime

from sheets_tools.excel.fit import room_px, text_px
from sheets_tools.office.steps import LATE_MARK, MATRIX_STATES

NOT_DUE = ("pending", "not_open", "optional")  # timings of a unit that has not sent and is not late (or need not)


def _dmy(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return date.fromisoformat(str(iso)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(iso)


def form_counts(status: dict) -> list[list]:
    """One row per form: name, deadline (dd/mm/yyyy), valid, with remarks, sent back, missing (overdue),
    late, not yet due."""
    rows = []
    for form in status.get("forms", []):
        units = form.get("units", [])
        count = {"accepted": 0, "accepted_with_warnings": 0, "rejected": 0, "missing": 0, "late": 0, "not_due": 0}
        for unit in units:
            if unit.get("state") == "missing" and unit.get("timing") in NOT_DUE:
                count["not_due"] += 1
            elif unit.get("state") in count:
                count[unit["state"]] += 1
            if unit.get("timing") == "late":
                count["late"] += 1
        rows.append([form.get("name", form.get("form", "")), _dmy(form.get("deadline")), count["accepted"],
                     count["accepted_with_warnings"], count["rejected"], count["missing"], count["late"],
                     count["not_due"]])
    return rows


def matrix_label(unit: dict) -> str:
    """The text of one unit × form cell ("Hợp lệ", "Có lưu ý (muộn)", "Chưa đến hạn"...)."""
    state = unit.get("state")
    if state == "missing" and unit.get("timing") in NOT_DUE:
        return MATRIX_STATES["not_due"]
    text = MATRIX_STATES.get(state, str(state or ""))
    return text + LATE_MARK if unit.get("timing") == "late" else text


def matrix(status: dict) -> tuple[list[str], list[list[str]]]:
    """(form names, rows of [unit code, unit name, one text per form]) in the board's unit order."""
    forms = status.get("forms", [])
    names = [f.get("name", f.get("form", "")) for f in forms]
    order: list[str] = []
    units: dict[str, dict] = {}
    for column, form in enumerate(forms):
        for unit in form.get("units", []):
            code = unit.get("unit", "")
            if code not in units:
                order.append(code)
                units[code] = {"name": unit.get("unit_name", ""), "cells": [""] * len(forms)}
            units[code]["cells"][column] = matrix_label(unit)
    return names, [[code, units[code]["name"], *units[code]["cells"]] for code in order]


def summary(status: dict) -> str:
    """One line per form for a message box: "<form>: 9 hợp lệ, 2 có lưu ý, 1 bị trả lại, 3 chưa nộp"."""
    lines = []
    for name, _, ok, remarks, back, missing, late, not_due in form_counts(status):
        parts = [f"{ok} hợp lệ", f"{remarks} có lưu ý", f"{back} bị trả lại", f"{missing} chưa nộp"]
        if late:
            parts.append(f"{late} nộp muộn")
        if not_due:
            parts.append(f"{not_due} chưa đến hạn")
        lines.append(f"{name}: {', '.join(parts)}")
    return "\n".join(lines)


def state_title(now: datetime) -> str:
    """The heading of the counts (and the matrix), with when they were computed."""
    return f"Tình hình các biểu mẫu, cập nhật lúc {now:%d/%m/%Y %H:%M}"


def wrapped(text: str, width: float) -> list[str]:
    """``text`` cut at spaces into lines that each fit on one line of a cell ``width`` wide (Excel's
    units): the log writes one line per row, so a long output line never runs off the page."""
    room = room_px(width)
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_px(candidate) > room:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def log_rows(step_label: str, when: datetime, lines: list[str], width: float) -> list[list[str]]:
    """The log rows of one run: step, time, result line; a long line goes on over the next rows."""
    rows: list[list[str]] = []
    for text in lines:
        for part in wrapped(text, width):
            rows.append([step_label, when.strftime("%d/%m/%Y %H:%M"), part] if not rows else ["", "", part])
    return rows or [[step_label, when.strftime("%d/%m/%Y %H:%M"), ""]]
