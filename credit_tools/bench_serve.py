"""`credit-pipeline bench-serve`: a bounded load test of the credit service on loopback.

The service runs as its own process (`credit-pipeline serve`, as in production) on a free port of
127.0.0.1 with a throw-away API key; this process is the load: N concurrent clients, each with one
keep-alive connection, sending single-subject checks (`POST /v1/check`) back to back for a fixed time.
The client is a few lines of asyncio over raw sockets (no HTTP library), so it takes little of the
CPU the server needs; the CPU both used is printed, so the split can be judged.

Runs: a short warm-up (not counted), a steady run, then a run during which the release is switched
(a hard-linked copy of the current release, swapped in with the pipeline's own atomic symlink switch)
and switched back after: every request sent must be answered 200, and the answers must move to the
new release right after the switch. The query log of the home receives every call (user `benchmark`)."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psutil

WARM_UP_SECONDS = 3.0


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, per answered request
    errors: dict[str, int] = field(default_factory=dict)  # what went wrong, counted
    releases: list[tuple[float, str]] = field(default_factory=list)  # (when answered, release) per answer
    sent: int = 0

    @property
    def answered(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _requests(subjects: list[str], matter: str, key: str, port: int) -> list[bytes]:
    built = []
    for subject in subjects:
        body = json.dumps({"subjects": [subject], "matter": matter, "user": "benchmark",
                           "purpose": "load test (bench-serve)"}, ensure_ascii=False).encode()
        head = (f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        built.append(head + body)
    return built


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


def _release_of(body: bytes) -> str:
    start = body.find(b'"release": "') + 12
    return body[start:body.find(b'"', start)].decode()


async def _client(port: int, requests: list[bytes], until: float, result: LoadResult, started: float) -> None:
    reader = writer = None
    order = random.Random(id(result) ^ len(result.errors)).sample(range(len(requests)), len(requests))
    n = 0
    while time.perf_counter() < until:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            request = requests[order[n % len(order)]]
            n += 1
            sent = time.perf_counter()
            result.sent += 1
            writer.write(request)
            status, body = await _read_response(reader)
            done = time.perf_counter()
            if status != 200:
                result.errors[f"HTTP {status}"] = result.errors.get(f"HTTP {status}", 0) + 1
                continue
            result.latencies.append(done - sent)
            result.releases.append((done - started, _release_of(body)))
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            result.errors[type(error).__name__] = result.errors.get(type(error).__name__, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(port: int, requests: list[bytes], clients: int, seconds: float, during=None) -> LoadResult:
    """`clients` connections for `seconds`; `during(loop_time)` runs once at half time (the switch)."""
    result = LoadResult(seconds)
    started = time.perf_counter()
    until = started + seconds
    tasks = [asyncio.create_task(_client(port, requests, until, result, started)) for _ in range(clients)]
    if during is not None:
        await asyncio.sleep(seconds / 2)
        await asyncio.get_running_loop().run_in_executor(None, during, time.perf_counter() - started)
    await asyncio.gather(*tasks)
    return result


def _run(coroutine):
    try:
        import uvloop
        return uvloop.run(coroutine)
    except ImportError:
        return asyncio.run(coroutine)


def _print(label: str, result: LoadResult, server_cpu: float, client_cpu: float) -> None:
    rate = result.answered / result.seconds
    print(f"  {label:<22} {result.answered:7,} answered in {result.seconds:.0f} s = {rate:6.0f} checks/s; "
          f"latency p50 {result.percentile(0.5):5.1f} ms, p95 {result.percentile(0.95):5.1f} ms, "
          f"p99 {result.percentile(0.99):5.1f} ms, max {result.percentile(1.0):6.1f} ms; "
          f"errors {sum(result.errors.values())} {result.errors or ''}")
    print(f"  {'':<22} CPU: server {server_cpu:.1f} s ({server_cpu / max(result.answered, 1) * 1000:.2f} ms a check), "
          f"client {client_cpu:.1f} s, of {result.seconds * (os.cpu_count() or 1):.0f} core-seconds")


def _wait_until_loaded(port: int, server: subprocess.Popen, timeout: float = 600) -> dict:
    """Wait until the service answers and holds the release in memory (as it has between two publications)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the service exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                health = json.loads(response.read())
            if not health["loading"]:
                return health
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the service did not come up, or did not index the release")


