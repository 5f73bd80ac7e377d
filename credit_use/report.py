"""Credit reports (信用报告 / 信用审查报告, seeds 000, 001): one HTML page per subject with its class and
the reasons for it, its records with legal basis and status, its measures and its class history.

The public version is built only from what may be published: the records of `public_disclosure`
(masked there by dbt), the subject's masked name and ID from `credit_rating`, the measures without the
IDs behind them, and the class history without the records' details. The internal version (信用审查报告,
for authorised review) shows the whole archive unmasked, including repaired and revoked records,
objections and repairs, related-party ties and red/black conflicts. Both are logged as queries."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from credit_pipeline.settings import Settings, load_settings
from credit_use.access import QueryRefused, logged_lookup, require_authorisation
from credit_use.matching import RECORD_COLUMNS, subject_profile
from credit_use.published import Release

LONG_TERM = "2099-12-31"  # SPEC §2: the date that means long-term (the marts' open-ended spans end on it)
INTERNAL_REPORT = "internal_report"  # the scope a user needs in authorised_users.csv for the unmasked version
_templates = Environment(loader=PackageLoader("credit_use", "templates"),
                         autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined)


def _day(value) -> str:
    """Dates as YYYY-MM-DD, whether the mart holds a date or a timestamp; empty for none."""
    return "" if value is None else str(value)[:10]


def _until(value, open_ended: str) -> str:
    """The last day of a span whose end the marts give exclusive (the first day it no longer holds), as a reader
    takes "至": `open_ended` without an end, 长期 for the long-term date (SPEC §2: 2099-12-31)."""
    if value is None:
        return open_ended
    if _day(value) >= LONG_TERM:
        return "长期"
    return (date.fromisoformat(_day(value)) - timedelta(days=1)).isoformat()


def _basis(document_no: str) -> str:
    return "信用等级：" + document_no.split(":", 1)[1] if document_no.startswith("credit_class:") else document_no


def _score(value) -> str:
    return "—" if value is None else f"{value:g}"


def _kind(record_kind: str) -> str:
    return record_kind.split("_", 1)[-1]  # list_严重失信主体名单 -> 严重失信主体名单, penalty_一般 -> 一般


_templates.filters.update(day=_day, until=_until, basis=_basis, score=_score, kind=_kind)
_PUBLIC_MEASURE_FIELDS = ("measure_code", "measure", "measure_type", "departments", "legal_basis", "basis_document_no",
                          "valid_from", "valid_to", "matters")


def _public_records(release: Release, subject_id: str, public_subject_id: str) -> list[dict]:
    # By the subject's own records, not by its masked ID alone, which two persons may share.
    records = release.rows(
        "select d.feed_name, d.document_no, d.record_kind, d.decision_date, d.severity, d.status, d.items, "
        "d.publish_until from public_disclosure d "
        "where d.subject_id = ? and (d.feed, d.document_no) in "
        "(select feed, document_no from credit_archive where subject_id = ? and role = '本人') "
        "order by d.decision_date, d.document_no", [public_subject_id, subject_id])
    # Exactly the items the catalogue publishes, as masked for the public site; empty ones left out.
    for record in records:
        record["published_items"] = [(k, v) for k, v in json.loads(record.pop("items") or "{}").items() if v not in (None, "")]
    return records


def report_data(release: Release, subject_id: str, internal: bool) -> dict:
    profile = subject_profile(release, subject_id)
    if profile is None:
        raise QueryRefused(f"no credit archive for {subject_id}")
    history = release.rows(
        "select credit_class, previous_class, score, valid_from, valid_to, cause_kinds, cause from rating_history "
        "where subject_id = ? order by valid_from", [subject_id])
    rating = {k: profile[k] for k in ("subject_type", "credit_class", "score", "as_of_date", "class_since")}
    if internal:
        return {
            "subject": rating | {"id": subject_id, "name": profile["subject_name"]},
            "reasons": profile["reason_document_nos"], "unpublished_reasons": 0,
            "records": release.rows(
                f"select {RECORD_COLUMNS}, repaired_on, revoked_on, corrected_on from credit_archive where subject_id = ? "
                "order by decision_date, document_no, role", [subject_id]),
            "measures": profile["measures"], "history": history,
            "lifecycle": release.rows(
                "select case_kind, case_id, to_state, state_on, decided_by, detail, document_no, due_on, is_overdue "
                "from lifecycle_history where subject_id = ? order by case_id, transition_seq", [subject_id]),
            "conflicts": release.rows(
                "select red_list_document_nos, serious_document_nos, conflict_since from red_black_conflicts where subject_id = ?",
                [subject_id]),
            "related": profile["related_party_risks"],
        }
    records = _public_records(release, subject_id, profile["public_subject_id"])
    published = {r["document_no"] for r in records}
    reasons = [d for d in profile["reason_document_nos"] if d in published]
    return {
        "subject": rating | {"id": profile["public_subject_id"], "name": profile["public_subject_name"]},
        "reasons": reasons, "unpublished_reasons": len(profile["reason_document_nos"]) - len(reasons),
        "records": records,
        "measures": [{k: m[k] for k in _PUBLIC_MEASURE_FIELDS} for m in profile["measures"]],
        "history": [{k: v for k, v in row.items() if k != "cause"} for row in history],  # causes name every record
    }


def credit_report(subject_id: str, user: str | None, purpose: str | None, internal: bool = False,
                  settings: Settings | None = None) -> str:
    """The HTML report of one subject: masked for public use unless the internal version is asked for."""
    settings = settings or load_settings()
    subject_id = subject_id.strip()
    version = "internal" if internal else "public"
    with logged_lookup(settings, "report", user, purpose, [subject_id], version=version) as lookup:
        if internal:
            require_authorisation(settings, user, INTERNAL_REPORT)
        data = report_data(lookup.release, subject_id, internal)
        lookup.answers[subject_id] = {"credit_class": data["subject"]["credit_class"], "version": version}
    return _templates.get_template("credit_report.html.j2").render(
        data, internal=internal, query_id=lookup.query_id, manifest=lookup.release.manifest, release=lookup.release.name,
        user=user.strip(), purpose=purpose.strip(), generated_at=datetime.now().isoformat(timespec="seconds"))


def write_report(html: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
