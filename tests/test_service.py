"""The credit service over HTTP: a real server process on a loopback port, over the published scenario.
Its answers must be the command line's, every call (answered or refused) must be in the query log when
the response arrives, bad input must get a 4xx without hurting the service, and a release switch must
be picked up without a restart."""

from __future__ import annotations

import csv
import json
import re
import threading
from datetime import date, timedelta

import pytest

from credit_pipeline.cli import main, run_pipeline
from credit_tools.demo.writers import write_delivery
from credit_use.api_keys import issue_key, read_keys
from tests import scenario
from tests.conftest import copy_home
from tests.environment import credit_environment
from tests.service import call, read_queries, running_service

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

USER, PURPOSE = "财政局 张科员", "政府采购供应商资格审查 2026-017"
LIST_DOC = "澄信认〔2026〕1号"


@pytest.fixture(scope="module")
def served(scenario_home, tmp_path_factory):
    home = copy_home(scenario_home, tmp_path_factory.mktemp("service") / "home")
    with credit_environment(home, scenario.AS_OF) as settings:
        settings.authorised_users_path.write_text(f"user,scope,granted_by,valid_until\n{USER},internal_report,信用办 2026-3号,\n",
                                                  encoding="utf-8")
        until = date.today() + timedelta(days=365)
        keys = {name: issue_key(settings.api_keys_path, "财政局", name, scopes, until)[0] for name, scopes in {
            "procurement": ["check", "report"], "review": ["check", "report", "internal_report"], "check_only": ["check"],
            "to_revoke": ["check"], "to_expire": ["check"]}.items()}
        with running_service(home) as base:
            yield settings, base, keys


def last_entry(settings) -> dict:
    return read_queries(settings.query_log_dir)[-1]


def check_body(subjects, matter="政府采购", user=USER, purpose=PURPOSE) -> dict:
    return {"subjects": subjects, "matter": matter, "user": user, "purpose": purpose}


def without_query_id(results: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "query_id"} for r in results]


def test_check_answers_equal_the_command_line(served, capsys):
    settings, base, keys = served
    cases = [([scenario.A], "政府采购"), ([scenario.P1], "任职资格"), ([scenario.C, scenario.R, scenario.RB, scenario.P_MINOR], "行政审批"),
             ([scenario.A2, scenario.make_uscc("91320281MA1WWWWWX")], "政府采购")]
    for subjects, matter in cases:
        reply = call(base, "POST", "/v1/check", keys["procurement"], check_body(subjects, matter))
        assert reply.status == 200, reply.text
        answer = reply.json()
        assert main(["check", *subjects, "--matter", matter, "--user", USER, "--purpose", PURPOSE, "--json"]) == 0
        cli = json.loads(capsys.readouterr().out)
        assert without_query_id(answer["results"]) == without_query_id(cli)
        assert {r["query_id"] for r in answer["results"]} == {answer["query_id"]}
        assert answer["release"] == settings.publish_dir.resolve().name and answer["as_of_date"] == scenario.AS_OF.isoformat()
    a = call(base, "POST", "/v1/check", keys["procurement"], check_body([scenario.A])).json()["results"][0]
    assert a["credit_class"] == "严重失信" and [m["measure_code"] for m in a["measures"]] == ["P03"]
    assert [r["document_no"] for r in a["records"]] == [LIST_DOC]


def normalised(html: str) -> str:
    """A report without what differs between two look-ups of the same thing: its query id and its time."""
    html = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "QUERY", html)
    return re.sub(r"生成于 [0-9T:-]+", "生成于 T", html)


@pytest.mark.parametrize("subject, internal", [(scenario.A, False), (scenario.P_DEBTOR, False), (scenario.D, True)])
def test_reports_equal_the_command_line_as_html_and_json(served, tmp_path, subject, internal):
    settings, base, keys = served
    version = "internal" if internal else "public"
    query = {"user": USER, "purpose": PURPOSE, "version": version}
    html = call(base, "GET", f"/v1/report/{subject}", keys["review"], query=query | {"format": "html"})
    assert html.status == 200 and html.headers["content-type"].startswith("text/html")
    out = tmp_path / "cli.html"
    assert main(["report", subject, "--user", USER, "--purpose", PURPOSE, "--out", str(out)] + (["--internal"] if internal else [])) == 0
    assert normalised(html.text) == normalised(out.read_text(encoding="utf-8"))
    data = call(base, "GET", f"/v1/report/{subject}", keys["review"], query=query).json()
    assert data["version"] == version and data["subject"]["credit_class"] == scenario.EXPECTED_CLASS[subject]
    assert data["records"] and all(f"<td>{r['document_no']}</td>" in html.text for r in data["records"])
    if not internal and subject == scenario.P_DEBTOR:
        assert scenario.P_DEBTOR not in html.text + data_text(data) and "赵大海" not in html.text + data_text(data)
        assert data["subject"]["id"] == scenario.P_DEBTOR[:6] + "********" + scenario.P_DEBTOR[-4:]


