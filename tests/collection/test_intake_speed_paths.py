"""The fast paths of taking files in (issue: collect at the speed limit): each folder of an inbox is listed
once however many workbooks it holds, a file the ledger already has is recognised by its bytes before
anything opens it, and the faster ways of reading a table give what the slower ones gave: the rows (ragged,
merged, with footers), the labels of a header row, mojibake repairs, folded keys, text cells remembered and
a table validated in one call, each against the way it replaced (test_check_same_answers.py compares whole
files with the answers of the code before)."""
from __future__ import annotations

import json
import random
import sys
import zipfile
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.collection import intake, layout
from sheets_tools.core import text
from sheets_tools.core.text import fold
from sheets_tools.excel import legacy, legacy_cells, tables
from sheets_tools.formkit.declaration import FIRST_ROW, HEADER_ROW, ROW_NUMBER_LABEL, get_form
from sheets_tools.recovery.archive import archive_files
from sheets_tools.store import sidecar

from workbooks import make_return

FORM = get_form("registration")
PERSON = {"family_name": "Trần Văn", "given_name": "Bình", "birth_date": date(1980, 5, 2), "sex": "Nam",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}

# --- what the process lists and opens, seen through Python's audit events -------------------------------
_LISTED: list[str] = []
_WATCHING: list[bool] = [False]


def _audit(event: str, args: tuple) -> None:
    if _WATCHING[0] and event in ("os.listdir", "os.scandir") and args and args[0] is not None:
        _LISTED.append(str(args[0]))


sys.addaudithook(_audit)  # a hook cannot be removed: it records only while a test watches


@pytest.fixture
def listings():
    """The folders listed (os.listdir, os.scandir) while the test runs, as given to the call."""
    _LISTED.clear()
    _WATCHING[0] = True
    yield _LISTED
    _WATCHING[0] = False
    _LISTED.clear()


def _inbox(camp, folder: Path, units: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make_return(folder / f"{code}.xlsx", camp, code, {"individuals": [{**PERSON, "given_name": code}]})
            for code in units]


