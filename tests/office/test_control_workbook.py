"""``sheets-tools excel install DIR``: the control workbook, its buttons' VBA, its xlwings settings, its print."""
from __future__ import annotations

import contextlib
import importlib
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from click.testing import CliRunner
from oletools.olevba import VBA_Parser

from pdf_boxes import HAVE_TOOLS, describe, overlaps, pages, render, text_of
from sheets_tools.cli import main

with contextlib.suppress(ImportError):
    importlib.import_module("sheets_tools.cli.excel")  # registers "excel" on the group (the CLI imports it too)

YEAR_ORDER = ["Gửi biểu mẫu", "Nhận hồ sơ từ hộp thư", "Nhận hồ sơ từ thư mục", "Tổng hợp", "Tình hình nộp",
              "Nhắc nộp", "Gửi phản hồi", "Lập phiếu biểu quyết", "Kiểm phiếu", "Lập quyết định"]


def install(folder: Path):
    return CliRunner().invoke(main, ["excel", "install", str(folder)])


@pytest.fixture
def control(camp, return_file) -> Path:
    """The sample campaign with one return collected, and its control workbook installed."""
    assert CliRunner().invoke(main, ["collect", str(camp.dir), str(return_file("VP", camp=camp))]).exit_code in (0, 1)
    result = install(camp.dir)
    assert result.exit_code == 0, result.output
    path = camp.dir / "Bảng điều khiển thi đua 2024.xlsm"
    assert path.name in result.output and path.is_file()
    return path


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def buttons_of(path: Path) -> list[tuple[str, str]]:
    """(caption, macro) of every button, from the drawing's VML, in the order they were drawn."""
    with zipfile.ZipFile(path) as z:
        vml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".vml"))
    shapes = re.findall(r"<v:shape .*?</v:shape>", vml, re.S)
    found = []
    for shape in shapes:
        macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape, re.S)
        caption = re.sub(r"<[^>]+>", "", re.search(r"<v:textbox.*?</v:textbox>", shape, re.S).group(0)).strip()
        if macro:
            found.append((caption, macro.group(1).split("!")[-1]))
    return found


def test_install_writes_the_control_sheet_protected_with_yellow_inputs(control):
    wb = openpyxl.load_workbook(control)
    assert [(ws.title, ws.sheet_state) for ws in wb.worksheets] == [
        ("Bảng điều khiển", "visible"), ("Tình hình nộp", "visible"), ("xlwings.conf", "hidden")]
    ws = wb["Bảng điều khiển"]
    assert ws.protection.sheet and ws.page_setup.paperSize == 9 and ws["A1"].font.name == "Times New Roman"
    labels = {c.value: c.row for c in ws["A"] if isinstance(c.value, str)}
    for label in ("Thư mục hồ sơ (Nhận hồ sơ từ thư mục)", "Số quyết định (Lập quyết định)",
                  "Ngày ký, dd/mm/yyyy (Lập quyết định)"):
        box = ws.cell(labels[label], 2)
        assert box.protection.locked is False and box.fill.fgColor.rgb.endswith("FFF2CC"), label
    assert ws.cell(labels[label], 1).protection.locked is not False  # the labels stay locked
    head = [c.value for c in ws[labels["Biểu mẫu"]]][:8]
    assert head == ["Biểu mẫu", "Hạn nộp", "Hợp lệ", "Có lưu ý", "Bị trả lại", "Chưa nộp", "Nộp muộn", "Chưa đến hạn"]
    registration = [c.value for c in ws[labels["Đăng ký thi đua"]]][:8]
    assert registration[1] == "31/01/2024" and sum(registration[2:6]) == 24  # every unit counted once
    assert sum(registration[2:5]) == 1  # VP's return, collected before the install
    assert "Nhật ký (mới nhất ở trên)" in labels and "Lần chạy gần nhất" in labels


def test_matrix_sheet_is_coloured_by_state(control):
    ws = openpyxl.load_workbook(control)["Tình hình nộp"]
    rules = {r.text: r for rng in ws.conditional_formatting for r in rng.rules}
    assert {"Hợp lệ", "Có lưu ý", "Bị trả lại", "Chưa nộp", "Chưa đến hạn"} <= set(rules)
    assert all(r.operator == "beginsWith" for r in rules.values())
    codes = [c.value for c in ws["A"]]
    vp = ws.cell(codes.index("VP") + 1, 3).value
    assert vp.startswith(("Hợp lệ", "Có lưu ý", "Bị trả lại")) and vp.endswith("(muộn)")  # sent after 2024's deadline


