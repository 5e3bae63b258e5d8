"""Finding codes of the mail commands."""
from sheets_tools.core.severity import ERROR, WARNING, Code  # noqa: F401

CODES: dict[str, Code] = {
}
