"""The benchmark's floor reads what it wrote wherever the temporary folder is, a path with an apostrophe included."""

from __future__ import annotations

import tempfile

from credit_tools.demo.writers import write_delivery
from credit_tools.floor import measure_floor
from tests import scenario


def test_the_floor_counts_records_and_subjects_under_a_path_with_an_apostrophe(tmp_path, monkeypatch):
    scratch = tmp_path / "o'brien tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    drop = tmp_path / "o'brien feeds"
    rows = [scenario._penalty(sid, "某公司", f"澄市监罚〔2026〕{n}号", "2026-03-01") for n, sid in enumerate([scenario.B, scenario.C, scenario.B])]
    write_delivery(scenario._frame("xzcf", rows), drop / "xzcf" / f"{scenario.DEPT_SAMR}_20260310.csv")
    floor = measure_floor(drop)
    assert (floor["records"], floor["subjects"], floor["files"]) == (3, 2, 1)
