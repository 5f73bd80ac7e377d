"""The credit service's parts without a pipeline run: the query log's group commit, a subject's bucket and a
bucket file held in memory, a release held open, API keys, the public rate limit."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pytest

from credit_use.api_keys import KeyRefused, KeyStore, issue_key, revoke_key
from credit_use.published import HeldFile, LiveRelease, bucket_of
from credit_use.query_log import GroupCommitLog
from credit_use.service.limits import RateLimiter
from tests.service import read_queries


def test_group_commit_writes_every_entry_whole_and_in_fewer_syncs_than_entries(tmp_path):
    log = GroupCommitLog(tmp_path)
    written: list[dict] = []

    def caller(n: int) -> None:
        for i in range(50):
            entry = log.append({"query_id": f"{n}-{i}", "subject_ids": ["x" * 200]})
            # Returned only once written: the file already holds it.
            assert f'"query_id": "{entry["query_id"]}"' in "".join(p.read_text() for p in tmp_path.glob("*.jsonl"))
            written.append(entry)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    logged = read_queries(tmp_path)
    assert sorted(q["query_id"] for q in logged) == sorted(e["query_id"] for e in written) and len(logged) == 800
    assert log.entries == 800 and log.groups < 800  # several entries shared an fsync
    stamps = [q["logged_at"] for q in logged]
    assert stamps == sorted(stamps)  # appended in the order they were stamped


def test_an_entry_that_cannot_be_written_fails_its_caller(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the log folder should be")
    log = GroupCommitLog(blocked)
    with pytest.raises(OSError, match="could not be written"):
        log.append({"query_id": "1"})
    log.close()


def test_on_the_event_loop_entries_are_awaited_on_disk_and_a_failed_write_fails_the_awaiting_caller(tmp_path):
    """The service's check on the event loop queues its entries and awaits them: the await returns only once the
    file holds them (many requests sharing a sync meanwhile), and raises when they could not be written."""
    import asyncio

    log = GroupCommitLog(tmp_path)

    async def request(n: int) -> None:
        queued = [log.submit({"query_id": f"{n}-{i}"}) for i in range(3)]
        await log.written(queued)
        text = "".join(p.read_text() for p in tmp_path.glob("*.jsonl"))
        assert all(f'"query_id": "{n}-{i}"' in text for i in range(3))

    async def requests() -> None:
        await asyncio.gather(*(request(n) for n in range(40)))

    asyncio.run(requests())
    log.close()
    assert log.entries == 120 and log.groups < 120

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the log folder should be")
    failing = GroupCommitLog(blocked)

    async def refused() -> None:
        await failing.written([failing.submit({"query_id": "1"})])

    with pytest.raises(OSError, match="could not be written"):
        asyncio.run(refused())
    failing.close()


def test_the_log_writer_survives_a_request_whose_event_loop_has_closed(tmp_path):
    """A service stopping with an entry in flight: its loop is gone when the sync ends; the writer must go on."""
    import asyncio

    log = GroupCommitLog(tmp_path)
    loop = asyncio.new_event_loop()
    waiting = log._enqueue({"query_id": "orphan"}, loop.create_future())[1]
    loop.close()
    waiting.done.wait(5)
    assert log._enqueue({"query_id": "after"}, None)[1].done.wait(5), "the writer thread died"
    log.close()
    assert [q["query_id"] for q in read_queries(tmp_path)] == ["orphan", "after"]


def test_a_subjects_bucket_is_the_one_publication_writes_it_to():
    from credit_pipeline.publish import bucket_sql

    ids = ["91320281MA1AAAAAXA", "320281198002291234", "320281000012345", "P12345678", "中文名称"] + [f"S{i:06d}" for i in range(300)]
    with duckdb.connect() as con:
        for buckets in (1, 2, 16, 256):
            in_sql = dict(con.execute(f"select s, {bucket_sql('s', buckets)} from unnest(?) t(s)", [ids]).fetchall())
            assert {s: bucket_of(s, buckets) for s in ids} == in_sql
            assert buckets > 16 or len(set(in_sql.values())) == buckets  # the ids spread over every bucket


def test_a_held_bucket_file_finds_the_same_rows_as_sql(tmp_path):
    """Ids of several lengths (registration numbers, USCCs, ID numbers), a file not sorted by subject, text that
    repeats (held dictionary-encoded) and text that does not, nulls and lists."""
    path = tmp_path / "part-0.parquet"
    with duckdb.connect() as con:
        con.execute(f"""copy (select case i % 4 when 0 then 'S' || lpad((i % 997)::varchar, 17, '0')
                                        when 1 then lpad((i % 991)::varchar, 15, '0')
                                        when 2 then 'P' || (i % 983)::varchar else 'S' || lpad((i % 997)::varchar, 6, '0') end
                                   as subject_id,
                              'kind ' || (i % 3) as kind, 'note ' || i as note, if(i % 5 = 0, null, i) as n,
                              [i::varchar, 'x'] as tags, date '2026-01-01' + (i % 30)::int as day
                            from range(20000) t(i) order by hash(i)) to '{path}' (format parquet, row_group_size 4096)""")
        held = HeldFile(path, ("kind", "note", "n", "tags", "day"))
        assert pa.types.is_dictionary(held.columns["kind"].type) and pa.types.is_string(held.columns["note"].type)
        names = ["kind", "note", "n", "tags", "day"]
        for subject in ["S00000000000000000", "S00000000000000996", "000000000000990", "P0", "P982", "S000500", "S0000",
                        "S000000000000000005", "", "Z"]:
            expected = con.execute(f"select {', '.join(names)} from '{path}' where subject_id = ? order by note",
                                   [subject]).fetchall()
            span = held.span(subject)
            found = sorted((tuple(r.values()) for r in held.take(span, names)), key=lambda r: r[1]) if span else []
            assert found == expected, subject
            assert (span is None) == (not expected)


def test_a_live_release_follows_the_symlink_and_closes_the_old_one_when_its_queries_end(tmp_path):
    releases = []
    for n in (1, 2):
        release = tmp_path / "releases" / f"r{n}"
        release.mkdir(parents=True)
        with duckdb.connect(str(release / "published.duckdb")) as con:
            con.execute(f"create table credit_rating as select 'S{n}' as subject_id")
        (release / "manifest.json").write_text(json.dumps({"as_of_date": f"2026-0{n}-01"}))
        releases.append(release)
    publish = tmp_path / "publish"
    publish.symlink_to("releases/r1")
    live = LiveRelease(publish, {"threads": 1})
    with live.use() as first:
        link = tmp_path / "publish.new"
        link.symlink_to("releases/r2")
        os.replace(link, publish)
        with live.use() as second:  # a query begun after the switch
            assert (second.name, second.rows("select subject_id from credit_rating")) == ("r2", [{"subject_id": "S2"}])
        # The query begun before it still reads the old release, which stays open until it ends.
        assert first.rows("select subject_id from credit_rating") == [{"subject_id": "S1"}]
    with pytest.raises(duckdb.ConnectionException):
        first.con.execute("select 1")  # closed once its last query ended
    assert live.opened == ["r1", "r2"]
    live.close()


def test_keys_are_checked_by_hash_scope_end_date_and_revocation(tmp_path):
    path = tmp_path / "api_keys.csv"
    key, row = issue_key(path, "财政局", "采购系统", ["check"], date.today() + timedelta(days=10))
    store = KeyStore(path)
    assert store.authenticate(key, "check").department == "财政局"
    assert key.split("_", 2)[2] not in path.read_text()
    for presented, scope, status, message in [(None, "check", 401, "required"), ("nonsense", "check", 401, "malformed"),
                                               (key + "x", "check", 401, "unknown"), (key, "report", 403, "scope report")]:
        with pytest.raises(KeyRefused, match=message) as refused:
            store.authenticate(presented, scope)
        assert refused.value.status == status
    with pytest.raises(KeyRefused, match="expired"):
        store.authenticate(key, "check", on=date.today() + timedelta(days=11))
    time.sleep(0.01)  # a new modification time, as a later edit by the centre would have
    revoke_key(path, row.key_id)
    with pytest.raises(KeyRefused, match="revoked"):
        store.authenticate(key, "check")
    with pytest.raises(ValueError, match="scopes"):
        issue_key(path, "财政局", "采购系统", ["everything"], date.today())


def test_the_rate_limit_holds_per_client_and_refills():
    limiter = RateLimiter(per_minute=60, burst=3)
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert 0 < limiter.retry_after("a") <= 1.0 and limiter.retry_after("b") == 0
    time.sleep(1.05)  # one request a second refills
    assert limiter.retry_after("a") == 0


def test_before_anything_is_published_the_service_answers_503_and_logs_the_failure(tmp_path):
    from tests.service import call, running_service

    home = tmp_path / "home"
    home.mkdir()
    key, _ = issue_key(home / "api_keys.csv", "财政局", "采购系统", ["check"], date.today() + timedelta(days=1))
    body = {"subjects": ["91320281MA1AAAAAXA"], "matter": "政府采购", "user": "张科员", "purpose": "资格审查"}
    with running_service(home) as base:
        assert call(base, "GET", "/healthz").status == 503
        assert call(base, "POST", "/v1/check", key, body).status == 503
        assert call(base, "POST", "/v1/check", "crk_00000000_nope", body).status == 401
    logged = read_queries(home / "query_log")
    assert [(q["outcome"], q.get("key_id")) for q in logged] == [("failed", key.split("_")[1]), ("refused", "00000000")]
    assert "nothing is published" in logged[0]["reason"]


def test_a_query_that_read_the_link_before_a_switch_does_not_take_the_old_release_back(tmp_path, monkeypatch):
    """B reads the link, the release switches, A opens the new one (slowly); B must not reopen the old one."""
    import credit_use.published as published

    for n in (1, 2):
        release = tmp_path / "releases" / f"r{n}"
        release.mkdir(parents=True)
        with duckdb.connect(str(release / "published.duckdb")) as con:
            con.execute("create table credit_rating as select 1 as subject_id")
        (release / "manifest.json").write_text("{}")
    publish = tmp_path / "publish"
    publish.symlink_to("releases/r1")
    live = LiveRelease(publish)
    with live.use():
        pass
    b_has_read, a_is_opening = threading.Event(), threading.Event()
    read_link, open_release = published._current_path, published._OpenRelease.__init__

    def reading(publish_dir):
        path = read_link(publish_dir)
        if threading.current_thread().name == "B":
            b_has_read.set()
            a_is_opening.wait(timeout=1)
        return path

    def opening(self, path, *args):
        if path.name == "r2":
            a_is_opening.set()
            time.sleep(0.3)
        open_release(self, path, *args)

    monkeypatch.setattr(published, "_current_path", reading)
    monkeypatch.setattr(published._OpenRelease, "__init__", opening)
    names = {}

    def query():
        with live.use() as release:
            names[threading.current_thread().name] = release.name

    b = threading.Thread(target=query, name="B")
    b.start()
    b_has_read.wait(timeout=5)
    link = tmp_path / "publish.new"
    link.symlink_to("releases/r2")
    os.replace(link, publish)
    a = threading.Thread(target=query, name="A")
    a.start()
    a.join()
    b.join()
    assert names["A"] == "r2" and live.opened == ["r1", "r2"]  # r1 was not opened a second time
    live.close()
