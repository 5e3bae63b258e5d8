"""The control workbook's buttons (``office.buttons.press``) on a real campaign, through the stand-in for
Excel (``standin.py``) and the real command line run as a child process."""
from __future__ import annotations

import contextlib
import importlib
import json
import os
from pathlib import Path

from click.testing import CliRunner

from sheets_tools.cli import main
from standin import Book, control_book

with contextlib.suppress(ImportError):
    importlib.import_module("sheets_tools.cli.excel")  # registers "excel" on the group (the CLI imports it too)

CONTROL = "Bảng điều khiển"
MATRIX = "Tình hình nộp"


def installed(folder: Path, answers: list[str] | None = None) -> Book:
    """``sheets-tools excel install folder``, then the workbook as the buttons see it in Excel."""
    result = CliRunner().invoke(main, ["excel", "install", str(folder)])
    assert result.exit_code == 0, result.output
    found = sorted(folder.glob("Bảng điều khiển thi đua *.xlsm"))
    assert len(found) == 1, list(folder.iterdir())
    return control_book(found[0], answers)


def status_json(folder: Path) -> dict:
    result = CliRunner().invoke(main, ["status", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def log_text(book: Book) -> str:
    return "\n".join(str(v) for v in book.sheets[CONTROL].column("C"))


def matrix_row(book: Book, unit: str) -> list:
    sheet = book.sheets[MATRIX]
    for (row, column), value in sorted(sheet.cells.items()):
        if column == 1 and value == unit:
            return [sheet.cells.get((row, c)) for c in range(1, 10)]
    raise AssertionError(f"{unit} is not in the matrix: {sorted(sheet.cells.items())[:30]}")


def input_cell(book: Book, label_start: str) -> str:
    sheet = book.sheets[CONTROL]
    for (row, column), value in sheet.cells.items():
        if column == 1 and str(value).startswith(label_start):
            return f"B{row}"
    raise AssertionError(f"no input labelled {label_start}")


def test_collect_from_folder_puts_returns_in_ledger_log_and_matrix(camp, return_file, tmp_path):
    from sheets_tools.office import buttons
    inbox = tmp_path / "hồ sơ"
    inbox.mkdir()
    return_file("VP", name="hồ sơ/VP.xlsx", camp=camp)
    book = installed(camp.dir)
    assert matrix_row(book, "VP")[2] != "Hợp lệ"
    book.sheets[CONTROL].range(input_cell(book, "Thư mục hồ sơ")).value = str(inbox)

    buttons.press("collect", book)

    units = {u["unit"]: u for f in status_json(camp.dir)["forms"] if f["form"] == "registration" for u in f["units"]}
    assert units["VP"]["state"] != "missing" and units["VP"]["file"] == "VP.xlsx"
    assert "VP.xlsx" in log_text(book)
    shown = {"accepted": "Hợp lệ", "accepted_with_warnings": "Có lưu ý", "rejected": "Bị trả lại"}[units["VP"]["state"]]
    assert matrix_row(book, "VP")[2].startswith(shown)
    assert len(book.app.alerts) == 1 and book.app.alerts[0][3] == "info"
    assert "Đăng ký thi đua:" in book.app.alerts[0][0]  # the counts per form
    assert book.saved == 1  # the log and the last run are kept in the file


def test_consolidate_with_the_master_open_rewrites_it_in_place(demo_copy):
    from sheets_tools.office import buttons
    book = installed(demo_copy)
    master = demo_copy / "master" / "Tổng hợp thi đua 2024.xlsx"
    before = master.read_bytes()
    beside_before = set(master.parent.iterdir())
    open_master = book.app.books.open(str(master))

    buttons.press("consolidate", book)

    assert [a[3] for a in book.app.alerts] == ["info"], book.app.alerts
    assert open_master.saved == 1 and open_master.closed  # saved (the office's cells), closed, then rewritten
    assert master.read_bytes() != before
    new = {p.name for p in set(master.parent.iterdir()) - beside_before}
    assert not [n for n in new if n.startswith("Tổng hợp thi đua 2024 (")], new  # no copy written beside it
    assert [p.name for p in book.app.opened_paths] == [master.name] * 2  # opened again once written
    assert "Đã ghi bảng tổng hợp" in log_text(book)


def test_no_campaign_beside_the_workbook_is_one_message(tmp_path, camp):
    from sheets_tools.office import buttons
    book = installed(camp.dir)
    (camp.dir / "campaign.xlsx").unlink()

    buttons.press("status", book)

    assert len(book.app.alerts) == 1
    prompt, _, _, mode = book.app.alerts[0]
    assert mode == "critical" and "campaign.xlsx" in prompt and "sheets-tools excel install" in prompt
    assert "Không thực hiện được" in log_text(book)


def test_lock_held_by_another_run_is_one_message(camp):
    from sheets_tools.office import buttons
    book = installed(camp.dir)
    (camp.dir / ".sheets-tools.lock").write_text(f"collect pid={os.getpid()} 03/12/2026 10:00:00", encoding="utf-8")

    buttons.press("consolidate", book)

    assert len(book.app.alerts) == 1
    prompt, _, _, mode = book.app.alerts[0]
    assert mode == "critical" and "đang được xử lý bởi một lệnh khác" in prompt and "chạy lại" in prompt
    assert not (camp.dir / "master" / "Tổng hợp thi đua 2024.xlsx").exists()
    assert "Traceback" not in log_text(book)


def test_decision_with_a_bad_date_names_the_cell(camp):
    from sheets_tools.office import buttons
    book = installed(camp.dir)
    number, signed = input_cell(book, "Số quyết định"), input_cell(book, "Ngày ký")
    book.sheets[CONTROL].range(number).value = "12/QĐ-STP"
    book.sheets[CONTROL].range(signed).value = "31/02/2024"

    buttons.press("decision", book)

    assert len(book.app.alerts) == 1
    prompt, _, _, mode = book.app.alerts[0]
    assert mode == "critical" and signed in prompt and "31/02/2024" in prompt and "dd/mm/yyyy" in prompt


def test_decision_without_a_number_names_the_cell(camp):
    from sheets_tools.office import buttons
    book = installed(camp.dir)

    buttons.press("decision", book)

    prompt = book.app.alerts[-1][0]
    assert len(book.app.alerts) == 1 and input_cell(book, "Số quyết định") in prompt and "đang trống" in prompt


def test_remind_shows_what_would_go_and_sends_nothing_on_cancel(demo_copy):
    from sheets_tools.office import buttons
    book = installed(demo_copy, answers=["cancel"])
    sent_before = (demo_copy / "ledger.sqlite").read_bytes()

    buttons.press("remind", book)

    asked = [a for a in book.app.alerts if a[2] == "ok_cancel"]
    assert len(asked) == 1 and "thư nhắc nộp" in asked[0][0] and "Bấm OK để gửi" in asked[0][0]
    assert book.app.alerts[-1][3] == "info" and "Cancel" in book.app.alerts[-1][0]
    assert "Chưa gửi" in log_text(book)
    assert (demo_copy / "ledger.sqlite").read_bytes() == sent_before  # nothing recorded as sent


def test_an_unknown_step_is_one_message(camp):
    from sheets_tools.office import buttons
    book = installed(camp.dir)
    buttons.press("no-such-step", book)
    assert len(book.app.alerts) == 1 and book.app.alerts[0][3] == "critical"


def test_the_default_book_is_the_caller(monkeypatch, camp):
    """Without a book, the workbook whose button called (xlwings.Book.caller) is used."""
    import xlwings
    from sheets_tools.office import buttons
    book = installed(camp.dir)
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    buttons.press("status", None)
    assert book.app.alerts and book.app.alerts[0][3] == "info"


def test_the_log_keeps_every_run_newest_first(camp):
    from sheets_tools.office import buttons
    book = installed(camp.dir)
    buttons.press("status", book)
    buttons.press("decision", book)  # refused: no number typed

    steps = [v for v in book.sheets[CONTROL].column("A") if v in ("Cài đặt", "Tình hình nộp", "Lập quyết định")]
    assert steps[-3:] == ["Lập quyết định", "Tình hình nộp", "Cài đặt"]  # the log, newest first
    assert steps[0] == "Lập quyết định"  # the last run, above the log
