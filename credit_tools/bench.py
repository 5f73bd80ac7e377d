"""`credit-pipeline bench`: wall time and peak memory of every stage on generated data.

Stages: generate, ingest, dbt build, publish; then a daily delivery on top of that archive
(ingest + dbt build + publish). Memory is the peak resident size of this process and its
children (dbt runs in a child), sampled every 100 ms.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import psutil

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.settings import DBT_MANIFEST, DBT_PROJECT_DIR

BENCH_AS_OF = date(2026, 11, 20)


class PeakMemory:
    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                rss = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                rss = 0
            self.peak = max(self.peak, rss)
            time.sleep(0.1)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def stage(name: str, results: list):
    started = time.perf_counter()
    with PeakMemory() as memory:
        yield
    seconds = time.perf_counter() - started
    results.append((name, seconds, memory.peak))
    print(f"  {name:<28} {seconds:9.1f} s   peak {memory.peak / 2**30:6.2f} GiB", flush=True)


class _TimedSuite:
    """The pipeline's GX suite on every batch (as the ingestion asset runs it), with its time kept apart."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.rows = 0

    def wrap(self, feed):
        from credit_pipeline.assets.ingestion import SuiteTally

        tally = SuiteTally(feed)

        def observe(frame, paths) -> None:
            started = time.perf_counter()
            tally(frame, paths)
            self.seconds += time.perf_counter() - started
            self.rows += len(frame)

        return observe


def _ingest_all(home: Path, feed_dir: Path) -> int:
    from credit_pipeline.ingest.load import ingest_feed

    suite = _TimedSuite()
    rows = sum(
        ingest_feed(home / "warehouse.duckdb", feed_dir, feed, suite.wrap(feed)).rows_in for feed in load_catalogue().values()
    )
    print(f"    of which the GX suites: {suite.seconds:.1f} s on {suite.rows:,} rows (GX import included)", flush=True)
    return rows


def _dbt_build(home: Path, as_of: date) -> None:
    env = os.environ | {"CREDIT_HOME": str(home), "CREDIT_AS_OF": as_of.isoformat()}
    dbt = str(Path(sys.executable).parent / "dbt")
    subprocess.run([dbt, "build", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                    "--target-path", str(home / "dbt_target")], check=True, env=env)


