"""The mid-year report (sơ kết 6 tháng, seed 000: "trong tháng 6"): its rows, checks and master sheet
are shared with the year-end report (forms/report_rules.py). Count targets are compared pro rata (a share of
the year's target, setting ``midyear_target_percent``)."""
from __future__ import annotations

from sheets_tools.forms.report_rules import CODES, Report

MASTER_LABEL = "Sơ kết 6T"  # the master's sheet names: "Sơ kết 6T - Kết quả chỉ tiêu"
REPORT = Report("midyear_report", master_sheet=f"{MASTER_LABEL} - Tổng hợp chỉ tiêu", period="6 THÁNG ĐẦU NĂM", midyear=True)
prefill, check, master = REPORT.hooks()

__all__ = ["CODES", "MASTER_LABEL", "REPORT", "prefill", "check", "master"]
