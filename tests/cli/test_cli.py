"""The command line: help texts, init, describe, and error messages for a broken campaign."""
import json

import click
import pytest
from click.testing import CliRunner

from sheets_tools.formkit.declaration import get_form, load_forms
from sheets_tools.campaign import workbook as campaign
from sheets_tools.cli import load_commands, main


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(load_commands().commands.items() if group is main else group.commands.items()):
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))
        else:
            yield prefix + (name,)


@pytest.mark.parametrize("path", [()] + list(_commands(main)))
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    if path:
        assert "Ví dụ: sheets-tools " + " ".join(path) in result.output
    else:
        assert "Ví dụ: sheets-tools demo" in result.output


def test_init_sample_and_refuse_overwrite(tmp_path):
    target = tmp_path / "đợt 2024"
    result = CliRunner().invoke(main, ["init", str(target), "--sample", "daklak-2024"])
    assert result.exit_code == 0, result.output
    assert campaign.load(target).id == "daklak-2024"
    again = CliRunner().invoke(main, ["init", str(target)])
    assert again.exit_code != 0
    assert "không ghi đè" in again.output


def test_init_empty_then_commands_report_cells(tmp_path):
    assert CliRunner().invoke(main, ["init", str(tmp_path)]).exit_code == 0
    result = CliRunner().invoke(main, ["status", str(tmp_path)])
    assert result.exit_code == 3
    assert "Thông tin chung!B2" in result.output
    assert "Traceback" not in result.output


def test_describe_json():
    result = CliRunner().invoke(main, ["templates", "describe", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    form = next(f for f in data["forms"] if f["id"] == "registration")
    individuals = get_form("registration").sheet("individuals")
    cols = next(s for s in form["sheets"] if s["name"] == individuals.name)["columns"]
    assert [(c["column"], c["field"]) for c in cols] == [(c.letter, c.field) for c in individuals.columns]
    family = cols[[c["field"] for c in cols].index("family_name")]
    assert family == {"column": individuals.column("family_name").letter, "field": "family_name",
                      "label": "Họ và tên đệm", "type": "text", "required": True, "choices": None}


def test_templates_build_issue_and_consolidate_commands(tmp_path):
    runner = CliRunner()
    camp_dir = tmp_path / "dot"
    assert runner.invoke(main, ["init", str(camp_dir), "--sample", "daklak-2024"]).exit_code == 0
    built = runner.invoke(main, ["templates", "build", str(camp_dir)])
    assert built.exit_code == 0, built.output
    assert (camp_dir / "templates" / "registration.xlsx").exists()
    loose = runner.invoke(main, ["templates", "build", str(tmp_path / "blanks")])  # no campaign: sample lists
    assert loose.exit_code == 0 and (tmp_path / "blanks" / "registration.xlsx").exists()
    issued = runner.invoke(main, ["issue", str(camp_dir), "--all"])
    assert issued.exit_code == 0, issued.output
    units = campaign.load(camp_dir).units
    forms = load_forms()  # --all: every form goes out
    assert len(list((camp_dir / "outbox").rglob("*.xlsx"))) == len(units) * len(forms)
    assert len(list((camp_dir / "outbox").rglob("*.eml"))) == len(units) * len(forms)
    done = runner.invoke(main, ["consolidate", str(camp_dir)])
    assert done.exit_code == 0, done.output
    assert "Đã ghi bảng tổng hợp" in done.output
    assert len(list((camp_dir / "master").glob("*.xlsx"))) == 1


def test_collect_on_the_campaign_folder_itself_takes_nothing_of_its_own(tmp_path):
    runner = CliRunner()
    camp_dir = tmp_path / "dot"
    runner.invoke(main, ["init", str(camp_dir), "--sample", "daklak-2024"])
    runner.invoke(main, ["issue", str(camp_dir)])
    runner.invoke(main, ["consolidate", str(camp_dir)])
    result = runner.invoke(main, ["collect", str(camp_dir), str(camp_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["files"] == []


def test_collect_refuses_a_second_run_at_once(tmp_path):
    runner = CliRunner()
    camp_dir = tmp_path / "dot"
    runner.invoke(main, ["init", str(camp_dir), "--sample", "daklak-2024"])
    (camp_dir / ".sheets-tools.lock").write_text(f"collect pid={__import__('os').getpid()}", encoding="utf-8")
    result = runner.invoke(main, ["collect", str(camp_dir), str(tmp_path)])
    assert result.exit_code == 3
    assert "đang được xử lý bởi một lệnh khác" in result.output


def test_consolidate_beside_an_open_master_says_so(tmp_path):
    runner = CliRunner()
    camp_dir = tmp_path / "dot"
    runner.invoke(main, ["init", str(camp_dir), "--sample", "daklak-2024"])
    first = runner.invoke(main, ["consolidate", str(camp_dir)])
    master = next((camp_dir / "master").glob("*.xlsx"))
    (master.parent / ("~$" + master.name)).write_bytes(b"owner")
    second = runner.invoke(main, ["consolidate", str(camp_dir)])
    assert first.exit_code == second.exit_code == 0
    assert "đang được mở" in second.output and "~$" in second.output
    assert len([p for p in (camp_dir / "master").glob("*.xlsx") if not p.name.startswith("~$")]) == 2