def _cpu(process: psutil.Process, children: bool = True) -> float:
    """CPU seconds of a process, with its children (the service's worker processes) unless told not to."""
    total = 0.0
    for p in [process, *(process.children(recursive=True) if children else [])]:
        try:
            times = p.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def run_serve_benchmark(home: Path, clients: int, seconds: float, matter: str, switch: bool, port: int = 0,
                        workers: int = 1) -> int:
    from credit_pipeline.publish import switch_to
    from credit_tools.bench import _sample_subjects
    from credit_use.api_keys import issue_key
    from credit_use.published import open_release

    publish_dir = home / "publish"
    with open_release(publish_dir) as release:
        original, manifest = release.path, release.manifest
    samples = _sample_subjects(publish_dir, 2000)
    subjects = samples["random"] + samples["with punishments"]
    port = port or _free_port()
    print(f"bench-serve on {original.name}: {manifest['rows']['credit_rating']:,} subjects, "
          f"{manifest['rows']['credit_archive']:,} archive rows; {len(subjects):,} subjects sampled "
          f"(random and with punishments), matter {matter}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
          f"Python {platform.python_version()}; {date.today()}; {clients} clients, {seconds:.0f} s a run, loopback port {port}, "
          f"{workers} worker process{'es' if workers > 1 else ''}; load average before {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        keys = Path(tmp) / "api_keys.csv"
        key, _ = issue_key(keys, "信用中心", "bench-serve", ["check"], date.today() + timedelta(days=1))
        env = os.environ | {"CREDIT_HOME": str(home), "CREDIT_API_KEYS": str(keys)}
        server = subprocess.Popen([sys.executable, "-m", "credit_pipeline.cli", "serve", "--port", str(port),
                                   "--workers", str(workers), "--log-level", "warning"], env=env)
        copy = None
        try:
            started = time.perf_counter()
            _wait_until_loaded(port, server)
            print(f"  service up and the release held in memory in {time.perf_counter() - started:.1f} s")
            server_process, me = psutil.Process(server.pid), psutil.Process()
            requests = _requests(subjects, matter, key, port)
            _run(_load(port, requests, clients, WARM_UP_SECONDS))

            server_cpu, client_cpu = _cpu(server_process), _cpu(me, children=False)
            steady = _run(_load(port, requests, clients, seconds))
            _print("steady", steady, _cpu(server_process) - server_cpu, _cpu(me, children=False) - client_cpu)
            lost = steady.sent - steady.answered
            if switch:
                copy = original.parent / f"{original.name}-bench-switch"
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(original, copy, copy_function=os.link)  # hard links: the same bytes, a new release
                switched_at: list[float] = []

                def switch_release(at: float) -> None:
                    switch_to(copy, publish_dir)
                    switched_at.append(at)

                server_cpu, client_cpu = _cpu(server_process), _cpu(me, children=False)
                during = _run(_load(port, requests, clients, seconds, during=switch_release))
                _print("release switch at half", during, _cpu(server_process) - server_cpu, _cpu(me, children=False) - client_cpu)
                lost += during.sent - during.answered
                at = switched_at[0]
                before = {r for t, r in during.releases if t < at}
                after = [r for t, r in during.releases if t > at + 1.0]  # answers begun after the switch, with a margin
                moved = after and all(r == copy.name for r in after)
                print(f"  {'':<22} answered from {sorted(before)} before the switch, "
                      f"{sorted(set(after))} from 1 s after: {'followed' if moved else 'NOT FOLLOWED'}")
                if not moved:
                    lost += 1
            print(f"  requests not answered 200: {lost}")
            return 0 if lost == 0 else 1
        finally:
            if copy is not None:
                switch_to(original, publish_dir)
                time.sleep(0.5)
            server.terminate()
            server.wait(timeout=30)
            if copy is not None:
                shutil.rmtree(copy, ignore_errors=True)
