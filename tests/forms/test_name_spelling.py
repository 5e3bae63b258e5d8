"""One person under any spelling, through ``sheets-tools collect`` and ``history import``: the old and new
tone placement ("Thuỷ"/"Thủy"), NFC or NFD, case and repeated spaces match the January registration, the
award history and the other units' registrations; the unit's own spelling is what the ledger keeps."""
from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from sheets_tools.cli import main
from sheets_tools.store.ledger import Ledger

from workbooks import make_return

JANUARY = datetime(2024, 1, 20, 9, 0)
YEAR_END = datetime(2024, 11, 20, 9, 0)
HTT, HTXS = "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ"
LDTT, CSTDCS, CSTD_TINH = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh"
BIRTH = date(1984, 6, 12)
OLD = dict(family_name="Nguyễn Thị", given_name="Thuỷ", birth_date=BIRTH, sex="Nữ")  # tone on the y
NEW = dict(family_name="Nguyễn Thị", given_name="Thủy", birth_date=BIRTH, sex="Nữ")  # tone on the u
INITIATIVE = "Đề án hòa giải trực tuyến, Quyết định số 45/QĐ-UBND"
HISTORY_HEADER = ["STT", "Đối tượng", "Họ và tên đệm", "Tên", "Ngày sinh", "Đơn vị", "Năm", "Danh hiệu, hình thức",
                  "Số quyết định", "Ngày quyết định"]

_files = iter(range(10_000))


