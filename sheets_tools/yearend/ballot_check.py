"""Is the ballot still what the software wrote? Every cell but attendance and the votes is locked; the
tally compares each of them with what the ballot writes for the council and the proposal lines as the
ledger and the campaign hold them NOW (``council.member_cells``, ``council.candidate_cells``).

- the members sheet and the two header rows (who the members are, which column holds whose vote or
  which count): any change and the file is not tallied at all, since the quorum and every vote rest on
  them (``council.sheet_changed``);
- a candidate's row (its award, share, votes needed, name, unit): that row is not tallied
  (``council.cell_changed``), the other rows are.

A difference is reported the same way whether the cell was typed over or the record changed after the
ballot was made (a unit's corrected file, an edited catalogue or council): either way the council did
not vote on what the ledger now holds.
"""
from __future__ import annotations

from typing import Any, Callable

from sheets_tools.campaign.model import Campaign
from sheets_tools.yearend.ballot_read import Rows, at, ref, text
from sheets_tools.yearend.council import (
    MEMBER_COLUMNS, MEMBER_FIXED, MEMBERS_SHEET, VOTE_COLUMNS, VOTES_SHEET, Candidate, candidate_cells, member_cells)

EMPTY = "(trống)"
HEADER = "tiêu đề cột"

Add = Callable[..., None]  # _Reading.add: (code, **finding keywords)


def _shown(value: Any) -> str:
    return text(value) or EMPTY


def _differs(actual: Any, expected: Any) -> bool:
    return text(actual) != text(expected)


def header_row(rows: Rows, top: int, labels: list[str], sheet: str, add: Add) -> bool:
    """The header row holds exactly ``labels`` from column A (nothing right of them); False on a change."""
    ok = True
    width = max(len(labels), len(rows[top]) if top < len(rows) else 0)
    for c in range(width):
        expected = labels[c] if c < len(labels) else None
        actual = at(rows, top, c)
        if _differs(actual, expected):
            add("council.sheet_changed", sheet=sheet, cell=ref(top, c), value=_shown(actual),
                expected=text(expected) or EMPTY, label=HEADER)
            ok = False
    return ok


def members_sheet(rows: Rows, top: int, campaign: Campaign, add: Add) -> bool:
    """The header and each member's locked cells (number, name, position, role) as the ballot wrote them
    for the campaign's council, in order, and nothing typed in those columns below; False on a change."""
    ok = header_row(rows, top, [label for label, _ in MEMBER_COLUMNS], MEMBERS_SHEET, add)
    for r in range(top + 1, max(len(rows), top + 1 + len(campaign.council))):
        i = r - top - 1
        expected = member_cells(i, campaign.council[i]) if i < len(campaign.council) else (None,) * MEMBER_FIXED
        for c, value in enumerate(expected):
            actual = at(rows, r, c)
            if _differs(actual, value):
                add("council.sheet_changed", sheet=MEMBERS_SHEET, cell=ref(r, c), value=_shown(actual),
                    expected=text(value) or EMPTY, label=MEMBER_COLUMNS[c][0])
                ok = False
    return ok


def candidate_row(rows: Rows, r: int, top: int, candidate: Candidate, members: int, add: Add) -> list[str]:
    """The cells of a candidate's row that differ from what the ballot writes for the recorded line
    (each one a finding); [] when the row is as written."""
    changed = []
    for c, value in enumerate(candidate_cells(r - top - 1, candidate, members)):
        actual = at(rows, r, c)
        if _differs(actual, value):
            cell = ref(r, c)
            add("council.cell_changed", sheet=VOTES_SHEET, cell=cell, value=_shown(actual),
                expected=text(value) or EMPTY, label=VOTE_COLUMNS[c][0], row=r + 1, name=candidate.name)
            changed.append(cell)
    return changed
