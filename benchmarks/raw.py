"""The raw pipeline the benchmark compares with: python-calamine reads every sheet of every file, a pydantic
TypeAdapter validates the individuals' rows, xlsxwriter writes them into one workbook. No identification,
no limits, no ledger, no feedback: the floor a collect + consolidate of the same files can approach.

Run: ``python -m benchmarks.raw INBOX OUT.xlsx``.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Literal

import python_calamine
import xlsxwriter
from pydantic import BaseModel, TypeAdapter

from sheets_tools.formkit.declaration import FIRST_COL, FIRST_ROW, get_form


class Person(BaseModel):
    family_name: str
    given_name: str
    birth_date: date
    sex: Literal["Nam", "Nữ"]
    position: str | None = None
    last_rating: str
    title: str


ROWS = TypeAdapter(list[Person])


def main(inbox: Path, out: Path) -> int:
    sheet = next(s for s in get_form("registration").sheets if s.key == "individuals")
    fields = [c.field for c in sheet.columns]
    offset = FIRST_COL - 1
    wanted = [c for c in fields if c in Person.model_fields]
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("Cá nhân")
    ws.write_row(0, 0, wanted)
    r = 0
    for path in sorted(inbox.iterdir()):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        people = []
        for name in book.sheet_names:  # every sheet is read, as collect reads every sheet
            cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if name != sheet.name:
                continue
            for row in cells[FIRST_ROW - 1:]:
                values = dict(zip(fields, row[offset:offset + len(fields)]))
                if not values.get("family_name"):
                    continue
                people.append(values)
        for p in ROWS.validate_python(people):
            r += 1
            ws.write_row(r, 0, [getattr(p, f) if f != "birth_date" else p.birth_date.isoformat() for f in wanted])
    wb.close()
    return r


if __name__ == "__main__":
    print(main(Path(sys.argv[1]), Path(sys.argv[2])))