def _collect(camp, *paths: Path):
    result = CliRunner().invoke(main, ["collect", str(camp.dir), *map(str, paths), "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def _sidecars(camp) -> dict[str, dict]:
    """The sidecar of each archived file, by the name the unit sent."""
    kept, bad = sidecar.read_all(camp.dir, archive_files(camp.dir))
    assert not bad
    return {sc.name: asdict(sc) for sc in kept.values()}


def test_collect_lists_an_inbox_folder_once_however_many_workbooks_it_holds(camp, tmp_path, listings):
    units = [u.code for u in camp.units[:6]]
    inbox = tmp_path / "hộp thư"
    _inbox(camp, inbox, units)
    (inbox / "báo cáo.pdf").write_bytes(b"%PDF-1.4 narrative")
    (inbox / "~$VP.xlsx").write_bytes(b"lock")  # Excel's lock file: never a document nor a workbook
    out = _collect(camp, inbox)
    assert len(out["files"]) == len(units) and all(f["status"] != "rejected" for f in out["files"]), out
    times = sum(1 for p in listings if Path(p) == inbox)
    assert times <= 2, f"the inbox was listed {times} times for {len(units)} workbooks"
    sidecars = _sidecars(camp)  # every workbook still travels with the document of its folder
    assert sorted(sidecars) == sorted(f"{code}.xlsx" for code in units)
    assert all(s["sent"] == ["báo cáo.pdf"] for s in sidecars.values()), sidecars


def test_documents_of_two_folders_stay_with_their_own_workbooks(camp, tmp_path):
    a, b = [u.code for u in camp.units[:2]]
    _inbox(camp, tmp_path / "in" / "a", [a])
    _inbox(camp, tmp_path / "in" / "b", [b])
    (tmp_path / "in" / "a" / "thuyết minh.docx").write_bytes(b"PK narrative")
    (tmp_path / "in" / "b" / "z.pdf").write_bytes(b"%PDF b")
    (tmp_path / "in" / "b" / "a.pdf").write_bytes(b"%PDF a")
    _collect(camp, tmp_path / "in")
    sidecars = _sidecars(camp)
    assert sidecars[f"{a}.xlsx"]["sent"] == ["thuyết minh.docx"]
    assert sidecars[f"{b}.xlsx"]["sent"] == ["a.pdf", "z.pdf"]  # in name order


@pytest.fixture
def opened(monkeypatch):
    """The files read by intake and the zips opened while the test runs, but campaign.xlsx (the real
    functions still run)."""
    seen = {"read": [], "zip": 0}
    real_read, real_init = intake.read, zipfile.ZipFile.__init__

    def read(incoming, campaign):
        seen["read"].append(incoming.name)
        return real_read(incoming, campaign)

    def init(self, file, *args, **kwargs):
        seen["zip"] += not (isinstance(file, (str, Path)) and Path(file).name == "campaign.xlsx")
        return real_init(self, file, *args, **kwargs)

    monkeypatch.setattr(intake, "read", read)
    monkeypatch.setattr(zipfile.ZipFile, "__init__", init)
    return seen


def test_collect_again_opens_no_workbook_and_answers_as_before(camp, tmp_path, opened):
    inbox = tmp_path / "in"
    _inbox(camp, inbox, [u.code for u in camp.units[:3]])
    first = _collect(camp, inbox)
    assert len(opened["read"]) == 3 and opened["zip"] > 0
    opened["read"].clear()
    opened["zip"] = 0
    again = _collect(camp, inbox)
    assert opened == {"read": [], "zip": 0}  # recognised by its bytes: no zip opened, nothing identified
    assert again == first  # the same answer: unit, form, status and findings of each file


def test_one_new_file_among_known_ones_is_the_only_one_opened(camp, tmp_path, opened):
    inbox = tmp_path / "in"
    codes = [u.code for u in camp.units[:4]]
    _inbox(camp, inbox, codes[:3])
    _collect(camp, inbox)
    opened["read"].clear()
    _inbox(camp, inbox, codes[3:])
    out = _collect(camp, inbox)
    assert opened["read"] == [f"{codes[3]}.xlsx"]
    assert sorted(f["unit"] for f in out["files"]) == sorted(codes)


# --- reading the rows: the merged-cell sweep against the per-cell check it replaced ---------------------
def _old_read_rows(rows, sheet, header_row, columns, merges):
    """The rows as read before: every cell checked against every merged range."""
    def covered(r, c):
        return any(m[0] <= r <= m[2] and m[1] <= c <= m[3] and (r, c) != (m[0], m[1]) for m in merges)
    out, blanks = [], 0
    declared_end = header_row + sheet.rows
    for r in range(header_row + 1, len(rows) + 1):
        if layout.is_footer(rows[r - 1]):
            break
        values = {f: None if covered(r, c) else layout._at(rows, r, c) for f, c in columns.items()}
        if all(layout.is_empty(v) for v in values.values()):
            blanks += r > declared_end
            if blanks >= layout.BLANK_RUN:
                break
            continue
        blanks = 0
        out.append((r, values))
    return out


def _sheet_rows(height: int, seed: int) -> list[list]:
    sheet = FORM.sheet("individuals")
    width = len(sheet.columns) + 3
    rows = [[""] * width for _ in range(height)]
    for i, column in enumerate(sheet.columns):
        rows[HEADER_ROW - 1][i + 1] = column.label
    for r in range(FIRST_ROW - 1, height):
        for c in range(1, width):
            k = (r * 31 + c * 17 + seed) % 11
            rows[r][c] = "" if k < 3 else (float(k) if k == 5 else f"v{r}.{c}")
    return rows


@pytest.mark.parametrize("merges", [
    [],
    [(FIRST_ROW, 2, FIRST_ROW + 3, 3)],
    [(FIRST_ROW + 2, 2, FIRST_ROW + 2, 9), (FIRST_ROW, 4, 10**6, 4), (3, 1, 4, 9)],
    [(FIRST_ROW + 5, 6, FIRST_ROW + 1, 2), (FIRST_ROW + 1, 2, FIRST_ROW + 30, 30), (FIRST_ROW + 1, 2, FIRST_ROW + 2, 3)],
    [(r, 2, r + 1, 3) for r in range(FIRST_ROW, FIRST_ROW + 40, 3)],
])
@pytest.mark.parametrize("seed", [0, 1, 5])
def test_rows_under_merged_ranges_read_as_before(merges, seed):
    sheet = FORM.sheet("individuals")
    rows = _sheet_rows(FIRST_ROW + 45, seed)
    for r in range(FIRST_ROW + 20, FIRST_ROW + 45):  # a blank run below the data ends it
        rows[r - 1] = [""] * len(rows[r - 1])
    columns = {c.field: i + 2 for i, c in enumerate(sheet.columns)}
    new, _, _ = layout.read_rows(rows, sheet, HEADER_ROW, columns, sheet.name, merged=merges)
    assert new == _old_read_rows(rows, sheet, HEADER_ROW, columns, merges)


# --- the check of one file made cheaper (issue 17, second round): each faster way against the one it replaced ---
def _ragged_rows(seed: int) -> list[list]:
    """A sheet's values as a reader may give them: rows of different lengths (an xls, an ods), blank rows,
    cells of spaces, zeros, booleans and dates, a footer text typed somewhere, merged areas."""
    rnd = random.Random(seed)
    sheet = FORM.sheet("individuals")
    rows = [[""] * rnd.randrange(0, 14) for _ in range(FIRST_ROW + 80)]
    rows[HEADER_ROW - 1] = [""] + [c.label for c in sheet.columns]
    pool = ["", "", "", " ", "\u00a0", 0, 0.0, False, True, 7.0, "x", "Nguyễn", date(1990, 1, 2), None, "  a "]
    for r in range(FIRST_ROW - 1, len(rows)):
        rows[r] = [rnd.choice(pool) for _ in range(len(rows[r]))]
    if seed % 3 == 0:
        at = FIRST_ROW + rnd.randrange(20, 70)
        rows[at - 1] = ["", "", "  Người lập biểu"] + [""] * 5
    if seed % 3 == 1:
        rows[FIRST_ROW + 40 - 1] = ["Ghi chú: cột có tiêu đề tô màu cam"]
    return rows


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("columns", ["declared", "one", "far", "twice"])
def test_rows_of_ragged_sheets_read_as_before(seed, columns):
    sheet = FORM.sheet("individuals")
    rows = _ragged_rows(seed)
    mapping = {"declared": {c.field: i + 2 for i, c in enumerate(sheet.columns)},
               "one": {sheet.columns[0].field: 3},
               "far": {c.field: i + 5 for i, c in enumerate(sheet.columns)},
               "twice": {sheet.columns[0].field: 2, sheet.columns[1].field: 2, sheet.columns[2].field: 12}}[columns]
    merges = [] if seed % 2 else [(FIRST_ROW + 2, 2, FIRST_ROW + 9, 4), (FIRST_ROW + 30, 1, FIRST_ROW + 31, 14)]
    new, _, _ = layout.read_rows(rows, sheet, HEADER_ROW, mapping, sheet.name, merged=merges)
    old = _old_read_rows(rows, sheet, HEADER_ROW, mapping, merges)
    assert [(r, list(v.items())) for r, v in new] == [(r, list(v.items())) for r, v in old]
    assert [(r, [type(x) for x in v.values()]) for r, v in new] == [(r, [type(x) for x in v.values()]) for r, v in old]


def _old_match_row(cells, labels, *, normalize=fold, similar=tables.similar, ignore=()):
    """excel.tables.match_row as it was: each cell's text normalised again for every label."""
    skip = {normalize(t) for t in ignore}
    free = {c: t for c, t in ((c, tables.cell_text(v)) for c, v in enumerate(cells)) if t and normalize(t) not in skip}
    expected = {key: tables._aliases(label) for key, label in labels.items()}
    columns = {}
    for key, texts in expected.items():
        targets = {normalize(t) for t in texts}
        col = next((c for c, t in free.items() if normalize(t) in targets), None)
        if col is not None:
            columns[key] = col
            del free[col]
    renamed = {}
    options = {key: [col for col, t in free.items() if any(similar(t, a) for a in texts)]
               for key, texts in expected.items() if key not in columns}
    for key, cols in options.items():
        if len(cols) == 1 and sum(cols[0] in other for other in options.values()) == 1:
            columns[key] = cols[0]
            renamed[key] = free.pop(cols[0])
    return columns, renamed, free


@pytest.mark.parametrize("seed", range(30))
def test_labels_of_a_row_match_as_before(seed):
    rnd = random.Random(seed)
    sheet = FORM.sheet("individuals")
    labels = {c.field: c.label for c in sheet.columns}
    if seed % 5 == 0:
        labels[sheet.columns[0].field] = (sheet.columns[0].label, "Họ và tên")
    edits = [lambda t: t, str.upper, lambda t: f"  {t} ", lambda t: t + " (ghi rõ)", lambda t: t[:-1],
             lambda t: "STT", lambda t: "", lambda t: 7.0, lambda t: "Quê quán", lambda t: t.replace(" ", "\u00a0")]
    cells = [rnd.choice(edits)(c.label) for c in sheet.columns] + ["", "Cột thêm"]
    rnd.shuffle(cells)
    new = tables.match_row(cells, labels, ignore=(ROW_NUMBER_LABEL,))
    assert (new.columns, new.renamed, new.others) == _old_match_row(cells, labels, ignore=(ROW_NUMBER_LABEL,))


def _old_fix_mojibake(raw_rows, columns):
    out, conversions = [], []
    for row, values in raw_rows:
        new = dict(values)
        for field, value in values.items():
            repaired = legacy.repair_mojibake(value) if isinstance(value, str) else None
            if repaired is not None:
                new[field] = repaired
                conversions.append(legacy_cells.Conversion(row, field, columns.get(field, 0), "mojibake", None, value,
                                                           repaired))
        out.append((row, new))
    return out, conversions


@pytest.mark.parametrize("texts", [
    ["Nguyễn Văn", "Bình", 7.0, None],
    ["Nguyá»…n VÄƒn", "Bình"],
    ["plain", "ascii", 3],
    ["Ã", "\u00c3\u00a1", "Â·"],  # a lead byte then a continuation byte, each alone or together
    ["Ä", "ƒ"],  # a lead and a continuation in two cells: never one text
    [],
])
def test_mojibake_repaired_as_before(texts):
    rows = [(FIRST_ROW + i, {"family_name": t, "given_name": "Hoa"}) for i, t in enumerate(texts)]
    columns = {"family_name": 2, "given_name": 3}
    assert legacy_cells.fix_mojibake(rows, columns) == _old_fix_mojibake(rows, columns)


def test_folded_keys_remembered_are_the_keys_computed():
    texts = ["Thủy", "THUỶ", "  Hoà  Bình ", "Khỏe", "Nguyễn\u00a0Văn", "a\u200b\u0300", "", "ghi chú"]
    texts += [f"Tên {i} Hòa" for i in range(text._MEMO_SIZE + 50)]  # more than the memo holds: it is emptied
    for t in texts + texts[:8]:
        assert fold(t) == text.same_tones(text.normalize(t).casefold()), t


def test_a_text_cell_remembered_gives_the_same_value_and_the_same_error(shared_camp):
    from pydantic import ValidationError
    from sheets_tools.formkit.models import row_model
    sheet = FORM.sheet("individuals")
    model = row_model(sheet, shared_camp)
    for values in [{"given_name": " Bình  An "}, {"given_name": "123"}, {"given_name": "TRUE"}, {"given_name": "A" * 300}]:
        outcomes = []
        for _ in range(3):
            try:
                outcomes.append(("ok", model.model_validate({**PERSON, **values}).model_dump()))
            except ValidationError as exc:
                outcomes.append(("error", exc.errors(include_url=False)))
        assert outcomes[0] == outcomes[1] == outcomes[2], outcomes


def test_a_table_validated_in_one_call_gives_the_rows_of_row_by_row(shared_camp):
    from sheets_tools.collection import validate
    from sheets_tools.core.records import FileResult, Incoming
    from sheets_tools.formkit.models import row_model
    sheet = FORM.sheet("individuals")
    model = row_model(sheet, shared_camp)
    rows = [(FIRST_ROW + i, {**PERSON, "given_name": f"Bình {i}", "birth_date": 30000.0 + i, "sex": " nam "})
            for i in range(30)]
    at_once = validate._validate_table(sheet, model, rows)
    one_by_one = [validate._validate_row(FileResult(Incoming("a.xlsx", b"", "a.xlsx", datetime(2024, 1, 2))), sheet,
                                         model, n, v) for n, v in rows]
    assert at_once is not None and len(at_once) == 30
    assert [(r.sheet, r.row, list(r.values.items()), r.valid, r.key) for r in at_once] == \
        [(r.sheet, r.row, list(r.values.items()), r.valid, r.key) for r in one_by_one]
    # a row with an error, or a text with a control character: row by row, for the findings' order
    assert validate._validate_table(sheet, model, rows + [(99, {**PERSON, "sex": "Khác"})]) is None
    assert validate._validate_table(sheet, model, rows + [(99, {**PERSON, "position": "a\x07b"})]) is None
