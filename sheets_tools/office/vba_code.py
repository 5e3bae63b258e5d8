"""The control workbook's VBA: our module (one ``Sub`` per button, all calling ``Chay``), the document
modules, and the installed xlwings' own standalone modules, put into a ``vbaProject.bin``.

VBA source is stored in code page 1252, so every Vietnamese text is built here as ``ChrW(...)``
concatenations (``vba_text``); nothing outside printable ASCII is written raw.
"""
from __future__ import annotations

from pathlib import Path

import xlwings

from sheets_tools.excel.vba import Module, module_from_export, project
from sheets_tools.office.steps import (CODE_NAMES, CONF_SHEET, CONTROL_SHEET, INPUTS, MATRIX_SHEET, STEPS,
                                       VBA_MODULE, VBA_PROJECT, WORKBOOK_CODE_NAME)

TITLE = "Bảng điều khiển thi đua"
MESSAGES = {  # name -> (parameters, text with {parameter} placeholders)
    "TextTitle": ((), TITLE),
    "TextNoPython": (("python", "folder"),
                     "Không tìm thấy Python của công cụ sheets-tools tại:\n{python}\n\nHãy mở cửa sổ lệnh (Command "
                     "Prompt) và chạy lại:\nsheets-tools excel install \"{folder}\"\nrồi mở lại bảng điều khiển này."),
    "TextNoPackage": (("python", "folder"),
                      "Python tại {python} chưa có công cụ sheets-tools (hoặc công cụ chưa cài xong).\n\nHãy cài "
                      "lại công cụ sheets-tools, rồi chạy trong cửa sổ lệnh:\nsheets-tools excel install \"{folder}\"\n"
                      "và mở lại bảng điều khiển này."),
    "TextFailed": (("detail",),
                   "Không chạy được bước này: {detail}\n\nBảng điều khiển vẫn dùng được. Hãy thử lại; nếu vẫn lỗi, "
                   "chạy lệnh sheets-tools tương ứng trong cửa sổ lệnh để xem chi tiết."),
    "TextPickFolder": ((), "Chọn thư mục chứa hồ sơ đơn vị gửi về"),
}
_CHUNK = 12  # pieces per VBA statement: lines stay far below VBA's 1023 characters


def vba_text(text: str) -> list[str]:
    """The pieces of a VBA string expression for ``text``: quoted runs of printable ASCII, ``vbLf`` for a
    new line, ``ChrW(n)`` for every other character (joined with `` & ``)."""
    pieces: list[str] = []
    run = ""
    for char in text:
        if " " <= char <= "~":
            run += '""' if char == '"' else char
            continue
        if run:
            pieces.append(f'"{run}"')
            run = ""
        pieces.append("vbLf" if char == "\n" else f"ChrW({ord(char)})")
    if run:
        pieces.append(f'"{run}"')
    return pieces or ['""']


def text_function(name: str, parameters: tuple[str, ...], text: str) -> str:
    """A private VBA function returning ``text`` with its ``{parameter}`` places filled from its arguments."""
    pieces: list[str] = []
    rest = text
    while rest:
        at = min(((rest.find("{" + p + "}"), p) for p in parameters if "{" + p + "}" in rest), default=None)
        if at is None:
            pieces += vba_text(rest)
            break
        index, parameter = at
        if index:
            pieces += vba_text(rest[:index])
        pieces.append(parameter)
        rest = rest[index + len(parameter) + 2:]
    arguments = ", ".join(f"ByVal {p} As String" for p in parameters)
    lines = [f"Private Function {name}({arguments}) As String", "    Dim s As String", '    s = ""']
    for start in range(0, len(pieces), _CHUNK):
        lines.append("    s = s & " + " & ".join(pieces[start:start + _CHUNK]))
    return "\n".join([*lines, f"    {name} = s", "End Function"])


def module_source() -> str:
    """Our module: a ``Sub`` per button, ``Chay`` (check Python and the package, then ``RunPython``)."""
    folder_cell = f"B{INPUTS['folder'][0]}"
    control = CODE_NAMES[CONTROL_SHEET]
    parts = ["Option Explicit", ""]
    for step in STEPS:
        if step.key == "collect":
            parts += [f"Public Sub {step.macro}()", "    On Error GoTo Failed", "    Dim picked As String",
                      "    picked = ChonThuMuc()", f'    If picked <> "" Then {control}.Range("{folder_cell}").Value = picked',
                      f'    If Trim(CStr({control}.Range("{folder_cell}").Value)) = "" Then Exit Sub',
                      f'    Chay "{step.key}"', "    Exit Sub", "Failed:", "    BaoLoi Err.Description", "End Sub", ""]
        else:
            parts += [f"Public Sub {step.macro}()", f'    Chay "{step.key}"', "End Sub", ""]
    parts += [_CHAY, "", _HELPERS, ""]
    parts += [text_function(name, params, text) + "\n" for name, (params, text) in MESSAGES.items()]
    return "\n".join(parts)


