"""What the control workbook's buttons call (through xlwings' ``RunPython``): ``press(step)``.

Each step runs the same command the office would type, as a child process (``commands.run``), then writes
into the workbook what happened: the log and the last run, today's counts and the status matrix (from
``status --json``), and one message box. Any failure (no campaign beside the workbook, another run holding
the campaign, a command that stops, an unforeseen error) is one Vietnamese message box and a log line,
never a traceback: the workbook keeps working.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlwings

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign.model import CampaignError
from sheets_tools.master.consolidate import master_path
from sheets_tools.office import commands, excel_link, state
from sheets_tools.office.panel import Panel
from sheets_tools.office.steps import BY_KEY, CONTROL_SHEET, STEPS
from sheets_tools.office.vba_code import TITLE

STEP_KEYS = tuple(s.key for s in STEPS)
SHOWN_LINES = 12  # output lines shown in a message box (all of them go into the log)
KIND_WORDS = {"issue": "gửi biểu mẫu", "remind": "nhắc nộp", "feedback": "phản hồi"}


class Refused(Exception):
    """A step that cannot go on: ``message`` says why and what to do."""


class Run:
    """One press of a button: the workbook, its campaign folder, what to say at the end."""

    def __init__(self, book, folder: Path):
        self.book, self.folder = book, folder
        self.panel = Panel(book)
        self.lines: list[str] = []

    def cli(self, *args, fail: str = "") -> commands.Done:
        """Run a command on this campaign; a command that did not run stops the step (``fail`` first)."""
        done = commands.run(list(args), self.folder)
        if not done.ran:
            raise Refused(f"{fail}{done.error}")
        self.lines += done.lines
        return done

    def ask(self, prompt: str) -> bool:
        return (self.book.app.alert(prompt, title=TITLE, buttons="ok_cancel") or "").lower() == "ok"


def press(step: str, book=None) -> None:
    """Run the step ``step`` (one of ``STEP_KEYS``) for the control workbook ``book`` (default: the workbook
    whose button called, ``xlwings.Book.caller()``); its campaign is the workbook's folder."""
    if book is None:
        book = xlwings.Book.caller()
    spec = BY_KEY.get(step)
    label = spec.label if spec else step
    now = datetime.now()
    try:
        if spec is None:
            raise Refused(f"Bảng điều khiển gọi bước \"{step}\", công cụ không có bước này. Hãy chạy lại lệnh "
                          "sheets-tools excel install để lập lại bảng điều khiển.")
        folder = Path(book.fullname).parent
        if not (folder / campaign_mod.CAMPAIGN_FILE).is_file():
            raise Refused(f"Không tìm thấy tệp {campaign_mod.CAMPAIGN_FILE} trong thư mục {folder}. Bảng điều khiển "
                          "phải nằm trong thư mục đợt thi đua: hãy chạy sheets-tools excel install <thư mục đợt thi "
                          "đua> rồi mở bảng điều khiển trong thư mục đó.")
        run = Run(book, folder)
        STEP_FUNCTIONS[step](run)
        counts = _refresh(run, now)
    except Refused as exc:
        _fail(book, label, str(exc), now)
        return
    except Exception as exc:  # noqa: BLE001 - a button never shows a Python error: say it, keep the workbook going
        _fail(book, label, f"Lỗi không lường trước ({type(exc).__name__}: {exc}). Hãy chạy lại; nếu vẫn lỗi, chạy "
                           "lệnh sheets-tools tương ứng trong cửa sổ lệnh để xem chi tiết.", now)
        return
    lines = run.lines or ["Xong."]
    run.panel.record(label, lines, now)
    _keep(book)
    shown = lines[:SHOWN_LINES] + ([f"... (xem thêm {len(lines) - SHOWN_LINES} dòng trong nhật ký)"]
                                   if len(lines) > SHOWN_LINES else [])
    book.app.alert("\n".join(shown) + (f"\n\n{counts}" if counts else ""), title=f"{TITLE}: {label}", mode="info")


def _fail(book, label: str, message: str, now: datetime) -> None:
    try:
        Panel(book).record(label, [f"Không thực hiện được: {message}"], now)
        _keep(book)
    except Exception:  # noqa: BLE001 - a workbook that cannot be written still gets the message box
        pass
    book.app.alert(message, title=f"{TITLE}: {label}", mode="critical")


def _keep(book) -> None:
    """Save the control workbook, so the log and the last run stay (a copy opened read-only keeps them on
    screen only)."""
    try:
        book.save()
    except Exception:  # noqa: BLE001 - read-only, or Excel busy: the values are on screen all the same
        pass


