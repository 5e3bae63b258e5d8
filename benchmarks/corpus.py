"""The benchmark's corpus, built with the project's own commands: ``init`` from the sample campaign, its
units sheet enlarged to N units (as the office would type them), ``issue`` of the registration form, then
every unit's issued workbook filled with R individuals and saved into an inbox folder (as a unit would send
it back).

A share of the files can be given a mistake (a birth date in the future), so that ``collect`` rejects them
and writes their feedback: the error path. Which files, and the cell of the mistake, follow from the corpus's
size alone (``mistakes``), so that the benchmark checks every file against what was planted. A corpus is
built once per size into its own folder (``<units>x<rows>-e<errors>``) and reused; ``campaign.clean`` is
the campaign with nothing collected, ``inbox/`` the returns, ``spare/`` one more return for the "one new
file" step.

Only the command line and the form's declaration (its sheets and columns) are used: nothing the speed
work changes inside the package.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheets_tools.formkit.declaration import FIRST_ROW, get_form

FORM = "registration"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Ngọc", "Hữu", "Thanh", "Quốc", "Thuỳ", "Đức"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hòa", "Khánh", "Lan", "Linh", "Mai", "Nam", "Nga",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Uyên", "Việt", "Yến"]
RATINGS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"]
UNITS_SHEET = "Đơn vị"
DEADLINES_SHEET = "Thời hạn"
MISTAKE = date(2090, 1, 1)  # a birth date in the future
MISTAKE_CODE = "cell.date_range"  # the finding it must give
MISTAKES_VERSION = 2  # how the files with a mistake are chosen (exactly errors% of them since version 2)
NAMES = len(FAMILY) * len(MIDDLE) * len(GIVEN)  # 3,360
BORN_FROM, BORN_DAYS = date(1965, 1, 1), 12000  # unique (name, birth date) for up to 40 million rows
PEOPLE_VERSION = 2  # since version 2 no two rows of a corpus are the same person (a corpus of version 1 is rebuilt)


def cli(*args: str) -> subprocess.CompletedProcess:
    """The project's command, as a user runs it (its own process)."""
    return subprocess.run([sys.executable, "-m", "sheets_tools.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", check=False)


def code_of(i: int) -> str:
    return f"BM-{i:04d}"


def person(unit: int, row: int, rows: int) -> dict:
    """Row ``row`` of unit ``unit`` (from 1) in a corpus of ``rows`` a unit: a person no other row of the
    corpus has (full name and birth date, the key of the cross-unit rule), whatever its size. The name
    takes k mod 3,360 (14 x 10 x 24 names), the birth date the rest, spread over 1965-1997."""
    k = (unit - 1) * rows + row
    name, rest = k % NAMES, k // NAMES
    born = BORN_FROM + timedelta(days=(rest + name * 61) % BORN_DAYS)  # one date per k for a given name
    return {"family_name": f"{FAMILY[name % 14]} {MIDDLE[(name // 14) % 10]}", "given_name": GIVEN[name // 140],
            "birth_date": born, "sex": "Nữ" if k % 3 else "Nam", "position": "Chuyên viên",
            "last_rating": RATINGS[k % 2], "title": "Lao động tiên tiến"}


def individuals_sheet():
    return next(s for s in get_form(FORM).sheets if s.key == "individuals")


def mistakes(units: int, rows: int, error_percent: int) -> dict[str, str]:
    """The inbox files given a mistake and its cell ("BM-0004.xlsx" -> "D29"): exactly
    ``units * error_percent // 100`` of them, spread evenly (unit i has one when ``i * p // 100`` steps up)."""
    if not error_percent or not rows:
        return {}
    cell = f"{individuals_sheet().column('birth_date').letter}{FIRST_ROW + rows // 2}"
    return {f"{code_of(i)}.xlsx": cell for i in range(1, units + 1)
            if i * error_percent // 100 > (i - 1) * error_percent // 100}


def open_window(campaign_dir: Path, form_id: str) -> None:
    """Move the form's deadline after today, so that the returns are on time (a late file gets feedback)."""
    path = campaign_dir / "campaign.xlsx"
    wb = load_workbook(path)
    ws = wb[DEADLINES_SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == form_id:
            row[2].value = date.today() + timedelta(days=60)
            row[3].value = date.today() - timedelta(days=1)
    wb.save(path)


def enlarge_units(campaign_dir: Path, units: int) -> list[str]:
    """Replace the sample's units by ``units`` units of the same kind and block; returns their codes."""
    path = campaign_dir / "campaign.xlsx"
    wb = load_workbook(path)
    ws = wb[UNITS_SHEET]
    template = [c.value for c in ws[2]]
    ws.delete_rows(2, ws.max_row)
    codes = []
    for i in range(1, units + 1):
        code = code_of(i)
        codes.append(code)
        values = list(template)
        values[0], values[1] = code, f"Đơn vị thử nghiệm số {i:04d}"
        values[4] = f"bm{i:04d}@example.gov.vn"
        for c, v in enumerate(values, start=1):
            ws.cell(row=i + 1, column=c, value=v)
    wb.save(path)
    return codes


def wanted(units: int, rows: int, error_percent: int) -> dict:
    """What ``corpus.json`` says of a finished corpus (a corpus with mistakes also says how they were chosen)."""
    out = {"units": units, "rows": rows, "errors": error_percent, "people": PEOPLE_VERSION}
    if error_percent:
        out["mistakes"] = MISTAKES_VERSION
    return out


def build(root: Path, units: int, rows: int, error_percent: int = 0) -> Path:
    """The campaign folder and its inbox under ``root``, built once (``corpus.json`` is written last)."""
    done = root / "corpus.json"
    if done.is_file() and json.loads(done.read_text(encoding="utf-8")) == wanted(units, rows, error_percent):
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    camp_dir = root / "campaign"
    _check(cli("init", str(camp_dir), "--sample", "daklak-2024"))
    codes = enlarge_units(camp_dir, units)
    open_window(camp_dir, FORM)
    _check(cli("issue", str(camp_dir), "--form", FORM))
    sheet = individuals_sheet()
    targets = next(s for s in get_form(FORM).sheets if s.key == "targets")
    inbox = root / "inbox"
    inbox.mkdir()
    wrong = mistakes(units, rows, error_percent)
    for i, code in enumerate(codes, start=1):
        people = [person(i, r, rows) for r in range(rows)]
        if f"{code}.xlsx" in wrong:
            people[rows // 2]["birth_date"] = MISTAKE
        wb = load_workbook(issued(camp_dir, code))
        write_rows(wb, sheet, people)
        fill_targets(wb, targets)
        wb.save(inbox / f"{code}.xlsx")
    spare = root / "spare"  # one more file, a unit's corrected return, for the "one new file" step
    spare.mkdir()
    wb = load_workbook(issued(camp_dir, codes[0]))
    write_rows(wb, sheet, [dict(person(1, r, rows), position="Phó Trưởng phòng") for r in range(rows)])
    fill_targets(wb, targets)
    wb.save(spare / f"{codes[0]}-bổ sung.xlsx")
    shutil.rmtree(camp_dir / "outbox")  # the drafts are not part of what is measured
    shutil.copytree(camp_dir, root / "campaign.clean")
    done.write_text(json.dumps(wanted(units, rows, error_percent)), encoding="utf-8")
    return root


def issued(campaign_dir: Path, code: str) -> Path:
    """The one workbook ``issue --form registration`` wrote for the unit (its outbox folder)."""
    found = sorted((campaign_dir / "outbox" / code).glob("*.xlsx"))
    if len(found) != 1:
        raise SystemExit(f"issue wrote {len(found)} workbooks for {code} in {campaign_dir / 'outbox' / code}")
    return found[0]


def write_rows(wb, sheet, rows: list[dict]) -> None:
    """The individuals typed into the form's table from its first row (text cells stay text); more people
    than the table's rows push the footer down, as rows inserted above it in Excel do."""
    ws = wb[sheet.name]
    make_room(ws, sheet.rows, len(rows))
    for i, values in enumerate(rows):
        for col in sheet.columns:
            v = values.get(col.field)
            if v is not None:
                cell = ws[f"{col.letter}{FIRST_ROW + i}"]
                cell.value = v
                if isinstance(v, str):
                    cell.data_type = "s"


def make_room(ws, capacity: int, rows: int) -> None:
    """Move everything under the table (notes, signatures: values, styles, merged cells, row heights) down
    by the rows that do not fit, and number the new rows (column "STT")."""
    if rows <= capacity:
        return
    extra, top, bottom = rows - capacity, FIRST_ROW + capacity, ws.max_row
    below = [r for r in ws.merged_cells.ranges if r.min_row >= top]
    for r in below:
        ws.unmerge_cells(r.coord)
    heights = {n: ws.row_dimensions[n].height for n in range(top, bottom + 1)}
    ws.move_range(f"A{top}:{get_column_letter(ws.max_column)}{bottom}", rows=extra)
    for n, height in heights.items():
        ws.row_dimensions[n].height = None
        ws.row_dimensions[n + extra].height = height
    for r in below:
        r.shift(row_shift=extra)
        ws.merge_cells(r.coord)
    for n in range(capacity, rows):
        ws.cell(row=FIRST_ROW + n, column=1, value=n + 1)
    if ws.print_area:
        ws.print_area = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"


def fill_targets(wb, targets) -> None:
    """The unit's own target on every indicator row the form came with (none left to the common one)."""
    ws = wb[targets.name]
    code, common = targets.column("code").letter, targets.column("common").letter
    target = targets.column("target").letter
    for r in range(FIRST_ROW, FIRST_ROW + targets.rows):
        if ws[f"{code}{r}"].value:
            ws[f"{target}{r}"] = ws[f"{common}{r}"].value  # the Department's own target, kept


def _check(done: subprocess.CompletedProcess) -> None:
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(done.args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
