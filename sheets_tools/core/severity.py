"""The two severities of a finding and the catalogue entry of a code."""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: str
    text: str  # Vietnamese message; str.format() placeholders from the finding's context
