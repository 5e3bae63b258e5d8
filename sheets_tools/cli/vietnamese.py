"""Click's own words in Vietnamese: usage lines, help headings, usage errors ("Cách dùng:", "Tùy chọn",
"Lỗi: Thư mục 'x' không tồn tại.").

Click marks every text it prints with ``gettext`` (``_`` and ``ngettext``, bound in each of its modules
at import); ``install()`` points those names at the table below, so Click formats our words instead of
its English. A text not in the table stays as Click wrote it. ``name_arguments(group)`` gives every
command's arguments and options placeholder a Vietnamese name ("THƯ_MỤC" rather than "DIRECTORY").
"""
from __future__ import annotations

import importlib

import click

class _Name(str):
    """A word Click capitalises with ``.title()`` ("Thư Mục"): kept as written."""

    def title(self) -> str:
        return str(self)


CLICK_MODULES = ("core", "exceptions", "types", "parser", "decorators", "formatting", "termui", "utils")

TEXTS = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing {param_type} {param_hint}.": "Thiếu {param_type} {param_hint}.",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such option: {name}": "Không có tùy chọn: {name}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} cần {nargs} giá trị.",
    "Aborted!": "Đã dừng.",
    "Do you want to continue?": "Tiếp tục?",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không giống nhau.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ",
    "Press any key to continue...": "Nhấn phím bất kỳ để tiếp tục...",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục, không phải tệp.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được (không có quyền).",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được (không có quyền).",
    "{name} {filename!r} is not executable.": "{name} {filename!r} không chạy được.",
    "file": _Name("Tệp"),
    "directory": _Name("Thư mục"),
    "path": _Name("Đường dẫn"),
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "integer": "số nguyên",
    "float": "số",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} không phải giá trị đúng/sai hợp lệ. Các giá trị nhận: {states}",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "required": "bắt buộc",
    "unknown error": "lỗi không rõ",
    "Confirm the action without prompting.": "Xác nhận mà không hỏi lại.",
}
PLURALS = {
    "Got unexpected extra argument ({args})": ("Thừa đối số ({args})", "Thừa các đối số ({args})"),
    "Option {name!r} requires an argument.": ("Tùy chọn {name!r} cần một giá trị.",
                                             "Tùy chọn {name!r} cần {nargs} giá trị."),
    "Did you mean {possibility}?": ("Có phải ý bạn là {possibility}?", "(Có phải ý bạn là một trong: {possibilities}?)"),
    "{value!r} is not {choice}.": ("{value!r} không phải {choice}.", "{value!r} không phải một trong {choices}."),
    "{value!r} does not match the format {format}.": ("{value!r} không đúng dạng {format}.",
                                                      "{value!r} không đúng dạng nào trong {formats}."),
    "Takes {nargs} values but 1 was given.": ("Cần {nargs} giá trị nhưng chỉ có 1.",
                                              "Cần {nargs} giá trị nhưng có {len}."),
}
ARGUMENT_NAMES = {"directory": "THƯ_MỤC", "paths": "ĐƯỜNG_DẪN", "files": "TỆP", "file": "TỆP",
                  "source": "NGUỒN", "target": "ĐÍCH", "folder": "THƯ_MỤC"}
# an option's value in the help, by the option's name, else by its type ("--number TEXT" in Click)
OPTION_VALUES = {"number": "SỐ", "date": "NGÀY", "today": "NGÀY", "since": "NGÀY", "year": "NĂM",
                 "form": "MÃ_BIỂU_MẪU", "resend": "MÃ_ĐƠN_VỊ", "unit": "MÃ_ĐƠN_VỊ", "out": "THƯ_MỤC"}
TYPE_VALUES = {"text": "CHỮ", "integer": "SỐ", "float": "SỐ", "integer range": "SỐ", "float range": "SỐ",
               "directory": "THƯ_MỤC", "file": "TỆP", "path": "ĐƯỜNG_DẪN"}
OPTIONS_METAVAR = "[TÙY_CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [ĐỐI_SỐ]..."


def gettext(message: str) -> str:
    return TEXTS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        one, many = PLURALS[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


def install() -> None:
    """Make Click print its texts in Vietnamese (for this process)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def name_arguments(command: click.Command) -> None:
    """Vietnamese placeholders in every usage line under ``command``: arguments (``THƯ_MỤC``), the options
    (``[TÙY_CHỌN]``) and a group's commands (``LỆNH [ĐỐI_SỐ]...``)."""
    command.options_metavar = OPTIONS_METAVAR
    for param in command.params:
        if isinstance(param, click.Argument) and param.metavar is None:
            name = ARGUMENT_NAMES.get(param.name or "", (param.name or "").upper())
            param.metavar = name + ("..." if param.nargs == -1 else "")
        elif isinstance(param, click.Option) and not param.is_flag and param.metavar is None:
            kind = _type_name(param.type)
            flag = max(param.opts, key=len).lstrip("-") if param.opts else ""
            value = OPTION_VALUES.get(flag) or OPTION_VALUES.get(param.name or "") or TYPE_VALUES.get(kind)
            if value:
                param.metavar = value
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            name_arguments(sub)


def _type_name(kind: click.ParamType) -> str:
    """A parameter type's name as Click shows it, lower case ("text", "integer range", "directory")."""
    if isinstance(kind, click.Path):
        return "directory" if kind.dir_okay and not kind.file_okay else "file" if kind.file_okay and not kind.dir_okay \
            else "path"
    return (getattr(kind, "name", "") or "").lower()
