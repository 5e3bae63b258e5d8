"""The year-end report (tổng kết năm, seed 000: "trong tháng 11"): the mid-year report's sheets and rules
(forms/report_rules.py) on the whole year's cumulative results, which may not fall below the mid-year ones."""
from __future__ import annotations

from sheets_tools.forms.report_rules import CODES, Report

MASTER_LABEL = "Tổng kết"  # the master's sheet names: "Tổng kết - Văn bản báo cáo"
REPORT = Report("yearend_report", master_sheet=f"{MASTER_LABEL} - Tổng hợp chỉ tiêu", period="NĂM", previous="midyear_report")
prefill, check, master = REPORT.hooks()

__all__ = ["CODES", "MASTER_LABEL", "REPORT", "prefill", "check", "master"]
