"""The scenario's published marts match their recorded digest (tests/digest.py): a change meant to leave the
published marts as they are proves it here, and a change of a rule that alters them regenerates the digest with
`.venv/bin/python -m tests.digest --write`, so the diff of tests/scenario_marts.digest.json is reviewed with it."""

from __future__ import annotations

import pytest

from tests import digest
from tests.environment import credit_environment
from tests.scenario import AS_OF


@pytest.mark.e2e  # reads the release of the scenario built through Dagster
def test_published_marts_match_the_recorded_digest(scenario_home):
    with credit_environment(scenario_home, AS_OF) as settings:
        actual = digest.release_digest(settings.publish_dir)
    found = digest.differences(digest.read_recorded(), actual)
    assert not found, (
        "the scenario's published marts differ from tests/scenario_marts.digest.json:\n  " + "\n  ".join(found)
        + f"\nIf a rule changed on purpose, record the new digest with `{digest.COMMAND}` and review its diff."
    )


def test_the_digest_ignores_row_order_but_not_values(tmp_path):
    import duckdb

    path = tmp_path / "published.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create view m as select * from (values (1, 'a', date '2026-01-01'), (2, 'b', null)) t(n, s, d)")
        con.execute("create view reordered as select * from (values (2, 'b', null), (1, 'a', date '2026-01-01')) t(n, s, d)")
        con.execute("create view changed as select * from (values (1, 'a', date '2026-01-02'), (2, 'b', null)) t(n, s, d)")
        m, reordered, changed = (digest.mart_digest(con, v) for v in ("m", "reordered", "changed"))
    assert m == reordered
    assert digest.differences({"m": m}, {"m": changed}) == [f"m.d: {m['columns']['d']} recorded, {changed['columns']['d']} now"]
