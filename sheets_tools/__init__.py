"""sheets-tools: emulation and commendation campaigns through Excel workbooks."""

__version__ = "0.1.0"
