"""Every look-up of someone's credit is permitted and logged (seed 003: 查询使用权限和登记).

`logged_lookup` is the one door to the published marts for check and report: it refuses a query without
a user and a purpose, opens the current release read-only, and appends the query to the query log,
answered or refused, before any answer leaves. `require_authorisation` refuses an unmasked internal
report to a user the credit centre has not authorised (`authorised_users.csv`)."""

from __future__ import annotations

import csv
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, Sequence

from credit_pipeline.settings import Settings
from credit_use.published import NothingPublished, Release, open_release
from credit_use.query_log import append_query


class QueryRefused(ValueError):
    """The query is not permitted or cannot be answered as asked; it is logged as refused."""


@dataclass
class Lookup:
    release: Release
    query_id: str
    answers: dict = field(default_factory=dict)  # a summary of what was answered, logged with the query


@contextmanager
def logged_lookup(settings: Settings, kind: str, user: str | None, purpose: str | None,
                  subject_ids: Sequence[str], **details) -> Iterator[Lookup]:
    """Yield the release to answer from; the query is logged when the block ends, however it ends."""
    entry = {"query_id": str(uuid.uuid4()), "kind": kind, "user": (user or "").strip(), "purpose": (purpose or "").strip(),
             "subject_ids": list(subject_ids)} | details
    missing = [name for name in ("user", "purpose") if not entry[name]]
    if missing:
        reason = f"a credit query needs {' and '.join(missing)}: every look-up is permitted and logged (seed 003)"
    elif not entry["subject_ids"]:
        reason = "no subject to look up"
    else:
        reason = None
    if reason:
        append_query(settings.query_log_dir, entry | {"outcome": "refused", "reason": reason})
        raise QueryRefused(reason)
    with ExitStack() as stack:
        try:
            release = stack.enter_context(open_release(settings.publish_dir))
        except NothingPublished as error:
            append_query(settings.query_log_dir, entry | {"outcome": "failed", "reason": str(error)})
            raise
        lookup = Lookup(release, entry["query_id"])
        logged = entry | {"release": release.name, "as_of_date": release.manifest.get("as_of_date")}
        try:
            yield lookup
        except QueryRefused as refused:
            append_query(settings.query_log_dir, logged | {"outcome": "refused", "reason": str(refused)})
            raise
        except Exception as error:
            append_query(settings.query_log_dir, logged | {"outcome": "failed", "reason": repr(error)})
            raise
        else:
            append_query(settings.query_log_dir, logged | {"outcome": "answered", "answers": lookup.answers})


def require_authorisation(settings: Settings, user: str, scope: str, on: date | None = None) -> None:
    """Raise QueryRefused unless `user` holds `scope` on the date in the authorised users file, one row per
    grant: user, scope, granted_by, valid_until (YYYY-MM-DD, empty for no end)."""
    on = on or date.today()
    path = settings.authorised_users_path
    grants = list(csv.DictReader(path.open(encoding="utf-8-sig"))) if path.exists() else []
    if grants and not {"user", "scope", "valid_until"} <= set(grants[0]):
        raise QueryRefused(f"{path} needs the columns user, scope, granted_by, valid_until")
    for grant in grants:
        until = (grant.get("valid_until") or "").strip()
        if grant["user"].strip() == user.strip() and grant["scope"].strip() == scope and (not until or on <= date.fromisoformat(until)):
            return
    raise QueryRefused(f"{user!r} is not authorised for {scope} on {on} (grants in {path})")
