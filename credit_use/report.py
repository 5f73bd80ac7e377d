"""Credit reports (信用报告 / 信用审查报告, seeds 000, 001): one HTML page per subject with its class and
the reasons for it, its records with legal basis and status, its measures and its class history.

The public version is built only from what may be published: the records of `public_disclosure`
(masked there by dbt), the subject's masked name and ID from `credit_rating`, the measures without the
IDs behind them, and the class history without the records' details. The internal version (信用审查报告,
for authorised review) shows the whole archive unmasked, including repaired and revoked records,
objections and repairs, related-party ties and red/black conflicts. Both are logged as queries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from credit_pipeline.settings import Settings, load_settings
from credit_use.access import Door, NoArchive, cli_door, logged_lookup, require_authorisation
from credit_use.matching import RECORD_COLUMNS, subject_profile
from credit_use.published import Release

LONG_TERM = "2099-12-31"  # SPEC §2: the date that means long-term (the marts' open-ended spans end on it)
INTERNAL_REPORT = "internal_report"  # the scope a user needs in authorised_users.csv for the unmasked version
templates = Environment(loader=PackageLoader("credit_use", "templates"),
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


templates.filters.update(day=_day, until=_until, basis=_basis, score=_score, kind=_kind)
_PUBLIC_MEASURE_FIELDS = ("measure_code", "measure", "measure_type", "departments", "legal_basis", "basis_document_no",
                          "valid_from", "valid_to", "matters")


_DISCLOSED_COLUMNS = "d.feed_name, d.document_no, d.record_kind, d.decision_date, d.severity, d.status, d.items, d.publish_until"


def _public_records(release: Release, subject_id: str, public_subject_id: str) -> list[dict]:
    # By the subject's own records, not by its masked ID alone, which two persons may share.
    archive, params = release.for_subject("credit_archive", subject_id)
    records = release.rows(
        f"select {_DISCLOSED_COLUMNS} from public_disclosure d "
        f"where (d.feed, d.document_no) in (select feed, document_no from credit_archive where {archive} and role = '本人') "
        "and d.subject_id = ? order by d.decision_date, d.document_no", params + [public_subject_id])
    return _with_published_items(records)


def _with_published_items(records: list[dict]) -> list[dict]:
    """Each disclosed record with exactly the items the catalogue publishes, as masked for the public site;
    empty ones left out."""
    for record in records:
        record["published_items"] = [(k, v) for k, v in json.loads(record.pop("items") or "{}").items() if v not in (None, "")]
    return records


def report_data(release: Release, subject_id: str, internal: bool) -> dict:
    profile = subject_profile(release, subject_id)
    if profile is None:
        raise NoArchive(f"no credit archive for {subject_id}")
    history = release.subject_rows("rating_history", subject_id,
        "select credit_class, previous_class, score, valid_from, valid_to, cause_kinds, cause from rating_history "
        "where {subject} order by valid_from")
    rating = {k: profile[k] for k in ("subject_type", "credit_class", "score", "as_of_date", "class_since")}
    if internal:
        return {
            "subject": rating | {"id": subject_id, "name": profile["subject_name"]},
            "reasons": profile["reason_document_nos"], "unpublished_reasons": 0,
            "records": release.subject_rows("credit_archive", subject_id,
                f"select {RECORD_COLUMNS}, repaired_on, revoked_on, corrected_on from credit_archive where {{subject}} "
                "order by decision_date, document_no, role"),
            "measures": profile["measures"], "history": history,
            "lifecycle": release.subject_rows("lifecycle_history", subject_id,
                "select case_kind, case_id, to_state, state_on, decided_by, detail, document_no, due_on, is_overdue "
                "from lifecycle_history where {subject} order by case_id, transition_seq"),
            "conflicts": release.rows(
                "select red_list_document_nos, serious_document_nos, conflict_since from red_black_conflicts where subject_id = ?",
                [subject_id]),
            "related": profile["related_party_risks"],
        }
    return _public_part(profile, _public_records(release, subject_id, profile["public_subject_id"])) | {
        "measures": [{k: m[k] for k in _PUBLIC_MEASURE_FIELDS} for m in profile["measures"]],
        "history": [{k: v for k, v in row.items() if k != "cause"} for row in history],  # causes name every record
    }


def _public_part(rating: dict, records: list[dict]) -> dict:
    """What every public version shows: the masked name and ID, the class, and the published records
    with the reasons among them (a reason not published is only counted)."""
    published = {r["document_no"] for r in records}
    reasons = [d for d in rating["reason_document_nos"] if d in published]
    return {
        "subject": {k: rating[k] for k in ("subject_type", "credit_class", "score", "as_of_date", "class_since")}
                   | {"id": rating["public_subject_id"], "name": rating["public_subject_name"]},
        "reasons": reasons, "unpublished_reasons": len(rating["reason_document_nos"]) - len(reasons),
        "records": records,
    }


# The public 信用查询 page reaches only these columns of credit_rating (masked for natural persons) and
# public_disclosure, and only market subjects (see credit_use.public_search).
SITE_RATING_COLUMNS = "public_subject_id, public_subject_name, subject_type, credit_class, score, as_of_date, class_since, reason_document_nos"


def site_report_data(release: Release, public_subject_id: str) -> dict:
    rating = release.rows(f"select {SITE_RATING_COLUMNS} from credit_rating "
                          "where public_subject_id = ? and subject_type <> '自然人'", [public_subject_id])
    if not rating:
        raise NoArchive(f"no public credit information for {public_subject_id}")
    records = _with_published_items(release.rows(
        f"select {_DISCLOSED_COLUMNS} from public_disclosure d where d.subject_id = ? order by d.decision_date, d.document_no",
        [public_subject_id]))
    return _public_part(rating[0] | {"reason_document_nos": list(rating[0]["reason_document_nos"])}, records)


@dataclass(frozen=True)
class ReportAnswer:
    data: dict  # what the report shows (report_data), the same for HTML and JSON
    internal: bool
    query_id: str
    release: str
    manifest: dict
    user: str
    purpose: str

    def as_dict(self) -> dict:
        return {"query_id": self.query_id, "version": "internal" if self.internal else "public", "release": self.release,
                "as_of_date": self.manifest.get("as_of_date")} | self.data


def report_answer(subject_id: str, user: str | None, purpose: str | None, internal: bool = False,
                  settings: Settings | None = None, door: Door | None = None) -> ReportAnswer:
    """Look a subject's report up (logged): masked for public use unless the internal version is asked for.
    The command line and the service both answer through here (the service passes its own door)."""
    door = door or cli_door(settings or load_settings())
    subject_id = subject_id.strip()
    version = "internal" if internal else "public"
    with logged_lookup(door, "report", user, purpose, [subject_id], version=version) as lookup:
        if internal:
            require_authorisation(door.settings, user, INTERNAL_REPORT)
        data = report_data(lookup.release, subject_id, internal)
        lookup.answers[subject_id] = {"credit_class": data["subject"]["credit_class"], "version": version}
    return ReportAnswer(data, internal, lookup.query_id, lookup.release.name, lookup.release.manifest, user.strip(), purpose.strip())


def render_report(answer: ReportAnswer, site: bool = False) -> str:
    """The report as an HTML page. `site`: the public 信用查询 page, which shows no measures or class history
    (it reaches only public_disclosure and credit_rating's public columns)."""
    return templates.get_template("credit_report.html.j2").render(
        answer.data, internal=answer.internal, site=site, query_id=answer.query_id, manifest=answer.manifest,
        release=answer.release, user=answer.user, purpose=answer.purpose, generated_at=datetime.now().isoformat(timespec="seconds"))


def credit_report(subject_id: str, user: str | None, purpose: str | None, internal: bool = False,
                  settings: Settings | None = None, door: Door | None = None) -> str:
    """The HTML report of one subject: masked for public use unless the internal version is asked for."""
    return render_report(report_answer(subject_id, user, purpose, internal, settings, door))


def default_report_name(answer: ReportAnswer) -> str:
    """The file a report is written to when none is given. A public report leaves the platform (it is handed to the
    subject, attached to a file): its name carries only the masked ID and the logged query it answered, never a
    person's ID number. The internal one, for authorised reviewers only, keeps the ID it was asked for."""
    if answer.internal:
        return f"{answer.data['subject']['id']}-internal.html"
    return f"public-{answer.data['subject']['id']}-{answer.query_id}.html"


def write_report(html: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
