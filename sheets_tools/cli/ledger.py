"""Commands of the ledger itself: check it against the archive, rebuild it from the archive."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli.app import JSON, Say, echo_findings, friendly, main, print_json
from sheets_tools.core.findings import STATUS_LABELS
from sheets_tools.recovery.check import check_ledger
from sheets_tools.recovery.rebuild import rebuild

STATES = {"ok": "dùng được", "new": "chưa có (đợt thi đua chưa nhận tệp nào)"}


@main.group(epilog="Ví dụ: sheets-tools ledger check dot-2024")
def ledger() -> None:
    """Sổ ghi nhận (ledger.sqlite): kiểm tra, dựng lại từ các tệp đã nhận lưu trong archive."""


@ledger.command("check", epilog="Ví dụ: sheets-tools ledger check dot-2024 --json")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@friendly
def ledger_check(directory: Path, as_json: bool) -> None:
    """Kiểm tra sổ ghi nhận: tính toàn vẹn của cơ sở dữ liệu, các tệp lưu trong archive (còn đủ, không bị
    sửa) và các tệp archive mà sổ không ghi nhận. Mã thoát 1 nếu có lỗi."""
    report = check_ledger(directory)
    if as_json:
        print_json(report.to_json())
    else:
        stats = report.stats
        click.echo(f"Sổ ghi nhận {directory / 'ledger.sqlite'}: {STATES.get(report.state, 'KHÔNG dùng được')}; "
                   f"{stats.get('submissions', 0)} lần nhận, {stats.get('documents', 0)} tài liệu kèm theo, "
                   f"{stats.get('archive_files', 0)} tệp trong archive.")
        echo_findings(report.findings)
        click.echo("Sổ và archive khớp nhau, không có lỗi." if report.valid else
                   f"Có {sum(1 for f in report.findings if f.severity == 'error')} lỗi (xem từng dòng ở trên).")
    if not report.valid:
        sys.exit(1)


@ledger.command("rebuild", epilog="Ví dụ: sheets-tools ledger rebuild dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Dựng lại cả khi sổ hiện tại vẫn dùng được (sổ hiện tại được giữ "
              "làm bản sao trong thư mục backup).")
@JSON
@friendly
def ledger_rebuild(directory: Path, force: bool, as_json: bool) -> None:
    """Dựng lại sổ ghi nhận từ các tệp đã nhận lưu trong archive (khi sổ bị mất hoặc hỏng).

    Mỗi tệp được nhận lại theo đúng thứ tự và thời điểm đã nhận, nên các lần nộp, bản thay thế, nộp muộn và
    các lỗi được ghi lại như cũ; số liệu Văn phòng đã nhập được lấy lại từ bảng tổng hợp mới nhất, kết quả
    biểu quyết từ phiếu biểu quyết, lịch sử khen thưởng từ bản sao mới nhất trong thư mục backup. Sổ hỏng
    không bị xóa mà được đổi tên (ledger.sqlite.damaged-...).
    """
    result = rebuild(campaign_mod.load(directory), force=force)
    say = Say(as_json)
    if result.kept:
        say(f"Sổ cũ được giữ làm bản sao: {result.kept}")
    for path in result.aside:
        say(f"Sổ hỏng được giữ lại, đổi tên thành: {path}")
    by_status = ", ".join(f"{STATUS_LABELS.get(k, k).lower()}: {n}" for k, n in sorted(result.statuses.items()))
    say(f"Đã nhận lại {result.taken} tệp từ archive" + (f" ({by_status})." if by_status else "."))
    if result.history_source:
        say(f"Lịch sử khen thưởng: {result.history} dòng, lấy từ {result.history_source}.")
    if result.office_source:
        say(f"Số liệu Văn phòng đã nhập: {result.office} ô, lấy lại từ {result.office_source}.")
    if result.votes_source:
        say(f"Kết quả biểu quyết của Hội đồng: {result.votes} trường hợp, lấy lại từ {result.votes_source}.")
    say.findings(result.findings)
    say(f"Đã dựng lại sổ ghi nhận: {result.path}. Nên chạy \"sheets-tools ledger check {directory}\" "
        f"rồi \"sheets-tools consolidate {directory}\".")
    say.done({"ledger": str(result.path), "taken": result.taken, "statuses": result.statuses,
              "previous_ledger": str(result.kept) if result.kept else None, "damaged": [str(p) for p in result.aside],
              "history_rows": result.history, "office_cells": result.office, "votes": result.votes,
              "findings": [f.to_json() for f in result.findings]})