def data_text(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def test_every_call_is_in_the_query_log_when_its_answer_arrives(served):
    settings, base, keys = served
    reply = call(base, "POST", "/v1/check", keys["procurement"], check_body([scenario.A, scenario.C]))
    entry = last_entry(settings)
    assert (entry["outcome"], entry["query_id"], entry["channel"], entry["key_id"]) == (
        "answered", reply.json()["query_id"], "api", keys["procurement"].split("_")[1])
    assert (entry["user"], entry["purpose"], entry["department"], entry["system"]) == (USER, PURPOSE, "财政局", "procurement")
    assert entry["answers"][scenario.A] == {"credit_class": "严重失信", "measures": ["P03"]} and entry["client"] == "127.0.0.1"

    def refused(reply, status, reason, **fields):
        entry = last_entry(settings)
        assert reply.status == status, reply.text
        assert entry["outcome"] == "refused" and reason in entry["reason"] and reason in reply.json()["detail"], entry
        for name, value in fields.items():
            assert entry[name] == value, (name, entry)

    refused(call(base, "POST", "/v1/check", None, check_body([scenario.A])), 401, "API key is required", key_id=None)
    refused(call(base, "POST", "/v1/check", "crk_0000abcd_guessed", check_body([scenario.A])), 401, "unknown API key", key_id="0000abcd")
    forged = keys["procurement"][:-3] + "xyz"
    refused(call(base, "POST", "/v1/check", forged, check_body([scenario.A])), 401, "unknown API key")
    refused(call(base, "GET", f"/v1/report/{scenario.A}", keys["check_only"], query={"user": USER, "purpose": PURPOSE}),
            403, "does not hold the scope report", subject_ids=[scenario.A])
    refused(call(base, "GET", f"/v1/report/{scenario.A}", keys["procurement"], query={"user": USER, "purpose": PURPOSE, "version": "internal"}),
            403, "does not hold the scope internal_report")
    refused(call(base, "GET", f"/v1/report/{scenario.A}", keys["review"], query={"user": "财政局 李科员", "purpose": PURPOSE, "version": "internal"}),
            403, "not authorised for internal_report", user="财政局 李科员")
    refused(call(base, "POST", "/v1/check", keys["procurement"], check_body([scenario.A], purpose="")), 422, "needs purpose")
    refused(call(base, "POST", "/v1/check", keys["procurement"], {"subjects": [scenario.A], "matter": "政府采购"}), 422, "needs user and purpose")
    assert call(base, "GET", f"/v1/report/{scenario.make_uscc('91320281MA1WWWWWX')}", keys["procurement"],
                query={"user": USER, "purpose": PURPOSE}).status == 404
    assert last_entry(settings)["reason"].startswith("no credit archive")


def test_keys_are_issued_once_kept_hashed_and_revoked_or_expired_from_the_next_call(served, capsys):
    settings, base, keys = served
    assert main(["api-key", "issue", "--department", "市场监管局", "--system", "登记系统", "--scopes", "check",
                 "--valid-until", (date.today() + timedelta(days=30)).isoformat()]) == 0
    printed = capsys.readouterr()
    new_key = printed.out.strip()
    assert re.fullmatch(r"crk_[0-9a-f]{8}_\S{40,}", new_key) and new_key not in printed.err
    stored = settings.api_keys_path.read_text(encoding="utf-8")
    assert new_key.split("_", 2)[2] not in stored and new_key.split("_")[1] in stored  # the id, and only a hash
    assert call(base, "POST", "/v1/check", new_key, check_body([scenario.C])).status == 200

    assert call(base, "POST", "/v1/check", keys["to_revoke"], check_body([scenario.C])).status == 200
    assert main(["api-key", "revoke", keys["to_revoke"].split("_")[1]]) == 0
    reply = call(base, "POST", "/v1/check", keys["to_revoke"], check_body([scenario.C]))
    assert reply.status == 401 and "revoked" in reply.json()["detail"] and last_entry(settings)["outcome"] == "refused"

    rows = list(csv.DictReader(settings.api_keys_path.open(encoding="utf-8")))
    expiring = keys["to_expire"].split("_")[1]
    for row in rows:  # the centre set an end date in the past (by hand, as an administrator might)
        if row["key_id"] == expiring:
            row["valid_until"] = (date.today() - timedelta(days=1)).isoformat()
    with settings.api_keys_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    reply = call(base, "POST", "/v1/check", keys["to_expire"], check_body([scenario.C]))
    assert reply.status == 401 and "expired" in reply.json()["detail"]
    assert read_keys(settings.api_keys_path)[expiring].valid_until < date.today()


def test_bad_input_gets_a_clear_4xx_is_logged_and_the_service_stays_up(served):
    settings, base, keys = served
    key = keys["procurement"]
    before = len(read_queries(settings.query_log_dir))
    wrong_check = scenario.A[:-1] + ("0" if scenario.A[-1] != "0" else "1")
    cases = [
        (check_body([wrong_check]), None, 422, "malformed subject ID"),
        (check_body(["320281198002301239"]), None, 422, "malformed subject ID"),  # 30 February
        (check_body([scenario.A], matter="买彩票"), None, 422, "unknown matter"),
        (check_body([scenario.make_uscc(f"91320281MA1C{n:05d}X") for n in range(101)]), None, 422, "at most 100 items"),
        (check_body([scenario.A] * 10_000), None, 413, "exceeds the maximum"),
        (None, b'{"subjects": ["' + scenario.A.encode() + b'"], "matter": ', 400, "not JSON"),
        (None, b"subjects=" + scenario.A.encode(), 400, "not JSON"),
        ({"subjects": scenario.A, "matter": "政府采购", "user": USER, "purpose": PURPOSE}, None, 422, "subjects"),
        (check_body([scenario.A]) | {"sql": "drop table credit_rating"}, None, 422, "sql"),
        (check_body([]), None, 422, "at least 1 item"),
    ]
    for body, raw, status, message in cases:
        reply = call(base, "POST", "/v1/check", key, body=body, raw=raw,
                     headers={"Content-Type": "application/json"} if raw is not None else None)
        assert reply.status == status and message in reply.json()["detail"], (message, reply.status, reply.text[:300])
    huge = b'{"subjects": [' + b'"x",' * 20_000 + b'"x"]}'
    chunked = call(base, "POST", "/v1/check", key, raw=iter([huge[i:i + 8192] for i in range(0, len(huge), 8192)]),
                   headers={"Content-Type": "application/json"})  # an iterable body: urllib sends it chunked
    assert chunked.status == 413  # no Content-Length: refused once the bytes received pass the limit
    logged = read_queries(settings.query_log_dir)[before:]
    assert len(logged) == len(cases) + 1 and {q["outcome"] for q in logged} == {"refused"}
    assert all(q["key_id"] == key.split("_")[1] for q in logged)
    assert call(base, "GET", "/healthz").status == 200
    assert call(base, "POST", "/v1/check", key, check_body([scenario.A])).status == 200


def test_the_openapi_document_describes_the_api(served):
    _, base, _ = served
    spec = call(base, "GET", "/openapi.json").json()
    assert {"/v1/check", "/v1/report/{subject_id}"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["components"]["schemas"]["CheckRequest"]["properties"]["subjects"]["maxItems"] == 100


def test_the_service_never_opens_the_warehouse(served):
    settings, base, keys = served
    hidden = settings.warehouse_path.with_name("warehouse.hidden")
    settings.warehouse_path.rename(hidden)
    try:
        assert call(base, "POST", "/v1/check", keys["procurement"], check_body([scenario.B])).json()["results"][0]["credit_class"] == "一般失信"
    finally:
        hidden.rename(settings.warehouse_path)


def test_a_release_switch_is_picked_up_without_a_restart_and_no_request_is_lost(served):
    """A repair lands and the pipeline publishes a new release while clients keep calling."""
    settings, base, keys = served
    old_release = settings.publish_dir.resolve().name
    assert call(base, "POST", "/v1/check", keys["procurement"], check_body([scenario.A])).json()["results"][0]["credit_class"] == "严重失信"
    seen: dict[int, list] = {n: [] for n in range(3)}
    stop = threading.Event()

    def client(n: int) -> None:
        while not stop.is_set():
            reply = call(base, "POST", "/v1/check", keys["procurement"], check_body([scenario.A]))
            answer = reply.json() if reply.status == 200 else {}
            seen[n].append((reply.status, answer.get("release"), answer.get("results", [{}])[0].get("credit_class")))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    try:
        repair = {"修复编号": "XF-301", "统一社会信用代码": scenario.A, "涉及信息类别": "xymd", "涉及文书号": LIST_DOC,
                  "修复方式": "整改失信", "申请日期": "2026-06-25", "决定": "同意", "决定日期": "2026-06-29", "不同意理由": ""}
        write_delivery(scenario._frame("xyxf", [repair]), settings.feed_dir / "xyxf" / f"{scenario.DEPT_CREDIT}_20260629.csv")
        with credit_environment(settings.home, scenario.AS_OF):
            assert run_pipeline()
        new_release = settings.publish_dir.resolve().name
        assert new_release != old_release
        after = call(base, "POST", "/v1/check", keys["procurement"], check_body([scenario.A])).json()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert after["release"] == new_release and after["results"][0]["credit_class"] == "诚信守法"
    for answers in seen.values():
        assert answers and all(status == 200 for status, _, _ in answers)  # none lost during the switch
        releases = [release for _, release, _ in answers]
        assert releases == sorted(releases, key=lambda r: r != old_release)  # old ones, then only new ones
        assert {(r, c) for _, r, c in answers} <= {(old_release, "严重失信"), (new_release, "诚信守法")}
    health = call(base, "GET", "/healthz").json()
    assert health["release"] == new_release and health["releases_opened"] >= 2
