"""The benchmark's corpus, built with the project's own commands: ``init`` from the sample campaign, its
units sheet enlarged to N units, ``issue`` of the registration form, then every unit's issued workbook
filled with R individuals and saved into an inbox folder (as a unit would send it back).

A share of the files can be given a mistake (a birth date in the future), so that ``collect`` writes
their feedback: the error path. A corpus is built once per size into its own folder and reused.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook

from sheets_tools.campaign.workbook import load
from sheets_tools.demo.common import issued_file, write_rows
from sheets_tools.formkit.declaration import FIRST_ROW, get_form

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Ngọc", "Hữu", "Thanh", "Quốc", "Thuỳ", "Đức"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hòa", "Khánh", "Lan", "Linh", "Mai", "Nam", "Nga",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Uyên", "Việt", "Yến"]
RATINGS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"]
UNITS_SHEET = "Đơn vị"
DEADLINES_SHEET = "Thời hạn"


def cli(*args: str) -> subprocess.CompletedProcess:
    """The project's command, as a user runs it (its own process)."""
    return subprocess.run([sys.executable, "-m", "sheets_tools.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", check=False)


def person(unit: int, row: int) -> dict:
    """A person no other unit has (name and birth date from the unit's and the row's numbers)."""
    n = unit * 7919 + row
    return {"family_name": f"{FAMILY[n % len(FAMILY)]} {MIDDLE[(n // 14) % len(MIDDLE)]}",
            "given_name": GIVEN[(n // 140) % len(GIVEN)],
            "birth_date": date(1960 + (n % 40), 1 + (n // 40) % 12, 1 + (n // 480) % 28),
            "sex": "Nữ" if n % 3 else "Nam", "position": "Chuyên viên", "last_rating": RATINGS[n % 2],
            "title": "Lao động tiên tiến"}


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
        code = f"BM-{i:04d}"
        codes.append(code)
        values = list(template)
        values[0], values[1] = code, f"Đơn vị thử nghiệm số {i:04d}"
        values[4] = f"bm{i:04d}@example.gov.vn"
        for c, v in enumerate(values, start=1):
            ws.cell(row=i + 1, column=c, value=v)
    wb.save(path)
    return codes


def build(root: Path, units: int, rows: int, error_percent: int = 0) -> Path:
    """The campaign folder and its inbox (``root/campaign``, ``root/inbox``), built once."""
    done = root / "corpus.json"
    wanted = {"units": units, "rows": rows, "errors": error_percent}
    if done.is_file() and json.loads(done.read_text(encoding="utf-8")) == wanted:
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    camp_dir = root / "campaign"
    _check(cli("init", str(camp_dir), "--sample", "daklak-2024"))
    codes = enlarge_units(camp_dir, units)
    open_window(camp_dir, "registration")
    _check(cli("issue", str(camp_dir), "--form", "registration"))
    campaign = load(camp_dir)
    form = get_form("registration")
    sheet = next(s for s in form.sheets if s.key == "individuals")
    targets = next(s for s in form.sheets if s.key == "targets")
    inbox = root / "inbox"
    inbox.mkdir()
    wrong_every = round(100 / error_percent) if error_percent else 0
    for i, code in enumerate(codes, start=1):
        unit = campaign.unit(code)
        people = [person(i, r) for r in range(rows)]
        if wrong_every and i % wrong_every == 0:
            people[rows // 2]["birth_date"] = date(2090, 1, 1)  # a mistake: feedback is written
        wb = load_workbook(issued_file(campaign, form, unit))
        write_rows(wb, sheet, people)
        fill_targets(wb, targets)
        wb.save(inbox / f"{code}.xlsx")
    spare = inbox.parent / "spare"  # one more file, a unit's corrected return, for the "one new file" run
    spare.mkdir()
    wb = load_workbook(issued_file(campaign, form, campaign.unit(codes[0])))
    write_rows(wb, sheet, [dict(person(1, r), position="Phó Trưởng phòng") for r in range(rows)])
    fill_targets(wb, targets)
    wb.save(spare / f"{codes[0]}-bổ sung.xlsx")
    shutil.rmtree(camp_dir / "outbox")  # the drafts are not part of what is measured
    campaign_copy = root / "campaign.clean"
    shutil.copytree(camp_dir, campaign_copy)
    done.write_text(json.dumps(wanted), encoding="utf-8")
    return root


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