def _add_daily_delivery(feed_dir: Path, records: int, seed: int, as_of: date) -> int:
    """A day's deliveries: a fresh generated drop of about `records` records, dropped in under new names."""
    from credit_tools.demo.generator import generate_drop

    with tempfile.TemporaryDirectory() as tmp:
        summary = generate_drop(Path(tmp), subjects=max(records // 10, 100), seed=seed + 1, as_of=as_of)
        for path in Path(tmp).glob("*/*.*"):
            target = feed_dir / path.parent.name / f"{path.stem}_9{path.suffix}"
            shutil.copy(path, target)
    return sum(summary["records"].values())


def _build(home: Path, feed_dir: Path, as_of: date, prefix: str, total_label: str) -> None:
    """Ingest what is new, dbt build, publish: what the daily job does, stage by stage."""
    from credit_pipeline.publish import publish
    from credit_pipeline.rerating import record_full_rating

    results: list = []
    with stage(f"{prefix}ingest", results):
        _ingest_all(home, feed_dir)
    with stage(f"{prefix}dbt build", results):
        _dbt_build(home, as_of)
        record_full_rating(home / "warehouse.duckdb", DBT_MANIFEST, f"bench-{prefix.strip() or 'full'}", as_of)
    with stage(f"{prefix}publish", results):
        publish(home / "warehouse.duckdb", home, f"bench-{prefix.strip() or 'full'}", as_of.isoformat())
    print(f"  {total_label:<28} {sum(seconds for _, seconds, _ in results):9.1f} s")


def run_benchmark(subjects: int, seed: int, daily_records: int) -> int:
    from credit_tools.demo.generator import generate_drop

    home = Path(os.environ.get("CREDIT_BENCH_HOME") or tempfile.mkdtemp(prefix="credit-bench-"))
    shutil.rmtree(home, ignore_errors=True)
    feed_dir = home / "feeds"
    print(f"benchmark: {subjects:,} subjects, seed {seed}, as of {BENCH_AS_OF}, in {home}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")
    results: list = []
    with stage("generate", results):
        summary = generate_drop(feed_dir, subjects=subjects, seed=seed, as_of=BENCH_AS_OF)
    records = sum(summary["records"].values())
    print(f"  ({records:,} records in {summary['files']:,} files)")
    _build(home, feed_dir, BENCH_AS_OF, "", "full build (ingest→publish)")

    next_day = BENCH_AS_OF + timedelta(days=1)
    added = _add_daily_delivery(feed_dir, daily_records, seed, next_day)
    print(f"daily delivery: {added:,} records on top of the archive")
    _build(home, feed_dir, next_day, "daily ", "daily total")
    if not os.environ.get("CREDIT_BENCH_KEEP"):
        shutil.rmtree(home, ignore_errors=True)
    return 0


def _repairable_penalties(publish_dir: Path, count: int) -> list[tuple]:
    """Published 一般 penalties past their minimum publicity period: each can be repaired today."""
    import duckdb

    with duckdb.connect(str(publish_dir / "published.duckdb"), read_only=True) as con:
        return con.execute(
            """
            select a.subject_id, a.document_no, a.department_id, r.credit_class
            from credit_archive a join credit_rating r using (subject_id)
            where a.role = '本人' and a.feed = 'xzcf' and a.status = '有效' and a.severity = '一般'
              and a.repairable_from <= a.as_of_date and r.subject_type <> '自然人'
            order by md5(a.record_id) limit ?
            """,
            [count],
        ).fetchall()


def _drop_repair(feed_dir: Path, subject_id: str, document_no: str, department_id: str, on: date, n: int) -> Path:
    import pandas as pd

    from credit_tools.demo.writers import write_delivery

    # A new 修复编号 each time: reusing one would make this the latest state of an earlier case.
    row = {"修复编号": f"BENCH-XF-{time.time_ns()}", "统一社会信用代码": subject_id, "涉及信息类别": "xzcf", "涉及文书号": document_no,
           "修复方式": "整改失信", "申请日期": on.isoformat(), "决定": "同意", "决定日期": on.isoformat(), "不同意理由": ""}
    path = feed_dir / "xyxf" / f"{department_id}_{on:%Y%m%d}_{800 + n}.csv"
    while path.exists():
        path = path.with_name(f"{department_id}_{on:%Y%m%d}_{int(path.stem.rsplit('_', 1)[1]) + 100}.csv")
    write_delivery(pd.DataFrame([row]), path)
    return path


def _published_state(publish_dir: Path, subject_id: str, document_no: str) -> tuple:
    import duckdb

    with duckdb.connect(str(publish_dir / "published.duckdb"), read_only=True) as con:
        return con.execute(
            """
            select (select status from credit_archive where subject_id = $s and document_no = $d and role = '本人'),
                   (select count(*) from public_disclosure where document_no = $d and subject_id = $s),
                   (select credit_class from credit_rating where subject_id = $s)
            """,
            {"s": subject_id, "d": document_no},
        ).fetchone()


def run_repair_benchmark(home: Path, as_of: date, repairs: int) -> int:
    """A repair decision landing in the drop of a built archive, to the republished marts showing it:
    the lifecycle sensor's evaluation, then the run it requests (ingest, scoped re-rating, merge,
    incremental publication), through Dagster as in production, per step."""
    os.environ.update(CREDIT_HOME=str(home), CREDIT_FEED_DIR=str(home / "feeds"), CREDIT_AS_OF=as_of.isoformat())
    os.environ.pop("DAGSTER_HOME", None)
    import dagster as dg

    from credit_pipeline.automation import lifecycle_sensor
    from credit_pipeline.definitions import defs
    from credit_pipeline.instance import prepare_instance
    from credit_pipeline.publish import read_manifest

    prepare_instance()
    publish_dir = home / "publish"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import credit_pipeline.definitions"], check=True)
    print(f"  code location load (a launched run pays it) {time.perf_counter() - started:5.1f} s")
    with dg.DagsterInstance.get() as instance:
        with dg.build_sensor_context(instance=instance) as context:
            cursor = lifecycle_sensor(context).cursor
        for n, (subject_id, document_no, department_id, before) in enumerate(_repairable_penalties(publish_dir, repairs), 1):
            _drop_repair(home / "feeds", subject_id, document_no, department_id, as_of, n)
            landed = time.perf_counter()
            with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
                result = lifecycle_sensor(context)
            cursor, (request,) = result.cursor, result.run_requests
            sensed = time.perf_counter()
            run = defs.resolve_job_def(request.job_name).execute_in_process(instance=instance, tags=request.tags, raise_on_error=True)
            done = time.perf_counter()
            steps = {s.step_key: s.end_time - s.start_time for s in instance.get_run_step_stats(run.run_id)}
            status, disclosed, after = _published_state(publish_dir, subject_id, document_no)
            manifest = read_manifest(publish_dir)
            print(f"  repair {n}: {subject_id} {document_no}: {before} -> {after}, archive {status}, "
                  f"disclosed rows {disclosed}; release {manifest['mode']}, {manifest['subjects_republished']} subjects")
            print(f"    sensor {sensed - landed:5.2f} s, run {done - sensed:5.1f} s ("
                  + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items())
                  + f"); landing to republished {done - landed:5.1f} s")
    return 0


def _sample_subjects(publish_dir: Path, count: int) -> dict[str, list[str]]:
    """Subjects to look up: a random sample, and ones that carry measures (the longest answers)."""
    from credit_use.published import open_release

    with open_release(publish_dir) as release:
        def ids(sql: str) -> list[str]:
            return [r["subject_id"] for r in release.rows(sql)]

        return {
            "random": ids(f"select subject_id from credit_rating using sample {count} rows (reservoir, 7)"),
            "with punishments": ids(f"select distinct subject_id from joint_measures where measure_type = '惩戒' "
                                    f"order by hash(subject_id) limit {count}"),
        }


def run_check_benchmark(home: Path, count: int, matter: str) -> int:
    """Latency of `check` and `report` on a published release (as a department's system would call them):
    one call per subject (opening the release, answering, logging), then one call for many subjects."""
    os.environ.update(CREDIT_HOME=str(home))
    from credit_pipeline.settings import load_settings
    from credit_use.matching import check
    from credit_use.report import credit_report

    settings = load_settings()
    from credit_pipeline.publish import read_manifest

    rows = read_manifest(settings.publish_dir)["rows"]
    print(f"check and report on {settings.publish_dir.resolve().name}: {rows['credit_rating']:,} subjects, "
          f"{rows['credit_archive']:,} archive rows; {platform.machine()}, {os.cpu_count()} cores")
    user, purpose = "benchmark", "latency measurement (bench-check)"
    for label, ids in _sample_subjects(settings.publish_dir, count).items():
        check(ids[:1], matter, user, purpose, settings=settings)  # warm the page cache as a running service would
        timings = []
        for subject_id in ids:
            started = time.perf_counter()
            check([subject_id], matter, user, purpose, settings=settings)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        started = time.perf_counter()
        check(ids, matter, user, purpose, settings=settings)
        batch = (time.perf_counter() - started) * 1000 / len(ids)
        print(f"  {label:17s} {len(ids)} subjects, one call each: p50 {timings[len(timings) // 2]:.1f} ms, "
              f"p95 {timings[int(len(timings) * 0.95)]:.1f} ms, max {timings[-1]:.1f} ms; one call for all: {batch:.1f} ms a subject")
        started = time.perf_counter()
        for subject_id in ids[:20]:
            credit_report(subject_id, user, purpose, settings=settings)
        print(f"  {label:17s} report (public), 20 subjects: {(time.perf_counter() - started) * 1000 / min(20, len(ids)):.1f} ms each")
    return 0