def collect(camp, path: Path, moment: datetime) -> dict:
    """``sheets-tools collect`` of one file received at ``moment``: the file's JSON record."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    run = CliRunner().invoke(main, ["collect", str(camp.dir), str(path), "--json", "--no-feedback"])
    assert run.exception is None or isinstance(run.exception, SystemExit), run.output
    [record] = json.loads(run.output)["files"]
    return record


def codes(record: dict) -> list[str]:
    return [f["code"] for f in record["findings"]]


def register(camp, unit: str, who: dict, title: str = LDTT) -> dict:
    rows = {"individuals": [{**who, "last_rating": HTT, "title": title}],
            "movements": [{"movement": camp.movements[0].name}]}
    path = make_return(camp.dir.parent / f"dang-ky-{unit}-{next(_files)}.xlsx", camp, unit, rows)
    return collect(camp, path, JANUARY)


def propose(camp, unit: str, *people: dict) -> dict:
    path = camp.dir.parent / f"de-nghi-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"individuals": list(people), "collectives": []}, form_id="proposals")
    return collect(camp, path, YEAR_END)


def person(who: dict, title: str, **more) -> dict:
    return {**who, "rating": HTT, "title": title, "unit_vote": 100, "pending": "Không",
            "achievements": "Hoàn thành tốt nhiệm vụ được giao", **more}


def test_registered_thuy_proposed_thuy_is_registered(camp):
    assert register(camp, "VP", OLD)["status"] == "accepted"
    assert "proposal.not_registered" not in codes(propose(camp, "VP", person(NEW, LDTT)))
    nfd_and_case = {**NEW, "family_name": unicodedata.normalize("NFD", "NGUYỄN  THỊ"),
                    "given_name": unicodedata.normalize("NFD", "thủy")}
    assert "proposal.not_registered" not in codes(propose(camp, "VP", person(nfd_and_case, LDTT)))
    # a different tone is a different person
    other = {**NEW, "given_name": "Thúy"}
    assert "proposal.not_registered" in codes(propose(camp, "VP", person(other, LDTT)))


def history_file(path: Path, given_name: str, years: tuple[int, ...]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Khen thưởng"
    ws.append(HISTORY_HEADER)
    for i, year in enumerate(years, start=1):
        ws.append([i, "Cá nhân", "Nguyễn Thị", given_name, BIRTH, "Văn phòng Sở", year, CSTDCS,
                   f"{i}/QĐ-STP", date(year, 12, 20)])
    wb.save(path)
    return path


def province_proposal(camp) -> dict:
    """CSTĐ cấp tỉnh for "Thủy" (with this year's CSTĐCS), in a file of its own (collect skips a file already taken)."""
    return propose(camp, "VP", person(NEW, CSTD_TINH, rating=HTXS, initiative=INITIATIVE,
                                      initiative_scope="Tỉnh, bộ", achievements=f"Thành tích {next(_files)}"),
                   person(NEW, CSTDCS, rating=HTXS))


def test_history_typed_thuy_is_found_for_a_proposal_thuy(camp):
    register(camp, "VP", NEW, CSTD_TINH)
    assert "proposal.history_missing" in codes(province_proposal(camp))  # no history yet: refused
    path = history_file(camp.dir.parent / "lich-su.xlsx", "Thuỷ", (2022, 2023))
    run = CliRunner().invoke(main, ["history", "import", str(camp.dir), str(path)])
    assert run.exit_code == 0, run.output
    assert "proposal.history_missing" not in codes(province_proposal(camp))


def test_history_key_stored_in_another_spelling_still_matches(camp):
    """A ledger whose history rows were keyed before the tone placement was made one."""
    register(camp, "VP", NEW, CSTD_TINH)
    path = history_file(camp.dir.parent / "lich-su.xlsx", "Thủy", (2022, 2023))
    assert CliRunner().invoke(main, ["history", "import", str(camp.dir), str(path)]).exit_code == 0
    with Ledger(camp.dir) as ledger:  # what an older version stored for "Thuỷ": the typed placement
        ledger.db.execute("UPDATE awards SET person_key = replace(person_key, 'thuỷ', 'thủy'),"
                          " given_name = 'Thuỷ', name = 'Nguyễn Thị Thuỷ'")
        assert {k for (k,) in ledger.db.execute("SELECT person_key FROM awards")} == {"cn|nguyễn thị|thủy|1984-06-12"}
    assert "proposal.history_missing" not in codes(province_proposal(camp))
    db = sqlite3.connect(camp.dir / "ledger.sqlite")
    try:  # the stored key was brought to the current one; the typed name is kept as it was
        assert set(db.execute("SELECT person_key, name FROM awards")) == {
            ("cn|nguyễn thị|thuỷ|1984-06-12", "Nguyễn Thị Thuỷ")}
    finally:
        db.close()


def test_two_units_registering_thuy_and_thuy_are_warned(camp):
    assert register(camp, "VP", OLD)["status"] == "accepted"
    record = register(camp, "TTR", NEW)
    assert "row.duplicate_across_units" in codes(record)
    # VP's registration replaced by another person (another tone): no longer a duplicate
    assert "row.duplicate_across_units" not in codes(register(camp, "VP", {**NEW, "given_name": "Thúy"}))


OCTOBER = datetime(2024, 10, 10, 9, 0)
LONG = ("Chủ trì xây dựng mô hình một cửa liên thông điện tử, rút ngắn 40% thời gian giải quyết hồ sơ hộ tịch "
        "cho người dân.")


def nominate(camp, name: str) -> dict:
    path = camp.dir.parent / f"de-xuat-VP-{next(_files)}.xlsx"
    rows = [{"subject": "Cá nhân", "name": name, "category": "Điển hình tiên tiến", "criterion_1": "Có",
             "description": LONG, "evidence": "Báo cáo số 12/BC-VP ngày 05/10/2024",
             "publicity": "Cổng thông tin điện tử của Sở"}]
    make_return(path, camp, "VP", {"nominations": rows}, form_id="nominations")
    return collect(camp, path, OCTOBER)


def test_nomination_of_thuy_registered_as_thuy(camp):
    register(camp, "VP", OLD)
    assert "nomination.not_registered" not in codes(nominate(camp, "Bà nguyễn  thị THỦY"))
    assert "nomination.not_registered" in codes(nominate(camp, "Nguyễn Thị Thúy"))


FEBRUARY = datetime(2024, 2, 20, 9, 0)  # before the initiatives' deadline


def initiative_authors(camp, authors: str) -> dict:
    path = camp.dir.parent / f"sang-kien-VP-{next(_files)}.xlsx"
    rows = [{"title": f"Số hóa hồ sơ lưu trữ {next(_files)}", "kind": "Sáng kiến", "authors": authors,
             "field": "Văn phòng, tổ chức, cải cách hành chính, chuyển đổi số", "scope": "Toàn Sở",
             "effect": "Rút ngắn thời gian tra cứu hồ sơ", "start_date": date(2024, 2, 1)}]
    make_return(path, camp, "VP", {"initiatives": rows}, form_id="initiatives")
    return collect(camp, path, FEBRUARY)


def test_initiative_author_thuy_registered_as_thuy(camp):
    register(camp, "VP", OLD)
    assert "initiative.author_not_registered" not in codes(initiative_authors(camp, "Nguyễn Thị Thủy"))
    assert "initiative.author_not_registered" in codes(initiative_authors(camp, "Nguyễn Thị Thúy"))



def test_row_keys_of_an_older_ledger_are_made_current(camp):
    """A ledger whose row keys were stored in the old spelling ("thủy") before the one tone placement: the
    next command makes them current, so another unit's "Thuỷ" is still the same person."""
    register(camp, "TTR", NEW)
    db = sqlite3.connect(camp.dir / "ledger.sqlite")
    keys = [k for (k,) in db.execute("SELECT key FROM rows WHERE key IS NOT NULL")]
    assert keys and all("thủy" not in k for k in keys)
    db.executemany("UPDATE rows SET key = ? WHERE key = ?", [(k.replace("thuỷ", "thủy"), k) for k in keys])
    db.execute("PRAGMA user_version = 0")
    db.commit()
    db.close()
    assert "row.duplicate_across_units" in codes(register(camp, "VP", OLD))
