"""The office's user guide in Vietnamese (``huong-dan-su-dung.md`` with its pictures in ``img/``), shipped
inside the package so an installed tool can write it out as Word, PDF or markdown (``sheets-tools guide``).

This folder is the one source of the guide; ``docs/huong-dan-su-dung.md`` and ``docs/img/`` are the copy
``sheets-tools guide --markdown --out docs`` writes (a test checks that they are the same).
"""
from sheets_tools.guide.build import GUIDE_DIR, GUIDE_NAME, GuideResult, source, write_guide

__all__ = ["GUIDE_DIR", "GUIDE_NAME", "GuideResult", "source", "write_guide"]
