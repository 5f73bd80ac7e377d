"""API keys of the departments' systems that call the credit service, managed by the credit centre.

One row per key in `$CREDIT_HOME/api_keys.csv` (or the file `CREDIT_API_KEYS` names): key_id, key_hash,
department, system, scopes (`;`-separated: check, report, internal_report), valid_until (the last day it
works), issued_at, revoked_at. Only a hash is kept: the key itself is printed once when it is issued.

A key looks like `crk_<key_id>_<secret>`: the id finds the row, the secret (256 random bits) is compared
by its SHA-256. A fast hash is right here: with that much entropy there is nothing to brute-force, and
a slow password hash would cost every request milliseconds. The service rereads the file when it
changes, so a revocation holds from the next request on."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

COLUMNS = ["key_id", "key_hash", "department", "system", "scopes", "valid_until", "issued_at", "revoked_at"]
SCOPES = ("check", "report", "internal_report")  # internal_report also needs the user's own grant
PREFIX = "crk"


class KeyRefused(PermissionError):
    def __init__(self, reason: str, status: int, key_id: str | None = None):
        super().__init__(reason)
        self.status = status  # 401: who is calling is unknown; 403: known, but not for this
        self.key_id = key_id


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    key_hash: str
    department: str
    system: str
    scopes: frozenset[str]
    valid_until: date
    issued_at: str
    revoked_at: str

    def row(self) -> dict:
        return {"key_id": self.key_id, "key_hash": self.key_hash, "department": self.department, "system": self.system,
                "scopes": ";".join(sorted(self.scopes)), "valid_until": self.valid_until.isoformat(),
                "issued_at": self.issued_at, "revoked_at": self.revoked_at}


def _hash(secret: str) -> str:
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()


def read_keys(path: Path) -> dict[str, ApiKey]:
    if not path.exists():
        return {}
    keys = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            keys[row["key_id"]] = ApiKey(row["key_id"], row["key_hash"], row["department"], row["system"],
                                         frozenset(s for s in row["scopes"].split(";") if s),
                                         date.fromisoformat(row["valid_until"]), row["issued_at"], row.get("revoked_at") or "")
    return keys


@contextmanager
def _locked_keys(path: Path) -> Iterator[dict[str, ApiKey]]:
    """Read, change and write the file back under a lock, replacing it in one rename (a reader never
    sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        keys = read_keys(path)
        yield keys
        staging = path.with_suffix(".csv.new")
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # hashes only, but still the centre's
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, COLUMNS)
            writer.writeheader()
            writer.writerows(k.row() for k in keys.values())
            f.flush()
            os.fsync(f.fileno())
        os.replace(staging, path)


def issue_key(path: Path, department: str, system: str, scopes: list[str], valid_until: date) -> tuple[str, ApiKey]:
    """A new key for a department's system; returns the key itself (shown once, never stored) and its row."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}; got {', '.join(sorted(unknown)) or 'none'}")
    if not department.strip() or not system.strip():
        raise ValueError("a key needs the department and the system it is issued to")
    if valid_until < date.today():
        raise ValueError(f"valid_until {valid_until} is in the past")
    with _locked_keys(path) as keys:
        key_id = secrets.token_hex(4)
        while key_id in keys:
            key_id = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(key_id, _hash(secret), department.strip(), system.strip(), frozenset(scopes), valid_until,
                     datetime.now(UTC).isoformat(timespec="seconds"), "")
        keys[key_id] = key
    return f"{PREFIX}_{key_id}_{secret}", key


def revoke_key(path: Path, key_id: str) -> ApiKey:
    with _locked_keys(path) as keys:
        if key_id not in keys:
            raise KeyError(f"no key {key_id!r} in {path}")
        key = keys[key_id]
        if not key.revoked_at:
            keys[key_id] = key = ApiKey(**(key.__dict__ | {"revoked_at": datetime.now(UTC).isoformat(timespec="seconds")}))
    return key


class KeyStore:
    """The keys file as the service sees it: reread when its modification time or size changes."""

    def __init__(self, path: Path):
        self.path = path
        self._seen: tuple | None = None
        self._keys: dict[str, ApiKey] = {}
        self._lock = threading.Lock()

    def _current(self) -> dict[str, ApiKey]:
        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except FileNotFoundError:
            seen = None
        if seen != self._seen:
            with self._lock:
                if seen != self._seen:
                    self._keys, self._seen = read_keys(self.path), seen
        return self._keys

    def authenticate(self, presented: str | None, scope: str, on: date | None = None) -> ApiKey:
        """The key's row if `presented` is a current key holding `scope`; KeyRefused otherwise."""
        if not presented:
            raise KeyRefused("an API key is required: Authorization: Bearer <key>", 401)
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            raise KeyRefused("malformed API key", 401)
        key = self._current().get(parts[1])
        if key is None or not hmac.compare_digest(key.key_hash, _hash(parts[2])):
            raise KeyRefused("unknown API key", 401, parts[1])
        on = on or date.today()
        if key.revoked_at:
            raise KeyRefused(f"API key {key.key_id} was revoked on {key.revoked_at[:10]}", 401, key.key_id)
        if on > key.valid_until:
            raise KeyRefused(f"API key {key.key_id} expired on {key.valid_until}", 401, key.key_id)
        if scope not in key.scopes:
            raise KeyRefused(f"API key {key.key_id} ({key.department} {key.system}) does not hold the scope {scope}", 403, key.key_id)
        return key
