"""Commands of the collection cycle: the campaign, its forms, issue and remind, status, the demo (collect and
consolidate have modules of their own, so that running them loads no more than they need)."""
from __future__ import annotations

from pathlib import Path

import click

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.campaign.samples import SAMPLES
from sheets_tools.cli.app import (JSON, Say, UsageProblem, UserError, TODAY, campaign_or_sample, friendly, load_campaign,
                                  print_json, main)
from sheets_tools.cli.terminal import showing_progress
from sheets_tools.collection.issue import issue, remind
from sheets_tools.collection.status import board
from sheets_tools.collection.templates import build_blanks
from sheets_tools.demo.year import DemoError, run_demo
from sheets_tools.formkit.declaration import describe, get_form, load_forms
from sheets_tools.store.ledger import Ledger


@main.command(epilog="Ví dụ: sheets-tools init dot-2026 --sample daklak --year 2026\n\n"
                      "sheets-tools init dot-2024 --sample daklak-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sample", type=click.Choice(SAMPLES), help="Tạo từ đợt mẫu có sẵn: daklak (các đơn vị sau sắp xếp "
              "từ 01/07/2025, lịch của năm --year) hoặc daklak-2024 (đợt năm 2024).")
@click.option("--year", type=click.IntRange(2000, 2100), help="Năm thi đua (mặc định: năm nay).")
@JSON
@friendly
def init(directory: Path, sample: str | None, year: int | None, as_json: bool) -> None:
    """Tạo thư mục đợt thi đua với campaign.xlsx (trống hoặc theo mẫu)."""
    target = directory / campaign_mod.CAMPAIGN_FILE
    if target.exists():
        raise UsageProblem(f"{target} đã có; không ghi đè. Hãy chọn thư mục khác.", path=str(target))
    try:
        path = campaign_writer.create(directory, sample=sample, year=year)
    except ValueError as exc:  # a year the sample cannot be of
        raise UsageProblem(str(exc)) from exc
    say = Say(as_json)
    say(f"Đã tạo {path}")
    if not sample:
        say("Hãy mở campaign.xlsx, điền thông tin chung, thời hạn, danh sách đơn vị, rồi chạy "
            f"\"sheets-tools issue {directory}\".")
    say.done({"campaign": str(path), "sample": sample})


@main.group()
def templates() -> None:
    """Biểu mẫu: tạo biểu mẫu trống, mô tả cấu trúc biểu mẫu."""


