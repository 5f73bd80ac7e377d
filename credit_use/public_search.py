"""The public 信用查询: anyone may search market subjects by name or code and read their masked public
report. What it may reach, and why:

- only `public_disclosure` and the public columns of `credit_rating` (`report.SITE_RATING_COLUMNS`:
  public_subject_id, public_subject_name, subject type, class, score, dates, reason document numbers);
- only market subjects (法人及非法人组织, 个体工商户): their names and codes are public registrations. A
  natural person cannot be found at all, neither by name (a masked name finds nobody, a real one would
  tie a person to records) nor by ID number: a person's own report goes through the credit centre, which
  checks who asks (本人申请). Searching with an ID card number says so instead of answering;
- a code finds exactly one subject (USCC or registration number, as published); a name finds at most
  SEARCH_LIMIT subjects whose name contains the text (at least MIN_NAME_LENGTH characters, so a
  single character cannot list the whole register).

Every search and every report is logged like any look-up (user 公众, the client's address)."""

from __future__ import annotations

from dataclasses import dataclass

from credit_pipeline.identifiers import is_id_card
from credit_use.access import Door, QueryRefused, logged_lookup, malformed_subject_id, refuse
from credit_use.report import ReportAnswer, site_report_data

PUBLIC_USER = "公众"
SEARCH_PURPOSE = "公共信用信息查询"
REPORT_PURPOSE = "公共信用信息查询（公示报告）"
SEARCH_LIMIT = 20
MIN_NAME_LENGTH = 2
MAX_SEARCH_LENGTH = 60
PERSONS_NOT_SEARCHABLE = "自然人的信用信息不提供公开查询：本人可持身份证件向信用中心申请个人信用报告。"


@dataclass(frozen=True)
class SearchAnswer:
    text: str
    matches: list[dict]
    notice: str | None  # why nothing was searched (a person's ID, too short)
    query_id: str | None


def _is_code(text: str) -> bool:
    return malformed_subject_id(text) is None and any(c.isdigit() for c in text)


def search_subjects(text: str, door: Door) -> SearchAnswer:
    text = " ".join(text.split())[:MAX_SEARCH_LENGTH]
    notice = PERSONS_NOT_SEARCHABLE if is_id_card(text) else (
        f"请输入至少 {MIN_NAME_LENGTH} 个字的名称，或完整的统一社会信用代码。" if not _is_code(text) and len(text) < MIN_NAME_LENGTH else None)
    if notice:
        refuse(door, "public_search", notice, PUBLIC_USER, SEARCH_PURPOSE, searched=text)  # logged, not raised: the page says why
        return SearchAnswer("" if is_id_card(text) else text, [], notice, None)  # a person's ID is not shown back
    with logged_lookup(door, "public_search", PUBLIC_USER, SEARCH_PURPOSE, [], searched=text) as lookup:
        columns = "public_subject_id, public_subject_name, subject_type, credit_class"
        if _is_code(text):
            matches = lookup.release.rows(
                f"select {columns} from credit_rating where public_subject_id = ? and subject_type <> '自然人'", [text])
        else:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            matches = lookup.release.rows(
                f"select {columns} from credit_rating where subject_type <> '自然人' and public_subject_name like ? escape '\\' "
                f"order by length(public_subject_name), public_subject_name limit {SEARCH_LIMIT}", [pattern])
        lookup.answers["matches"] = [m["public_subject_id"] for m in matches]
    return SearchAnswer(text, matches, None, lookup.query_id)


def public_report(code: str, door: Door) -> ReportAnswer:
    """The masked report of one market subject, from public_disclosure and credit_rating's public columns."""
    code = code.strip()
    with logged_lookup(door, "public_report", PUBLIC_USER, REPORT_PURPOSE, [code]) as lookup:
        if is_id_card(code):
            raise QueryRefused(PERSONS_NOT_SEARCHABLE)
        data = site_report_data(lookup.release, code)
        lookup.answers[code] = {"credit_class": data["subject"]["credit_class"], "version": "site"}
    return ReportAnswer(data, False, lookup.query_id, lookup.release.name, lookup.release.manifest, PUBLIC_USER, REPORT_PURPOSE)
