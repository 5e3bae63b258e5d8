"""Finding codes of the fetch commands."""
from sheets_tools.core.severity import ERROR, WARNING, Code  # noqa: F401

CODES: dict[str, Code] = {
}
