"""``Ledger.shared_rows`` is read once per state of the ledger: asked again with nothing written, it gives what
it gave; after a write by the same connection or a commit by another one, it reads the ledger again."""
from __future__ import annotations

from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.store.ledger import Ledger

from workbooks import make_return

AN = {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": "15/03/1985", "sex": "Nam",
      "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}


def _collect(camp, tmp_path, unit: str) -> None:
    inbox = tmp_path / unit
    inbox.mkdir()
    make_return(inbox / f"{unit}.xlsx", camp, unit, {"individuals": [AN]})
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(inbox), "--json"])
    assert result.exit_code == 0, result.output


def test_shared_rows_are_read_again_after_any_write(camp, tmp_path):
    form = load_forms()["registration"]
    _collect(camp, tmp_path, "VP")
    with Ledger(camp.dir) as ledger:
        assert ledger.shared_rows(form) == {}  # one unit alone registered An
        _collect(camp, tmp_path, "TTR")  # another connection commits: the second unit with the same person
        shared = ledger.shared_rows(form)
        assert sorted(shared) == ["TTR", "VP"]
        assert [r.values["given_name"] for r in shared["VP"]] == ["An"]
        assert ledger.shared_rows(form) is shared  # nothing written since: not read again
        ledger.db.execute("UPDATE rows SET key = NULL")  # this connection writes
        assert ledger.shared_rows(form) == {}
