"""Pytest plugin for ``scripts/fuzz``: how many examples each parser saw.

Loaded with ``-p tests.fuzz.report``; prints a table at the end of the run and
writes it as JSON to ``$BAS_IP_FUZZ_REPORT`` when that is set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from _pytest.terminal import TerminalReporter

from tests.fuzz.profiles import EXAMPLES, EXPECTED, PROFILE_NAME


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """Table of examples per parser; JSON to ``$BAS_IP_FUZZ_REPORT`` when set.

    The JSON is written even when nothing was recorded, with the parsers the
    test modules declared (``expect``), so scripts/fuzz can name what is missing.
    """
    parsers = sorted({parser for parser, _ in EXAMPLES})
    rows = {
        parser: {
            "parsed": EXAMPLES[(parser, "parsed")],
            "rejected": EXAMPLES[(parser, "rejected")],
        }
        for parser in parsers
    }
    if report := os.environ.get("BAS_IP_FUZZ_REPORT"):
        # scripts/fuzz prints the table itself from the JSON.
        data = {"profile": PROFILE_NAME, "parsers": rows, "expected": sorted(EXPECTED)}
        Path(report).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return
    if not rows:
        return
    terminalreporter.section(f"fuzz examples per parser (profile {PROFILE_NAME})")
    width = max(len(parser) for parser in parsers)
    terminalreporter.write_line(
        f"{'parser':<{width}}  {'examples':>9}  {'parsed':>9}  {'rejected':>9}"
    )
    for parser, row in rows.items():
        total = row["parsed"] + row["rejected"]
        terminalreporter.write_line(
            f"{parser:<{width}}  {total:>9}  {row['parsed']:>9}  {row['rejected']:>9}"
        )
