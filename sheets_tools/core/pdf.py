"""Office documents to PDF with LibreOffice headless (``soffice --convert-to pdf``).

Each conversion runs with a private, throw-away LibreOffice profile (``-env:UserInstallation=file:///...``),
so it neither waits for nor disturbs a LibreOffice the user has open; the sources are copied under plain
ASCII names into a temporary folder first, so no path (Vietnamese letters, spaces, a Windows drive)
reaches LibreOffice's command line; each PDF then goes beside its source, written atomically. A missing
LibreOffice, a conversion that hangs or a file it cannot read is a ``PdfError`` with a Vietnamese message.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from sheets_tools.core.files import TargetBusy, write_atomic

TIMEOUT_S = 300.0
PROGRAMS = ("soffice", "libreoffice")
INSTALL_HINT = ("Hãy cài LibreOffice (https://www.libreoffice.org, miễn phí) rồi chạy lại lệnh với --pdf, "
                "hoặc mở các tệp Word bằng Word và lưu thành PDF.")


class PdfError(Exception):
    """No PDF could be made; the message says why and what to do."""


def find_soffice() -> str | None:
    """The LibreOffice program: on the PATH, else (Windows) in its usual install folders."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    if os.name == "nt":
        for base in (os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)")):
            candidate = Path(base or "C:/Program Files") / "LibreOffice" / "program" / "soffice.exe"
            if candidate.is_file():
                return str(candidate)
    return None


def to_pdf(sources: Sequence[Path], *, timeout: float = TIMEOUT_S, soffice: str | None = None) -> list[Path]:
    """One PDF beside each source (same name, ``.pdf``), all in one LibreOffice run; returns their paths
    (a PDF open in a viewer is left alone and the new one written beside it)."""
    sources = [Path(s) for s in sources]
    if not sources:
        return []
    program = soffice or find_soffice()
    if program is None:
        raise PdfError("Không tìm thấy LibreOffice (chương trình soffice) trên máy này nên chưa tạo được tệp PDF. "
                       + INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="sheets-tools-pdf-") as work:
        root = Path(work)
        inputs, out = root / "in", root / "out"
        inputs.mkdir()
        copies = [Path(shutil.copyfile(src, inputs / f"{i:03d}{src.suffix.lower()}")) for i, src in enumerate(sources)]
        _run([program, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--invisible",
              "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf",
              "--outdir", str(out), *[str(c) for c in copies]], timeout, sources)
        written = []
        for copy, src in zip(copies, sources):
            made = out / f"{copy.stem}.pdf"
            if not made.is_file() or made.stat().st_size == 0:
                raise PdfError(f"LibreOffice không chuyển được tệp \"{src}\" sang PDF (tệp hỏng hoặc không phải "
                               "văn bản LibreOffice đọc được). Hãy mở tệp bằng Word hoặc LibreOffice để kiểm tra.")
            written.append(_place(made, src.with_suffix(".pdf")))
    return written


def _run(args: list[str], timeout: float, sources: list[Path]) -> None:
    """Run LibreOffice; on timeout, stop it and every process it started."""
    own_group = {"start_new_session": True} if os.name != "nt" else \
        {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                **own_group)
    except OSError as exc:
        raise PdfError(f"Không chạy được LibreOffice ({args[0]}): {exc.strerror or exc}. " + INSTALL_HINT) from exc
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        names = ", ".join(f"\"{s.name}\"" for s in sources)
        raise PdfError(f"LibreOffice chưa chuyển xong {names} sang PDF sau {timeout:g} giây nên đã bị dừng. "
                       "Hãy đóng các cửa sổ LibreOffice đang mở rồi chạy lại lệnh.") from None


def _stop(proc: subprocess.Popen) -> None:
    if os.name != "nt":
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    else:
        proc.kill()
    proc.communicate()


def _place(made: Path, target: Path) -> Path:
    try:
        return write_atomic(target, lambda tmp: shutil.copyfile(made, tmp), beside_if_busy=True)
    except TargetBusy as busy:
        return busy.written
