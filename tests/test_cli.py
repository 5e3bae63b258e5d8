"""The command line: help texts, init, describe, and error messages for a broken campaign."""
import json

import click
import pytest
from click.testing import CliRunner

from sheets_tools import campaign
from sheets_tools.cli import main


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
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
    assert result.exit_code == 1
    assert "Thông tin chung!B2" in result.output
    assert "Traceback" not in result.output


def test_describe_json():
    result = CliRunner().invoke(main, ["templates", "describe", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    form = next(f for f in data["forms"] if f["id"] == "registration")
    cols = form["sheets"][1]["columns"]
    assert cols[0] == {"column": "B", "field": "family_name", "label": "Họ và tên đệm", "type": "text",
                       "required": True, "choices": None}