def _refresh(run: Run, now: datetime) -> str:
    """Today's counts and the matrix from ``status --json``; the counts as lines for the message box."""
    done = commands.run(["status", run.folder, "--json"], run.folder)
    status = done.json()
    if not done.ran or "forms" not in status:
        run.lines.append(f"Chưa cập nhật được tình hình nộp: {done.error}")
        return ""
    run.panel.show_state(status, now)
    return state.summary(status)


def _offer_send(run: Run, kind: str) -> None:
    """The mail of ``kind`` that would go (a dry run), sent after the office says OK."""
    preview = commands.run(["send", run.folder, "--kind", kind, "--json"], run.folder)
    if not preview.ran:
        run.lines.append(f"Chưa gửi thư {KIND_WORDS[kind]}: {preview.error}")
        return
    pending = [m for m in preview.json().get("messages", []) if m.get("state") == "pending"]
    if not pending:
        run.lines.append(f"Không có thư {KIND_WORDS[kind]} nào cần gửi.")
        return
    units = sorted({m.get("unit", "") for m in pending})
    prompt = (f"Sẽ gửi {len(pending)} thư {KIND_WORDS[kind]} đến {len(units)} đơn vị: {', '.join(units[:20])}"
              f"{' ...' if len(units) > 20 else ''}.\n\nBấm OK để gửi ngay, Cancel để chưa gửi.")
    if not run.ask(prompt):
        run.lines.append(f"Chưa gửi {len(pending)} thư {KIND_WORDS[kind]} (đã chọn Cancel); bấm lại nút để gửi.")
        return
    run.cli("send", run.folder, "--kind", kind, "--send", fail="Gửi thư không thành công: ")


def issue(run: Run) -> None:
    run.cli("issue", run.folder)
    _offer_send(run, "issue")


def fetch(run: Run) -> None:
    run.cli("fetch", run.folder)


def collect(run: Run) -> None:
    folder = run.panel.value("folder")
    where = f"ô {run.panel.input_cell('folder')} ({run.panel.input_label('folder')}) của trang \"{CONTROL_SHEET}\""
    if not folder:
        raise Refused(f"Chưa có thư mục hồ sơ: {where} đang trống. Bấm lại nút và chọn thư mục, hoặc gõ đường dẫn "
                      "vào ô đó.")
    path = Path(folder) if Path(folder).is_absolute() else run.folder / folder
    if not path.exists():
        raise Refused(f"Không tìm thấy thư mục {path} ({where}). Hãy chọn lại thư mục chứa hồ sơ đơn vị gửi về.")
    run.cli("collect", run.folder, path)


def consolidate(run: Run) -> None:
    """The master, written in place even when it is open in this Excel: saved (the office's typed cells are
    read back from the file), closed, rewritten, opened again."""
    try:
        target = master_path(campaign_mod.load(run.folder))
    except CampaignError as exc:
        raise Refused(str(exc)) from exc
    app = run.book.app
    was_open = excel_link.put_away(app, target)
    try:
        done = run.cli("consolidate", run.folder)
    except Refused:
        if was_open and target.is_file():  # the office finds its master where it left it
            excel_link.show(app, target)
        raise
    written = target
    for line in done.lines:
        if "bên cạnh:" in line:
            written = Path(line.rsplit("bên cạnh:", 1)[1].strip())
    if written.is_file():
        excel_link.show(app, written)


def status(run: Run) -> None:
    """Nothing to run: the refresh after every step is this step."""


def remind(run: Run) -> None:
    run.cli("remind", run.folder)
    _offer_send(run, "remind")


def feedback(run: Run) -> None:
    _offer_send(run, "feedback")


def ballot(run: Run) -> None:
    run.cli("council", "ballot", run.folder)


def tally(run: Run) -> None:
    run.cli("council", "tally", run.folder)


def decision(run: Run) -> None:
    number, signed = run.panel.value("number"), run.panel.value("signed")
    for name, value in (("number", number), ("signed", signed)):
        if not value:
            raise Refused(f"Ô {run.panel.input_cell(name)} ({run.panel.input_label(name)}) của trang "
                          f"\"{CONTROL_SHEET}\" đang trống: hãy điền vào ô đó rồi bấm lại nút.")
    done = commands.run(["decision", run.folder, "--number", number, "--date", signed], run.folder)
    if done.returncode == commands.EXIT_USAGE:
        raise Refused(f"Kiểm tra ô {run.panel.input_cell('signed')} ({run.panel.input_label('signed')}) và ô "
                      f"{run.panel.input_cell('number')}: {done.error}")
    if not done.ran:
        raise Refused(done.error)
    run.lines += done.lines


STEP_FUNCTIONS = {"issue": issue, "fetch": fetch, "collect": collect, "consolidate": consolidate, "status": status,
                  "remind": remind, "feedback": feedback, "ballot": ballot, "tally": tally, "decision": decision}