_CHAY = """Private Sub Chay(ByVal stepKey As String)
    On Error GoTo Failed
    Dim python As String
    #If Mac Then
    python = CauHinh("Interpreter_Mac")
    #Else
    python = CauHinh("Interpreter_Win")
    #End If
    If python = "" Or Not TonTai(python) Then
        MsgBox TextNoPython(python, ThisWorkbook.Path), vbExclamation, TextTitle()
        Exit Sub
    End If
    #If Not Mac Then
    If Not ImportDuoc(python) Then
        MsgBox TextNoPackage(python, ThisWorkbook.Path), vbExclamation, TextTitle()
        Exit Sub
    End If
    #End If
    RunPython "from sheets_tools.office import buttons; buttons.press('" & stepKey & "')"
    Exit Sub
Failed:
    BaoLoi Err.Description
End Sub"""

_HELPERS = f"""Private Sub BaoLoi(ByVal detail As String)
    On Error Resume Next
    MsgBox TextFailed(detail), vbExclamation, TextTitle()
End Sub

Private Function CauHinh(ByVal key As String) As String
    On Error GoTo Missing
    Dim c As Range
    For Each c In ThisWorkbook.Worksheets("{CONF_SHEET}").Range("A1:A40").Cells
        If UCase(CStr(c.Value)) = UCase(key) Then
            CauHinh = Trim(CStr(c.Offset(0, 1).Value))
            Exit Function
        End If
    Next c
Missing:
    CauHinh = ""
End Function

Private Function TonTai(ByVal path As String) As Boolean
    On Error GoTo Nope
    #If Mac Then
    TonTai = (Dir(path) <> "")
    #Else
    TonTai = CreateObject("Scripting.FileSystemObject").FileExists(path)
    #End If
    Exit Function
Nope:
    TonTai = False
End Function

Private Function ImportDuoc(ByVal python As String) As Boolean
    On Error GoTo Nope
    Dim sh As Object, extra As String
    Set sh = CreateObject("WScript.Shell")
    extra = CauHinh("PYTHONPATH")
    If extra <> "" Then sh.Environment("Process")("PYTHONPATH") = extra
    ImportDuoc = (sh.Run(Chr(34) & python & Chr(34) & " -c " & Chr(34) & "import sheets_tools.office.buttons" _
        & Chr(34), 0, True) = 0)
    Exit Function
Nope:
    ImportDuoc = False
End Function

Private Function ChonThuMuc() As String
    ' msoFileDialogFolderPicker = 4, late bound: the project needs no reference to the Office library
    #If Mac Then
    ChonThuMuc = ""
    #Else
    Dim picker As Object
    Set picker = Application.FileDialog(4)
    picker.Title = TextPickFolder()
    picker.AllowMultiSelect = False
    If picker.Show = -1 Then ChonThuMuc = picker.SelectedItems(1)
    #End If
End Function"""

_WORKBOOK = f"""Option Explicit

Private Sub Workbook_Open()
    ' the sheets stay protected for the office, open to the buttons' code (not kept in the file)
    On Error Resume Next
    {CODE_NAMES[CONTROL_SHEET]}.Protect UserInterfaceOnly:=True
    {CODE_NAMES[MATRIX_SHEET]}.Protect UserInterfaceOnly:=True
End Sub
"""


def xlwings_modules(package: Path | None = None) -> list[Module]:
    """The installed xlwings' standalone module and its Dictionary class (Mac), as the package ships them."""
    package = Path(package or Path(xlwings.__file__).parent)
    return [module_from_export(_read(package / "xlwings.bas"), "standard"),
            module_from_export(_read(package / "addin" / "Dictionary.cls"), "class")]


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def vba_project() -> bytes:
    """The ``vbaProject.bin`` of the control workbook."""
    documents = [Module(WORKBOOK_CODE_NAME, _WORKBOOK, "workbook")]
    documents += [Module(code_name, "", "sheet") for code_name in CODE_NAMES.values()]
    return project([*documents, *xlwings_modules(), Module(VBA_MODULE, module_source())], name=VBA_PROJECT)
