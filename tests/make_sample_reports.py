"""Writes the README's sample credit reports from the test scenario (fictional subjects):
`.venv/bin/python -m tests.make_sample_reports docs/`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from credit_pipeline.cli import run_pipeline
from credit_use.report import credit_report, write_report
from tests import scenario
from tests.browser import open_headless
from tests.environment import credit_environment


def main(out_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, credit_environment(Path(tmp) / "home", scenario.AS_OF) as settings:
        scenario.write_scenario(settings.feed_dir)
        assert run_pipeline()
        for name, subject in [("company", scenario.A), ("person", scenario.P_DEBTOR)]:
            page = write_report(credit_report(subject, "示例", "README 示例报告", settings=settings),
                                out_dir / f"sample_credit_report_{name}.html")
            print(page)
        open_headless(out_dir / "sample_credit_report_company.html", Path(tmp) / "profile", "--window-size=1200,1400",
                      f"--screenshot={(out_dir / 'sample_credit_report_company.png').resolve()}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
