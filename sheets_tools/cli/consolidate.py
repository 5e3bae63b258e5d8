"""The consolidate command: the master workbook from the ledger."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from sheets_tools.cli.app import EXIT_DATA, JSON, Say, echo_stale_lock, friendly, load_campaign, main
from sheets_tools.cli.terminal import showing_progress
from sheets_tools.master.consolidate import consolidate
from sheets_tools.master.office import REFUSED


@main.command("consolidate", epilog="Ví dụ: sheets-tools consolidate dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@JSON
@friendly
def consolidate_cmd(directory: Path, as_json: bool) -> None:
    """Ghi bảng tổng hợp (master) vào THƯ_MỤC/master.

    Mã thoát 1 khi có ô Văn phòng nhập trên bảng tổng hợp không được ghi nhận (số đã lưu được giữ nguyên)."""
    camp = load_campaign(directory)
    with showing_progress(as_json):
        result = consolidate(camp)
    say = Say(as_json)
    if result.busy_target:
        say(f"Tệp {result.busy_target} đang được mở (Excel?); đã ghi bản mới bên cạnh: {result.path}")
        if not as_json:
            echo_stale_lock(result.busy_target, " để lần sau ghi đè đúng tệp tổng hợp")
    else:
        say(f"Đã ghi bảng tổng hợp: {result.path}")
    if result.copy:
        say(f"Đã lưu bản cũ: {result.copy}")
    for path in result.outputs:
        say(f"Đã ghi: {path}")
    say.findings(result.findings)
    say.done({"master": str(result.path), "busy_master": str(result.busy_target) if result.busy_target else None,
              "previous_copy": str(result.copy) if result.copy else None, "outputs": [str(p) for p in result.outputs],
              "counts": result.counts, "findings": [f.to_json() for f in result.findings]})
    if any(f.code in REFUSED for f in result.findings):
        sys.exit(EXIT_DATA)
