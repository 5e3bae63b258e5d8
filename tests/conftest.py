"""Fixtures shared by the whole suite (tests/<stage>/ mirrors sheets_tools/<stage>/).

Campaigns (the built-in sample "daklak-2024"):

* ``camp``: written as campaign.xlsx in ``tmp_path / "dot"`` and loaded, fresh for each test: the test may
  write into its folder (ledger, outbox, master, feedback...) and change the object.
* ``shared_camp``: the same, created once per session, for tests that only read it: never write into
  ``shared_camp.dir`` nor change the object (copy the folder, or take ``camp``, to do either).
* ``sample``: the sample as an object (``campaign.workbook.sample_campaign``: no campaign.xlsx, no settings
  read from one) with the folder ``tmp_path / "dot"`` for its ledger, fresh for each test.
* ``shared_sample``: that object once per session, read-only like ``shared_camp``.

Returns: ``return_file(unit, rows, **kw)`` is tests/workbooks.py ``make_return(tmp_path / "a.xlsx",
shared_camp, unit, rows, **kw)``: a unit's filled return (``name=`` and ``camp=`` change the file name and
the campaign).

The demo: ``demo_run`` is ``sheets-tools demo`` (the whole simulated year) run once per session:
(folder, output). Tests only read that folder (checked when the session ends); ``demo_copy`` is a private
copy of it in ``tmp_path`` for a test that writes.

Helpers (not fixtures) are in tests/workbooks.py: ``from workbooks import ...`` works from every folder
because this file's folder is put on sys.path.
"""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # pytest's default "prepend" import mode does this too; other modes do not
    sys.path.insert(0, str(TESTS))

from click.testing import CliRunner  # noqa: E402

from sheets_tools.campaign import workbook as campaign_mod  # noqa: E402
from sheets_tools.campaign import writer as campaign_writer  # noqa: E402
from sheets_tools.cli import main  # noqa: E402
from workbooks import make_return  # noqa: E402

SAMPLE = "daklak-2024"


def _sample_campaign_in(folder: Path):
    campaign_writer.create(folder, sample=SAMPLE)
    return campaign_mod.load(folder)


@pytest.fixture
def camp(tmp_path):
    """The sample campaign in ``tmp_path / "dot"``, created and loaded for this test alone."""
    return _sample_campaign_in(tmp_path / "dot")


@pytest.fixture(scope="session")
def shared_camp(tmp_path_factory):
    """The sample campaign created once per session. Read-only: nothing may write into its folder."""
    return _sample_campaign_in(tmp_path_factory.mktemp("shared") / "dot")


@pytest.fixture
def sample(tmp_path):
    """The built-in sample as an object (no campaign.xlsx), its folder ``tmp_path / "dot"``."""
    folder = tmp_path / "dot"
    folder.mkdir()
    return campaign_mod.sample_campaign(SAMPLE, directory=folder)


@pytest.fixture(scope="session")
def shared_sample(tmp_path_factory):
    """The built-in sample as an object, once per session. Read-only."""
    return campaign_mod.sample_campaign(SAMPLE, directory=tmp_path_factory.mktemp("shared-sample"))


@pytest.fixture
def return_file(tmp_path, shared_camp):
    """``return_file(unit="VP", rows=None, *, name="a.xlsx", camp=None, **make_return keywords)``: the path
    of a unit's filled return (rows by sheet key) written in ``tmp_path``, for ``shared_camp`` unless
    ``camp`` is given."""
    def build(unit: str = "VP", rows: dict | None = None, *, name: str = "a.xlsx", camp=None, **kw) -> Path:
        return make_return(tmp_path / name, camp or shared_camp, unit, rows or {}, **kw)
    return build


# --- the demo: once per session ------------------------------------------------------------------------
def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file's content, the ledger by its rows (reading it may touch the sqlite file itself)."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name.startswith("ledger.sqlite-"):  # -wal / -shm: sqlite's own working files
            continue
        if name == "ledger.sqlite":
            con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
            try:
                data = "\n".join(con.iterdump()).encode("utf-8")
            finally:
                con.close()
        else:
            data = path.read_bytes()
        out[name] = hashlib.sha256(data).hexdigest()
    return out


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """``sheets-tools demo <folder>`` run once for the whole session: (folder, the command's output).

    Read-only: a test that writes takes ``demo_copy``. When the session ends, the folder must be as the
    demo left it (else a test changed what others read)."""
    directory = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(main, ["demo", str(directory)])
    assert result.exit_code == 0, result.output
    before = _fingerprint(directory)
    yield directory, result.output
    after = _fingerprint(directory)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"a test wrote into the shared demo folder (use demo_copy): {changed}"


@pytest.fixture
def demo_copy(demo_run, tmp_path) -> Path:
    """A private copy of the session's demo folder, to write into."""
    directory, _ = demo_run
    return Path(shutil.copytree(directory, tmp_path / "demo"))
