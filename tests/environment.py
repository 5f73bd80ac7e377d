"""A CREDIT_HOME, feed drop and Dagster instance of a test's own: nothing touches the developer's state."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest


@contextmanager
def credit_environment(home: Path, as_of: date | None = None):
    """CREDIT_HOME, the feed drop and the Dagster instance under `home`, evaluated as of `as_of`."""
    from credit_pipeline.settings import load_settings

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CREDIT_HOME", str(home))
        mp.setenv("CREDIT_FEED_DIR", str(home / "feeds"))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        if as_of:
            mp.setenv("CREDIT_AS_OF", as_of.isoformat())
        else:
            mp.delenv("CREDIT_AS_OF", raising=False)
        yield load_settings()


def credit_resources(settings) -> dict:
    """The resources a sensor or run of the code location needs, pointed at a test's own home."""
    from credit_pipeline.resources import CreditResource

    return {"credit": CreditResource(home=str(settings.home), feed_dir=str(settings.feed_dir))}


@contextmanager
def quick_settle():
    """The drop sensors leave a file changed within SETTLE_NS of a look for the next look (ingest/arrivals.py): here
    that window is 50 ms, and the function given waits it out after a file lands."""
    import time

    from credit_pipeline.ingest import arrivals

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(arrivals, "SETTLE_NS", 50_000_000)
        yield lambda: time.sleep(0.1)


def evaluate_sensor(sensor, settings, cursor, instance=None):
    """One tick of a drop sensor: its result and the cursor it leaves (skipped or not)."""
    import dagster as dg

    with dg.build_sensor_context(instance=instance, cursor=cursor, resources=credit_resources(settings)) as context:
        result = sensor(context)
        return result, result.cursor if isinstance(result, dg.SensorResult) else context.cursor
