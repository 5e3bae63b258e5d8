"""Commands of the collection cycle: the campaign, its forms, issue and remind, collect, consolidate, status, demo."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign.samples import SAMPLES
from sheets_tools.cli.app import (EXIT_DATA, UsageProblem, UserError, TODAY, campaign_or_sample, echo_findings, echo_stale_lock, friendly,
                                  load_campaign, print_json, main)
from sheets_tools.collection.collect import check, collect, empty_folders
from sheets_tools.collection.issue import issue, remind
from sheets_tools.collection.report import format_files
from sheets_tools.collection.status import board
from sheets_tools.collection.templates import build_blanks
from sheets_tools.demo.year import DemoError, run_demo
from sheets_tools.formkit.declaration import describe, get_form, load_forms
from sheets_tools.master.consolidate import consolidate
from sheets_tools.store.ledger import Ledger


@main.command(epilog="Ví dụ: sheets-tools init dot-2026 --sample daklak --year 2026\n\n"
                      "sheets-tools init dot-2024 --sample daklak-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sample", type=click.Choice(SAMPLES), help="Tạo từ đợt mẫu có sẵn: daklak (các đơn vị sau sắp xếp "
              "từ 01/07/2025, lịch của năm --year) hoặc daklak-2024 (đợt năm 2024).")
@click.option("--year", type=click.IntRange(2000, 2100), help="Năm thi đua (mặc định: năm nay).")
@friendly
def init(directory: Path, sample: str | None, year: int | None) -> None:
    """Tạo thư mục đợt thi đua với campaign.xlsx (trống hoặc theo mẫu)."""
    target = directory / campaign_mod.CAMPAIGN_FILE
    if target.exists():
        raise UsageProblem(f"{target} đã có; không ghi đè. Hãy chọn thư mục khác.", path=str(target))
    try:
        path = campaign_mod.create(directory, sample=sample, year=year)
    except ValueError as exc:  # a year the sample cannot be of
        raise UsageProblem(str(exc)) from exc
    click.echo(f"Đã tạo {path}")
    if not sample:
        click.echo("Hãy mở campaign.xlsx, điền thông tin chung, thời hạn, danh sách đơn vị, rồi chạy "
                   f"\"sheets-tools issue {directory}\".")


@main.group()
def templates() -> None:
    """Biểu mẫu: tạo biểu mẫu trống, mô tả cấu trúc biểu mẫu."""


@templates.command("build", epilog="Ví dụ: sheets-tools templates build dot-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@friendly
def templates_build(directory: Path) -> None:
    """Ghi các biểu mẫu trống.

    DIRECTORY là thư mục đợt thi đua (có campaign.xlsx): biểu mẫu ghi vào DIRECTORY/templates.
    Nếu không có campaign.xlsx, dùng danh mục của đợt mẫu và ghi thẳng vào DIRECTORY.
    """
    camp, out = campaign_or_sample(directory)
    for path in build_blanks(out, camp):
        click.echo(f"Đã ghi {path}")


@templates.command("describe", epilog="Ví dụ: sheets-tools templates describe --json")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.option("--campaign", "campaign_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Lấy danh sách lựa chọn từ đợt thi đua này (mặc định: đợt mẫu).")
@friendly
def templates_describe(as_json: bool, campaign_dir: Path | None) -> None:
    """Mô tả các biểu mẫu: trang tính, dòng tiêu đề, vùng nhập, các cột."""
    camp = load_campaign(campaign_dir) if campaign_dir else campaign_or_sample(None)[0]
    data = {"forms": describe(camp)}
    if as_json:
        print_json(data)
        return
    for form in data["forms"]:
        click.echo(f"{form['id']} (phiên bản {form['version']}): {form['name']}")
        for s in form["sheets"]:
            click.echo(f"  Trang \"{s['name']}\": tiêu đề dòng {s['header_row']}, "
                       f"nhập từ dòng {s['first_row']} đến {s['last_row']}")
            for c in s["columns"]:
                req = " (bắt buộc)" if c["required"] else ""
                click.echo(f"    {c['column']}: {c['label']} [{c['type']}]{req}")


@main.command("issue", epilog="Ví dụ: sheets-tools issue dot-2024   (các biểu mẫu đến kỳ gửi theo trang "
                              "\"Thời hạn\")\n\nsheets-tools issue dot-2024 --form initiatives")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--form", "form_ids", multiple=True, help="Chỉ gửi biểu mẫu này (mã biểu mẫu), bất kể lịch.")
@click.option("--all", "all_forms", is_flag=True, help="Gửi tất cả biểu mẫu, bất kể lịch.")
@TODAY
@friendly
def issue_cmd(directory: Path, form_ids: tuple[str, ...], all_forms: bool, today) -> None:
    """Ghi biểu mẫu điền sẵn và thư điện tử (.eml) cho từng đơn vị vào DIRECTORY/outbox.

    Không có --form: gửi các biểu mẫu đang trong kỳ gửi theo lịch (trang "Thời hạn" của campaign.xlsx:
    từ "Ngày gửi biểu mẫu" đến "Hạn nộp").
    """
    unknown = [f for f in form_ids if f not in load_forms()]
    if unknown:
        raise UsageProblem(f"Không có biểu mẫu {', '.join(unknown)}. Các mã biểu mẫu: {', '.join(load_forms())}.")
    result = issue(load_campaign(directory), list(form_ids) or None, today=today, all_forms=all_forms)
    if not result.forms:
        click.echo("Không có biểu mẫu nào đến kỳ gửi theo lịch; chưa ghi gì.")
        if result.next_opening:
            day = f"{result.next_opening:%d/%m/%Y}"
            when = "Biểu mẫu gần nhất mở ngày" if result.upcoming else "Các kỳ gửi đã qua; kỳ gửi đầu tiên mở ngày"
            click.echo(f"{when} {day}: sheets-tools issue {directory} --today {day}")
        else:
            click.echo(f"Để gửi theo lịch của một ngày khác: sheets-tools issue {directory} --today dd/mm/yyyy")
        click.echo("Hoặc dùng --form <mã> để gửi một biểu mẫu, --all để gửi tất cả, bất kể lịch.")
    else:
        click.echo(f"Biểu mẫu: {', '.join(f.name for f in result.forms)}.")
        click.echo(f"Đã ghi {len(result.files)} biểu mẫu và {len(result.drafts)} thư nháp vào "
                   f"{directory / 'outbox'}")
    for note in result.skipped:
        click.echo(f"Lưu ý: {note}")


@main.command("remind", epilog="Ví dụ: sheets-tools remind dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--form", "form_ids", multiple=True, help="Chỉ nhắc biểu mẫu này (mã biểu mẫu).")
@TODAY
@friendly
def remind_cmd(directory: Path, form_ids: tuple[str, ...], today) -> None:
    """Ghi thư nhắc (.eml) cho các đơn vị chưa nộp hoặc bị trả lại, khi gần đến hạn hoặc đã quá hạn.

    Thời điểm bắt đầu nhắc: "Nhắc trước hạn (ngày)" ở trang "Thời hạn" (hoặc cài đặt remind_days).
    """
    camp = load_campaign(directory)
    result = remind(camp, today=today, form_ids=list(form_ids) or None)
    if not result.files:
        click.echo("Chưa ghi thư nhắc nào." if result.not_issued else "Hôm nay không có đơn vị nào cần nhắc.")
    else:
        click.echo(f"Đã ghi {len(result.drafts)} thư nhắc vào {directory / 'outbox'} "
                   f"({', '.join(f.name for f in result.forms)}).")
    for note in result.skipped:
        click.echo(f"Lưu ý: {note}")
    for form_id, units in result.not_issued.items():
        name = get_form(form_id).name
        who = "đơn vị nào" if len(units) == len(camp.units) else ", ".join(u.code for u in units)
        click.echo(f"Lưu ý: chưa gửi biểu mẫu \"{name}\" cho {who} nên không nhắc: chạy issue trước "
                   f"(sheets-tools issue {directory} --form {form_id}).")


@main.command("collect", epilog="Ví dụ: sheets-tools collect dot-2024 hop-thu/ thu-don-vi.eml")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--no-feedback", is_flag=True, help="Không ghi tệp phản hồi cho đơn vị.")
@friendly
def collect_cmd(directory: Path, paths: tuple[Path, ...], as_json: bool, no_feedback: bool) -> None:
    """Nhận các tệp đơn vị gửi về (tệp, thư mục, thư .eml hoặc .msg): kiểm tra, ghi sổ, viết phản hồi.

    Mã thoát 1 khi có tệp bị trả lại."""
    result = collect(load_campaign(directory), list(paths), feedback=not no_feedback)
    empty = empty_folders(paths, result)
    if as_json:
        click.echo(json.dumps({**result.to_json(), "empty_folders": [str(p) for p in empty]}, ensure_ascii=False,
                              indent=2))
    else:
        click.echo(format_files(result))
        for folder in empty:
            click.echo(f"Không tìm thấy bảng tính (.xlsx, .xlsm, .xls, .ods) hay thư (.eml, .msg) nào trong thư mục "
                       f"{folder}. Hãy kiểm tra lại đường dẫn, hoặc lưu các tệp đơn vị gửi về vào thư mục đó.")
    if result.has_errors:
        sys.exit(EXIT_DATA)


@main.command("validate", epilog="Ví dụ: sheets-tools validate bao-cao.xlsx --campaign dot-2024 --json")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="Thư mục đợt thi đua.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@friendly
def validate_cmd(files: tuple[Path, ...], campaign_dir: Path, as_json: bool) -> None:
    """Kiểm tra tệp mà không ghi nhận gì. Mã thoát 1 nếu có lỗi."""
    result = check(load_campaign(campaign_dir), list(files))
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if as_json else format_files(result))
    if result.has_errors:
        sys.exit(EXIT_DATA)


@main.command("consolidate", epilog="Ví dụ: sheets-tools consolidate dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@friendly
def consolidate_cmd(directory: Path) -> None:
    """Ghi bảng tổng hợp (master) vào DIRECTORY/master."""
    camp = load_campaign(directory)
    result = consolidate(camp)
    if result.busy_target:
        click.echo(f"Tệp {result.busy_target} đang được mở (Excel?); đã ghi bản mới bên cạnh: {result.path}")
        echo_stale_lock(result.busy_target, " để lần sau ghi đè đúng tệp tổng hợp")
    else:
        click.echo(f"Đã ghi bảng tổng hợp: {result.path}")
    if result.copy:
        click.echo(f"Đã lưu bản cũ: {result.copy}")
    for path in result.outputs:
        click.echo(f"Đã ghi: {path}")
    echo_findings(result.findings)


@main.command("status", epilog="Ví dụ: sheets-tools status dot-2024 --json")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@TODAY
@friendly
def status_cmd(directory: Path, as_json: bool, today) -> None:
    """Tình hình nộp: lịch từng biểu mẫu (gửi từ, hạn nộp) và từng đơn vị đã gửi, gửi muộn, chưa gửi."""
    camp = load_campaign(directory)
    with Ledger(camp.dir) as ledger:
        b = board(camp, ledger, today)
    if as_json:
        print_json(b.to_json())
    else:
        click.echo(b.format_text())


@main.command("demo", epilog="Ví dụ: sheets-tools demo demo-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-mail", is_flag=True, help="Không chạy máy chủ thư thử nghiệm trên máy này: thư chỉ lập thành "
              "thư nháp .eml, hồ sơ nhận từ thư mục.")
@friendly
def demo_cmd(directory: Path, no_mail: bool) -> None:
    """Chạy thử cả quy trình trên đợt mẫu daklak-2024 với các tệp trả lời mô phỏng.

    Nếu chạy được máy chủ thư thử nghiệm trên máy này (gửi thư: aiosmtpd; hộp thư: Dovecot), biểu mẫu, thư
    phản hồi và thư nhắc được gửi qua máy chủ gửi thư, hồ sơ được nhận từ hộp thư; các máy chủ dừng khi xong.
    """
    try:
        result = run_demo(directory, echo=click.echo, mail=not no_mail)
    except DemoError as exc:
        raise UserError(str(exc)) from exc
    click.echo(result.status_text)
    click.echo(f"\nBảng tổng hợp: {result.master}")