def test_xlwings_settings_are_what_its_standalone_module_reads(control):
    ws = openpyxl.load_workbook(control)["xlwings.conf"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert ws["A1"].value == "Interpreter_Win" and ws["A2"].value  # read from A1 down to the first empty cell
    assert [ws.cell(r, 1).value for r in range(1, len(rows) + 1)] == list(rows)  # no gap
    expected = sys.executable if sys.platform != "darwin" else None
    if expected and sys.platform != "win32":
        assert rows["Interpreter_Win"] == expected
    assert rows["Show Console"] is False and rows["Use UDF Server"] is False
    assert {k.upper() for k in rows} >= {"INTERPRETER_WIN", "INTERPRETER_MAC", "PYTHONPATH", "SHOW CONSOLE"}
    bas = (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="utf-8", errors="replace")
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in bas and "UCase(cell.Value)" in bas


def test_every_button_calls_a_sub_that_calls_a_step_of_buttons(control):
    from sheets_tools.office import buttons
    drawn = buttons_of(control)
    assert [caption for caption, _ in drawn] == YEAR_ORDER
    modules = vba_modules(control)
    code = "\n".join(modules.values())
    for caption, macro in drawn:
        assert re.search(rf"^Public Sub {macro}\(\)", code, re.M), (caption, macro)
    called = re.findall(r'^\s*Chay "([^"]+)"', code, re.M)
    assert sorted(called) == sorted(buttons.STEP_FUNCTIONS) and len(called) == len(drawn)
    assert re.search(r"RunPython \"from sheets_tools.office import buttons; buttons.press\('\" & stepKey & \"'\)\"",
                     code)
    assert f"'Version: {xlwings.__version__}" in modules["xlwings"]  # the installed xlwings' own module
    assert "Dictionary" in modules
    assert all(ch.isascii() for ch in modules["ThiDua"])  # Vietnamese only as ChrW(...)
    assert '"B" & ChrW(7843) & "ng " & ChrW(273) & "i" & ChrW(7873) & "u khi" & ChrW(7875) & "n thi ' in modules["ThiDua"]


def test_chay_checks_python_and_the_package_before_running(control):
    chay = vba_modules(control)["ThiDua"]
    body = chay[chay.index("Private Sub Chay("):chay.index("End Sub", chay.index("Private Sub Chay("))]
    assert body.index("TonTai(python)") < body.index("ImportDuoc(python)") < body.index("RunPython")
    assert "On Error GoTo Failed" in body and "TextNoPython" in body and "TextNoPackage" in body
    assert '"import sheets_tools.office.buttons"' in chay and 'CreateObject("WScript.Shell")' in chay


def test_install_refuses_while_the_workbook_is_open(control):
    before = control.read_bytes()
    control.with_name("~$" + control.name).write_bytes(b"x")
    result = install(control.parent)
    assert result.exit_code == 3
    assert "đang mở trong Excel" in result.output and "đóng tệp đó" in result.output
    assert control.read_bytes() == before


def test_install_refuses_a_folder_that_is_not_a_campaign(tmp_path):
    result = install(tmp_path)
    assert result.exit_code != 0 and "campaign.xlsx" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("*.xlsm"))


@pytest.mark.libreoffice
@pytest.mark.skipif(not HAVE_TOOLS, reason="needs LibreOffice and pdftotext")
def test_control_workbook_opens_in_libreoffice_and_prints_clean(control, tmp_path):
    copy = tmp_path / "control.xlsm"
    copy.write_bytes(control.read_bytes())
    [pdf] = render([copy])
    text = text_of(pdf)
    assert "BẢNG ĐIỀU KHIỂN THI ĐUA 2024" in text and "Đăng ký thi đua" in text and "Nhật ký" in text
    assert all(w > h for w, h in pages(pdf))  # A4 landscape
    assert not overlaps(pdf), describe(overlaps(pdf))


def _excel_running() -> bool:
    if sys.platform not in ("win32", "darwin"):
        return False
    try:
        return bool(xlwings.apps.keys() is not None)
    except Exception:  # noqa: BLE001 - no Excel installed
        return False


@pytest.mark.excel
@pytest.mark.skipif(not _excel_running(), reason="needs Microsoft Excel (Windows or macOS)")
def test_control_workbook_opens_in_excel(control):
    app = xlwings.App(visible=False, add_book=False)
    try:
        book = app.books.open(str(control))
        assert book.sheets["xlwings.conf"].range("A1").value == "Interpreter_Win"
        assert book.sheets["Bảng điều khiển"].range("A1").value == "BẢNG ĐIỀU KHIỂN THI ĐUA 2024"
        book.close()
    finally:
        app.quit()


def spoken(vba: str, function: str, **arguments: str) -> str:
    """What a generated VBA text function returns: its ``s = s & ...`` pieces evaluated."""
    body = vba[vba.index(f"Private Function {function}("):]
    body = body[:body.index("End Function")]
    text = ""
    for line in re.findall(r"^\s*s = s & (.*)$", body, re.M):
        for piece in re.findall(r'"(?:[^"]|"")*"|ChrW\(\d+\)|vbLf|\w+', line):
            if piece.startswith('"'):
                text += piece[1:-1].replace('""', '"')
            elif piece.startswith("ChrW("):
                text += chr(int(piece[5:-1]))
            elif piece == "vbLf":
                text += "\n"
            else:
                text += arguments[piece]
    return text


def test_the_vba_messages_say_what_to_do_in_vietnamese(control):
    vba = vba_modules(control)["ThiDua"]
    folder = str(control.parent)
    no_python = spoken(vba, "TextNoPython", python=r"C:\Python\pythonw.exe", folder=folder)
    assert no_python.startswith("Không tìm thấy Python của công cụ sheets-tools tại:\nC:\\Python\\pythonw.exe")
    assert f'sheets-tools excel install "{folder}"' in no_python
    no_package = spoken(vba, "TextNoPackage", python="py", folder=folder)
    assert "chưa có công cụ sheets-tools" in no_package and "Hãy cài lại công cụ" in no_package
    assert spoken(vba, "TextFailed", detail="X").startswith("Không chạy được bước này: X")
    assert spoken(vba, "TextTitle") == "Bảng điều khiển thi đua"
