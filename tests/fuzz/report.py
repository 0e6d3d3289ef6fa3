"""Pytest plugin for ``scripts/fuzz``: how many examples each parser saw.

Loaded with ``-p tests.fuzz.report``; prints a table at the end of the run and
writes it as JSON to ``$BAS_IP_FUZZ_REPORT`` when that is set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from _pytest.terminal import TerminalReporter

from tests.fuzz.profiles import EXAMPLES, PROFILE_NAME


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """Table of examples per parser; JSON to ``$BAS_IP_FUZZ_REPORT`` when set."""
    if not EXAMPLES:
        return
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
        Path(report).write_text(
            json.dumps({"profile": PROFILE_NAME, "parsers": rows}, indent=2) + "\n",
            encoding="utf-8",
        )
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
