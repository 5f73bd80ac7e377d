"""Every look-up of someone's credit is permitted and logged (seed 003: 查询使用权限和登记).

`logged_lookup` is the one door to the published marts for check, report and the public search: it
refuses a query without a user and a purpose or with a malformed subject ID, opens the current release
read-only, and appends the query to the query log, answered, refused or failed, before any answer
leaves. `refuse` logs a query refused before it reaches the marts (the service's bad key or bad input).
`require_authorisation` refuses an unmasked internal report to a user the credit centre has not
authorised (`authorised_users.csv`).

A `Door` says where releases and log entries go: the command line opens the release for each query and
syncs each entry on its own (`cli_door`); the service keeps the release open and commits entries in
groups, and adds who called (API key, client address) to every entry. The answers are the same."""

from __future__ import annotations

import csv
import functools
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date

from credit_pipeline.identifiers import is_id_card, is_uscc
from credit_pipeline.settings import Settings
from credit_use.published import NothingPublished, Release, open_release
from credit_use.query_log import append_query

MAX_ID_LENGTH = 20  # the longest document number kept as a subject ID (passports, permits); USCC and 身份证 are 18


class QueryRefused(ValueError):
    """The query is not permitted or cannot be answered as asked; it is logged as refused."""


class NotAuthorised(QueryRefused):
    """The caller may not see this (an internal report without a grant)."""


class NoArchive(QueryRefused):
    """No credit archive for the subject asked about."""


@dataclass(frozen=True)
class Door:
    settings: Settings
    release: Callable[[], AbstractContextManager[Release]]
    log: Callable[[dict], object]  # appends an entry durably (or queues it for a caller that awaits it before answering)
    details: dict = field(default_factory=dict)  # logged with every query through this door

    def with_details(self, **details) -> Door:
        return replace(self, details=self.details | details)

    def with_log(self, log: Callable[[dict], object]) -> Door:
        return replace(self, log=log)


def cli_door(settings: Settings) -> Door:
    return Door(settings, functools.partial(open_release, settings.publish_dir),
                functools.partial(append_query, settings.query_log_dir))


@dataclass
class Lookup:
    release: Release
    query_id: str
    answers: dict = field(default_factory=dict)  # a summary of what was answered, logged with the query


def malformed_subject_id(subject_id: str) -> str | None:
    """Why a subject ID cannot be one (SPEC §1), or None. Eighteen characters must be a USCC or a 身份证
    number with the right check character; other documents (registration numbers, passports, permits)
    are kept as given, so only their characters and length are checked."""
    if subject_id != subject_id.upper():
        return f"malformed subject ID {subject_id!r}: letters in USCCs and ID numbers are capitals (X, not x)"
    if len(subject_id) == 18:
        return None if is_uscc(subject_id) or is_id_card(subject_id) else (
            f"malformed subject ID {subject_id!r}: 18 characters must be a USCC (GB 32100) or an ID card number "
            "(GB 11643) with the right check character")
    if not (5 <= len(subject_id) <= MAX_ID_LENGTH) or not subject_id.isascii() or not subject_id.isalnum():
        return (f"malformed subject ID {subject_id!r}: expected a USCC, an ID card number, a registration number or "
                f"another document number of 5 to {MAX_ID_LENGTH} digits and capital letters")
    return None


def _entry(door: Door, kind: str, user: str | None, purpose: str | None, subject_ids: Sequence[str], details: dict) -> dict:
    return {"query_id": str(uuid.uuid4()), "kind": kind, "user": (user or "").strip(), "purpose": (purpose or "").strip(),
            "subject_ids": list(subject_ids)} | door.details | details


def refuse(door: Door, kind: str, reason: str, user: str | None = None, purpose: str | None = None,
           subject_ids: Sequence[str] = (), refusal: type[QueryRefused] = QueryRefused, **details) -> QueryRefused:
    """Log a query refused before it reached the marts; return the exception to raise."""
    door.log(_entry(door, kind, user, purpose, subject_ids, details) | {"outcome": "refused", "reason": reason})
    return refusal(reason)


@contextmanager
def logged_lookup(door: Door, kind: str, user: str | None, purpose: str | None, subject_ids: Sequence[str],
                  searched: str | None = None, **details) -> Iterator[Lookup]:
    """Yield the release to answer from; the query is logged when the block ends, however it ends.
    A look-up names subjects by ID, or (the public search) gives the text `searched` instead."""
    if searched is not None:
        details = details | {"searched": searched}
    entry = _entry(door, kind, user, purpose, subject_ids, details)
    missing = [name for name in ("user", "purpose") if not entry[name]]
    if missing:
        reason = f"a credit query needs {' and '.join(missing)}: every look-up is permitted and logged (seed 003)"
    elif not entry["subject_ids"] and not searched:
        reason = "no subject to look up"
    else:
        reason = next(filter(None, map(malformed_subject_id, entry["subject_ids"])), None)
    if reason:
        door.log(entry | {"outcome": "refused", "reason": reason})
        raise QueryRefused(reason)
    with ExitStack() as stack:
        try:
            release = stack.enter_context(door.release())
        except NothingPublished as error:
            door.log(entry | {"outcome": "failed", "reason": str(error)})
            raise
        lookup = Lookup(release, entry["query_id"])
        logged = entry | {"release": release.name, "as_of_date": release.manifest.get("as_of_date")}
        try:
            yield lookup
        except QueryRefused as refused:
            door.log(logged | {"outcome": "refused", "reason": str(refused)})
            raise
        except Exception as error:
            door.log(logged | {"outcome": "failed", "reason": repr(error)})
            raise
        else:
            door.log(logged | {"outcome": "answered", "answers": lookup.answers})


def require_authorisation(settings: Settings, user: str, scope: str, on: date | None = None) -> None:
    """Raise NotAuthorised unless `user` holds `scope` on the date in the authorised users file, one row per
    grant: user, scope, granted_by, valid_until (YYYY-MM-DD, empty for no end)."""
    on = on or date.today()
    path = settings.authorised_users_path
    grants = list(csv.DictReader(path.open(encoding="utf-8-sig"))) if path.exists() else []
    if grants and not {"user", "scope", "valid_until"} <= set(grants[0]):
        raise NotAuthorised(f"{path} needs the columns user, scope, granted_by, valid_until")
    for grant in grants:
        until = (grant.get("valid_until") or "").strip()
        if grant["user"].strip() == user.strip() and grant["scope"].strip() == scope and (not until or on <= date.fromisoformat(until)):
            return
    raise NotAuthorised(f"{user!r} is not authorised for {scope} on {on} (grants in {path})")