@templates.command("build", epilog="Ví dụ: sheets-tools templates build dot-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@JSON
@friendly
def templates_build(directory: Path, as_json: bool) -> None:
    """Ghi các biểu mẫu trống.

    THƯ_MỤC là thư mục đợt thi đua (có campaign.xlsx): biểu mẫu ghi vào THƯ_MỤC/templates.
    Nếu không có campaign.xlsx, dùng danh mục của đợt mẫu và ghi thẳng vào THƯ_MỤC.
    """
    camp, out = campaign_or_sample(directory)
    say = Say(as_json)
    paths = build_blanks(out, camp)
    for path in paths:
        say(f"Đã ghi {path}")
    say.done({"files": [str(p) for p in paths]})


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
@JSON
@friendly
def issue_cmd(directory: Path, form_ids: tuple[str, ...], all_forms: bool, today, as_json: bool) -> None:
    """Ghi biểu mẫu điền sẵn và thư điện tử (.eml) cho từng đơn vị vào THƯ_MỤC/outbox.

    Không có --form: gửi các biểu mẫu đang trong kỳ gửi theo lịch (trang "Thời hạn" của campaign.xlsx:
    từ "Ngày gửi biểu mẫu" đến "Hạn nộp").
    """
    unknown = [f for f in form_ids if f not in load_forms()]
    if unknown:
        raise UsageProblem(f"Không có biểu mẫu {', '.join(unknown)}. Các mã biểu mẫu: {', '.join(load_forms())}.")
    with showing_progress(as_json):
        result = issue(load_campaign(directory), list(form_ids) or None, today=today, all_forms=all_forms)
    say = Say(as_json)
    if not result.forms:
        say("Không có biểu mẫu nào đến kỳ gửi theo lịch; chưa ghi gì.")
        if result.next_opening:
            day = f"{result.next_opening:%d/%m/%Y}"
            when = "Biểu mẫu gần nhất mở ngày" if result.upcoming else "Các kỳ gửi đã qua; kỳ gửi đầu tiên mở ngày"
            say(f"{when} {day}: sheets-tools issue {directory} --today {day}")
        else:
            say(f"Để gửi theo lịch của một ngày khác: sheets-tools issue {directory} --today dd/mm/yyyy")
        say("Hoặc dùng --form <mã> để gửi một biểu mẫu, --all để gửi tất cả, bất kể lịch.")
    else:
        say(f"Biểu mẫu: {', '.join(f.name for f in result.forms)}.")
        say(f"Đã ghi {len(result.files)} biểu mẫu và {len(result.drafts)} thư nháp vào {directory / 'outbox'}")
    for note in result.skipped:
        say(f"Lưu ý: {note}")
    say.done({"forms": [f.id for f in result.forms], "files": [str(p) for p in result.files],
              "drafts": [str(p) for p in result.drafts], "notes": result.skipped,
              "next_opening": result.next_opening.isoformat() if result.next_opening and not result.forms else None})


@main.command("remind", epilog="Ví dụ: sheets-tools remind dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--form", "form_ids", multiple=True, help="Chỉ nhắc biểu mẫu này (mã biểu mẫu).")
@TODAY
@JSON
@friendly
def remind_cmd(directory: Path, form_ids: tuple[str, ...], today, as_json: bool) -> None:
    """Ghi thư nhắc (.eml) cho các đơn vị chưa nộp hoặc bị trả lại, khi gần đến hạn hoặc đã quá hạn.

    Thời điểm bắt đầu nhắc: "Nhắc trước hạn (ngày)" ở trang "Thời hạn" (hoặc cài đặt remind_days).
    """
    camp = load_campaign(directory)
    with showing_progress(as_json):
        result = remind(camp, today=today, form_ids=list(form_ids) or None)
    say = Say(as_json)
    if not result.files:
        say("Chưa ghi thư nhắc nào." if result.not_issued else "Hôm nay không có đơn vị nào cần nhắc.")
    else:
        say(f"Đã ghi {len(result.drafts)} thư nhắc vào {directory / 'outbox'} "
            f"({', '.join(f.name for f in result.forms)}).")
    for note in result.skipped:
        say(f"Lưu ý: {note}")
    for form_id, units in result.not_issued.items():
        name = get_form(form_id).name
        who = "đơn vị nào" if len(units) == len(camp.units) else ", ".join(u.code for u in units)
        say(f"Lưu ý: chưa gửi biểu mẫu \"{name}\" cho {who} nên không nhắc: chạy issue trước "
            f"(sheets-tools issue {directory} --form {form_id}).")
    say.done({"forms": [f.id for f in result.forms], "drafts": [str(p) for p in result.drafts],
              "notes": result.skipped, "not_issued": {f: [u.code for u in us] for f, us in result.not_issued.items()}})


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
@JSON
@friendly
def demo_cmd(directory: Path, no_mail: bool, as_json: bool) -> None:
    """Chạy thử cả quy trình trên đợt mẫu daklak-2024 với các tệp trả lời mô phỏng.

    Nếu chạy được máy chủ thư thử nghiệm trên máy này (gửi thư: aiosmtpd; hộp thư: Dovecot), biểu mẫu, thư
    phản hồi và thư nhắc được gửi qua máy chủ gửi thư, hồ sơ được nhận từ hộp thư; các máy chủ dừng khi xong.
    """
    say = Say(as_json)
    with showing_progress(as_json) as line:
        def echo(text: str) -> None:
            if line is not None:
                line.clear()
            say(text)
        try:
            result = run_demo(directory, echo=echo, mail=not no_mail)
        except DemoError as exc:
            raise UserError(str(exc)) from exc
    say(result.status_text)
    say(f"\nBảng tổng hợp: {result.master}")
    say.done({"campaign": str(directory), "master": str(result.master), "status": result.status})
