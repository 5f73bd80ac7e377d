"""Automatic matching (逢办必查、自动比对、自动提示, seeds 001, 002): for a service matter and a list of
subjects, each subject's class, the measures of the measure list that apply to that matter, the prompts
to show the case handler, and the records behind them. Reads only the published marts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from credit_pipeline.settings import Settings, load_settings
from credit_use.access import Door, QueryRefused, cli_door, logged_lookup
from credit_use.published import Release

RATING_COLUMNS = "subject_id, subject_type, subject_name, public_subject_id, public_subject_name, credit_class, score, as_of_date, class_since, reasons, reason_document_nos, red_black_conflict"
RECORD_COLUMNS = "feed, feed_name, document_no, record_kind, decision_date, severity, status, role, via_subject_id, authority_name, legal_basis, content"
RELATED_COLUMNS = "related_subject_id, related_subject_name, person_role, related_person_role"
MEASURE_COLUMNS = "measure_code, measure, measure_type, applies_to, basis_subject_id, basis_document_no, departments, legal_basis, valid_from, valid_to, prompt"


# What a check reads of each mart by subject: the service holds these columns in memory (LiveRelease).
CHECK_READS = {"credit_rating": RATING_COLUMNS, "joint_measures": f"{MEASURE_COLUMNS}, matters",
               "related_party_risks": RELATED_COLUMNS, "credit_archive": RECORD_COLUMNS}


def known_matters(release: Release) -> list[str]:
    return release.once("known_matters", lambda r: [row["matter"] for row in r.rows(
        "select distinct unnest(string_split(matters, ';')) as matter from measure_list order by matter")])


def subject_profile(release: Release, subject_id: str) -> dict | None:
    """The subject's class, measures, red/black conflict and related-party ties; None without an archive.
    Each look-up reads the subject's bucket alone (or the service's copy of it in memory)."""
    rating = release.subject_rows("credit_rating", subject_id, RATING_COLUMNS)
    if not rating:
        return None
    profile = rating[0]
    profile["reason_document_nos"] = list(profile["reason_document_nos"])
    profile["measures"] = release.subject_rows("joint_measures", subject_id, f"{MEASURE_COLUMNS}, matters",
                                               order_by="measure_type, measure_code")
    profile["related_party_risks"] = release.subject_rows("related_party_risks", subject_id, RELATED_COLUMNS,
                                                          order_by="related_subject_id")
    return profile


def records_behind(release: Release, subject_id: str, document_nos: set[str]) -> list[dict]:
    return release.subject_rows("credit_archive", subject_id, RECORD_COLUMNS, order_by="decision_date, document_no",
                                only=("document_no", document_nos))


def match_subject(release: Release, subject_id: str, matter: str) -> dict:
    profile = subject_profile(release, subject_id)
    if profile is None:
        return {"subject_id": subject_id, "found": False, "credit_class": None, "measures": [], "records": [],
                "prompts": ["无信用档案：平台中没有该主体的记录，请核实证照号码"]}
    measures = [m for m in profile.pop("measures") if matter in m.pop("matters").split(";")]
    basis = {m["basis_document_no"] for m in measures if not m["basis_document_no"].startswith("credit_class:")}
    prompts = [f"{m['measure_type']}：{m['prompt']}（{m['legal_basis']}；依据 {m['basis_document_no']}）" for m in measures]
    if profile["red_black_conflict"]:
        prompts.append("红黑名单冲突：列入红名单，同时存在有效的严重失信记录，守信激励措施暂停")
    prompts += [f"关联风险：与严重失信主体 {r['related_subject_name']}（{r['related_subject_id']}）"
                f"共用{r['related_person_role']}（本主体{r['person_role']}）" for r in profile["related_party_risks"]]
    if not prompts:
        prompts.append(f"未发现与“{matter}”相关的奖惩措施")
    records = records_behind(release, subject_id, basis | set(profile["reason_document_nos"]))
    return profile | {"found": True, "matter": matter, "measures": measures, "records": records, "prompts": prompts}


@dataclass(frozen=True)
class CheckAnswer:
    results: list[dict]  # one per subject, each with the query_id (what `check --json` prints)
    query_id: str
    release: str
    manifest: dict

    def as_dict(self) -> dict:
        return {"query_id": self.query_id, "release": self.release, "as_of_date": self.manifest.get("as_of_date"),
                "results": self.results}


def check_answer(subject_ids: Sequence[str], matter: str, user: str | None, purpose: str | None,
                 settings: Settings | None = None, door: Door | None = None) -> CheckAnswer:
    """Match each subject against a service matter; refuses (QueryRefused) without user and purpose, for a
    malformed ID or for a matter the measure list does not know; every query is logged, answered or refused.
    The command line and the service both answer through here (the service passes its own door)."""
    door = door or cli_door(settings or load_settings())
    ids = [s.strip() for s in subject_ids if s.strip()]
    with logged_lookup(door, "check", user, purpose, ids, matter=matter) as lookup:
        matters = known_matters(lookup.release)
        if matter not in matters:
            raise QueryRefused(f"unknown matter {matter!r}: the measure list knows {'、'.join(matters)}")
        results = [match_subject(lookup.release, sid, matter) | {"query_id": lookup.query_id} for sid in ids]
        lookup.answers.update({r["subject_id"]: {"credit_class": r["credit_class"], "measures": [m["measure_code"] for m in r["measures"]]}
                        for r in results})
    return CheckAnswer(results, lookup.query_id, lookup.release.name, lookup.release.manifest)


def check(subject_ids: Sequence[str], matter: str, user: str | None, purpose: str | None,
          settings: Settings | None = None, door: Door | None = None) -> list[dict]:
    """The results of `check_answer`, one per subject."""
    return check_answer(subject_ids, matter, user, purpose, settings, door).results
