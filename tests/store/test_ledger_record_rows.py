"""The parent's recording made cheaper (one C JSON encoder made once, each archive folder made once) writes
the same rows as before: every row's and finding's JSON is ``json.dumps(..., ensure_ascii=False,
default=...)`` as the ledger wrote it, byte for byte, on real returns."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal

from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.store.rowdata import dumps as _dumps

from workbooks import make_return

PERSON = {"family_name": "Nguyễn Thị \"Hoa\"", "given_name": "Hoa\nMai", "birth_date": date(1985, 3, 15),
          "sex": "Nữ", "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ",
          "title": "Lao động tiên tiến"}


def _old_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def old_dumps(value) -> str:
    """How the ledger wrote a row's values before."""
    return json.dumps(value, ensure_ascii=False, default=_old_default)


def test_row_json_is_the_same_as_json_dumps():
    values = [{"a": "Nguyễn \"x\"\n\t\\", "b": 1.5, "c": date(2020, 1, 2), "d": None, "e": [1, True, False],
               "f": {"x": 10 ** 30}, "g": datetime(2024, 1, 2, 3, 4, 5), "h": Decimal("1.10"), "i": -0.0,
               "j": float("inf"), "k": "\u2028 emoji 🎉 \x00"}, "text", None, 3, 1e-7, [], {}, 2.5e300]
    for value in values:
        assert _dumps(value) == old_dumps(value), value


def test_recorded_rows_are_written_as_before(camp, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, unit in enumerate(("VP", "PBGD", "XDKT")):
        make_return(inbox / f"{unit}.xlsx", camp, unit,
                    {"individuals": [{**PERSON, "given_name": f"Hoa {n}"} for n in range(i + 2)]})
    (inbox / "hong.xlsx").write_bytes(b"PK\x03\x04 not a workbook" * 10)  # rejected: findings with values
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(inbox), "--json"])
    assert result.exit_code == 1, result.output
    con = sqlite3.connect(camp.dir / "ledger.sqlite")
    try:
        rows = con.execute("SELECT data FROM rows").fetchall()
        found = con.execute("SELECT value FROM findings WHERE value IS NOT NULL").fetchall()
    finally:
        con.close()
    assert len(rows) == 2 + 3 + 4 and found
    for (text,) in rows + found:
        # each stored text is what json.dumps gives for the values it holds (dates kept as their ISO text)
        assert text == old_dumps(json.loads(text))
    assert any("Nguyễn" in text and "1985-03-15" in text for (text,) in rows)
