"""Limits that keep the service up whatever it is sent: a maximum request body, and a per-client rate
for the public pages."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable

MAX_BODY_BYTES = 64 * 1024  # a check of MAX_SUBJECTS IDs with user and purpose is under 4 KiB


class BodyLimit:
    """ASGI middleware: refuse a request body over `max_bytes` with 413, by its Content-Length or, for a
    chunked body, as soon as the bytes received pass the limit (the body is never held whole)."""

    def __init__(self, app, max_bytes: int, on_refused: Callable[[dict, str], Awaitable[None]]):
        self.app, self.max_bytes, self.on_refused = app, max_bytes, on_refused

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._refuse(scope, send, f"request body of {declared.decode(errors='replace')} bytes")
        received = 0
        refused = False

        async def limited_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    await self._refuse(scope, send, "the request body (sent in chunks)")
                    return {"type": "http.disconnect"}  # the app stops reading; what it answers is dropped below
            return message

        async def guarded_send(message):
            if not refused:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _refuse(self, scope, send, what: str) -> None:
        reason = f"{what} exceeds the maximum of {self.max_bytes} bytes"
        await self.on_refused(scope, reason)
        body = json.dumps({"detail": reason}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def client_address(request) -> str:
    """The caller's address: behind the trusted reverse proxy, the forwarded one (uvicorn's proxy headers)."""
    return request.client.host if request.client else "unknown"


class RateLimiter:
    """A token bucket per client address: `per_minute` requests a minute on average, up to `burst` at once.
    Behind the centre's reverse proxy the address is the forwarded one (uvicorn's proxy headers, trusted
    only from the proxy's address), so one client cannot exhaust the budget of everyone behind the proxy."""

    MAX_CLIENTS = 100_000  # buckets kept; full ones are dropped first, so memory stays bounded

    def __init__(self, per_minute: float, burst: int):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """0 when the request may go ahead (a token is taken), else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, since = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - since) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > self.MAX_CLIENTS:
                    self._forget_full(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        full = [c for c, (tokens, since) in self._buckets.items() if tokens + (now - since) * self.rate >= self.burst]
        for client in full:
            del self._buckets[client]
        if len(self._buckets) > self.MAX_CLIENTS:  # a flood of distinct addresses: forget the longest idle
            for client, _ in sorted(self._buckets.items(), key=lambda item: item[1][1])[: len(self._buckets) // 2]:
                del self._buckets[client]
