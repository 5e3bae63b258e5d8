"""The master's input tables written in parts by worker processes (``master.tablerows``) give the very master
the command writes alone: every part of the workbook, byte for byte; a worker that dies costs nothing but
time; the parts cut the units in order, about as many rows each."""
from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.master import tablerows
from sheets_tools.master.book import MasterBook
from sheets_tools.master.consolidate import master_path
from workbooks import with_setting


@pytest.fixture(autouse=True)
def one_moment(monkeypatch):
    """Every master of a test says the same "Số liệu tính đến": two runs a minute apart differ there alone."""
    monkeypatch.setattr(MasterBook, "stamp", lambda self: "Số liệu tính đến 04/12/2026 09:00")


def consolidated(folder: Path, keep: Path) -> dict[str, bytes]:
    """``consolidate`` through the command line; the master's parts (its creation time left out)."""
    result = CliRunner().invoke(main, ["consolidate", str(folder)])
    assert result.exit_code == 0, result.output
    shutil.copy(master_path(campaign_mod.load(folder)), keep)
    with zipfile.ZipFile(keep) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def in_workers(monkeypatch, least: int) -> tuple[list, list]:
    """Tables of ``least`` rows or more go to the workers; returns the parts sent to them and the first rows of
    the parts a worker wrote that were put in place."""
    monkeypatch.setattr(tablerows, "PARALLEL_ROWS", {"fork": least})
    monkeypatch.setattr(tablerows, "PARALLEL_ROWS_SPAWN", least)
    sent: list = []
    taken: list = []
    submit, take = tablerows.Tables._submit, tablerows.RowStream.take

    def counted(self, job):
        sent.append(job)
        return submit(self, job)

    def placed(self, path, first, end, dimensions):
        taken.append(first)
        return take(self, path, first, end, dimensions)
    monkeypatch.setattr(tablerows.Tables, "_submit", counted)
    monkeypatch.setattr(tablerows.RowStream, "take", placed)
    return sent, taken


@pytest.fixture
def two_workers(demo_copy) -> Path:
    with_setting(campaign_mod.load(demo_copy), "collect_workers", 2)
    return demo_copy


def test_same_master_with_rows_written_by_workers(two_workers, tmp_path, monkeypatch):
    alone = consolidated(two_workers, tmp_path / "alone.xlsx")
    sent, taken = in_workers(monkeypatch, 1)
    before = set(Path(tempfile.gettempdir()).glob("sheets-tools-rows-*"))
    apart = consolidated(two_workers, tmp_path / "apart.xlsx")
    assert len(sent) >= 4 and sum(len(job.units) for job in sent) > 20  # every table went to the workers
    assert len(taken) == len(sent)  # and every part came back from them
    assert alone.keys() == apart.keys()
    assert [name for name in alone if alone[name] != apart[name]] == []
    assert set(Path(tempfile.gettempdir()).glob("sheets-tools-rows-*")) == before  # no row file left behind


def test_same_master_with_spawned_workers(two_workers, tmp_path, monkeypatch):
    """As on Windows, where a worker is a new Python (spawn) that gets its part pickled."""
    from sheets_tools.master import book as book_mod
    alone = consolidated(two_workers, tmp_path / "alone.xlsx")
    sent, taken = in_workers(monkeypatch, 1)
    monkeypatch.setattr(book_mod, "start_method", lambda: "spawn")
    apart = consolidated(two_workers, tmp_path / "spawned.xlsx")
    assert sent and len(taken) == len(sent) and alone == apart


def test_one_worker_writes_every_row_itself(two_workers, tmp_path, monkeypatch):
    """``collect_workers`` = 1: no worker process, whatever the size."""
    with_setting(campaign_mod.load(two_workers), "collect_workers", 1)
    sent, taken = in_workers(monkeypatch, 1)
    consolidated(two_workers, tmp_path / "one.xlsx")
    assert sent == [] and taken == []


def _die(job):  # a worker killed while writing its part
    os._exit(3)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the replaced worker function reaches forked "
                                                             "workers only (fork: Linux)")
def test_a_worker_that_dies_changes_nothing(two_workers, tmp_path, monkeypatch):
    alone = consolidated(two_workers, tmp_path / "alone.xlsx")
    sent, taken = in_workers(monkeypatch, 1)
    monkeypatch.setattr(tablerows, "_write_part", _die)
    apart = consolidated(two_workers, tmp_path / "died.xlsx")
    assert sent and taken == [] and alone == apart  # every part written by the command itself


@pytest.mark.parametrize("seed", range(6))
def test_parts_cut_units_in_order_about_evenly(seed):
    rng = random.Random(seed)
    units = [(f"U{i}", f"Đơn vị {i}", i) for i in range(rng.randint(1, 60))]
    counts = {i: rng.choice([0, 1, 5, 40, 40, 40, 300]) for _, _, i in units}
    for parts in (1, 2, 3, 4):
        runs = tablerows.split(units, {(i, "s"): n for i, n in counts.items()}, "s", parts)
        assert [u for run, _ in runs for u in run] == units
        assert len(runs) <= parts and all(run for run, _ in runs)
        assert [n for _, n in runs] == [sum(counts[u[2]] for u in run) for run, _ in runs]
        share, biggest = sum(counts.values()) / parts, max(counts.values())
        assert all(n <= share + biggest for _, n in runs)
