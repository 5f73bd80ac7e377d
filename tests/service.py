"""The credit service as its callers see it: a real `credit-pipeline serve` process on a free loopback
port, and a plain HTTP client (the standard library's, as a department's script might use)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_service(home: Path, *options: str):
    """Yield the base URL of a service over `home`, stopped (by its own pid) at the end."""
    port = free_port()
    env = os.environ | {"CREDIT_HOME": str(home), "CREDIT_FEED_DIR": str(home / "feeds")}
    log = (home / "service.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "credit_pipeline.cli", "serve", "--port", str(port), *options],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (home / "service.log").read_text()
            try:
                if call(base, "GET", "/healthz").status in (200, 503):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the service did not come up"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def call(base: str, method: str, path: str, key: str | None = None, body=None, raw: bytes | None = None,
         headers: dict | None = None, query: dict | None = None) -> Reply:
    """One request; a 4xx or 5xx is returned, not raised."""
    url = base + urllib.parse.quote(path) + ("?" + urllib.parse.urlencode(query) if query else "")
    data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if body is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


def read_queries(log_dir: Path) -> list[dict]:
    """Every entry of the query log, oldest first (the log's files are named by month)."""
    entries = []
    for path in sorted(log_dir.glob("queries-*.jsonl")):
        entries += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return entries
