"""The public 信用查询 page, served by the credit service and opened in headless Chromium as a member of
the public would: search, open a report from the results. Natural persons can be found by nothing, and
no unmasked ID number or person's name may reach the page, not even inside an attribute."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests import scenario
from tests.browser import rendered_dom
from tests.conftest import copy_home
from tests.environment import credit_environment
from tests.service import call, read_queries, running_service

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

PERSONS = {scenario.P1: "王建国", scenario.P_CONTROLLER: "钱多多", scenario.P_DEBTOR: "赵大海", scenario.P_MINOR: "李小明"}
LIST_DOC = "澄信认〔2026〕1号"


@pytest.fixture(scope="module")
def site(scenario_home, tmp_path_factory):
    home = copy_home(scenario_home, tmp_path_factory.mktemp("site") / "home")
    with credit_environment(home, scenario.AS_OF) as settings:
        # The reverse proxy is trusted from loopback, so a test can stand for clients at other addresses.
        with running_service(home, "--forwarded-allow-ips", "127.0.0.1", "--public-per-minute", "6", "--public-burst", "20") as base:
            yield settings, base


def assert_no_personal_data(dom: str) -> None:
    for person_id, name in PERSONS.items():
        assert person_id not in dom and name not in dom
    assert not re.search(r"(?<![0-9A-Z])[0-9]{17}[0-9X](?![0-9A-Z])", dom), "an unmasked ID card number"


def page(base: str, path: str, **query) -> str:
    return base + urllib.parse.quote(path) + ("?" + urllib.parse.urlencode(query) if query else "")


def test_search_by_name_then_open_a_report_in_a_browser(site, tmp_path):
    settings, base = site
    dom = rendered_dom(page(base, "/", q="公司"), tmp_path / "profile")
    assert_no_personal_data(dom)
    links = {name: href for href, name in re.findall(r'<a href="(/public/report/[^"]+)">([^<]+)</a>', dom)}
    assert {"甲公司", "乙公司", "丙公司"} <= set(links) and "严重失信" in dom

    report = rendered_dom(base + links["甲公司"], tmp_path / "profile")  # the result's link, as a reader would follow it
    assert_no_personal_data(report)
    assert "公共信用信息报告" in report and "甲公司" in report and scenario.A in report and LIST_DOC in report
    assert re.search(r'id="credit-class"[^>]*>严重失信<', report)
    # Only public_disclosure and credit_rating's public columns: no measures, no class history, not internal.
    assert 'id="measures"' not in report and 'id="history"' not in report and "内部版" not in report
    logged = read_queries(settings.query_log_dir)[-2:]
    assert [(q["kind"], q["channel"], q["outcome"]) for q in logged] == [("public_search", "public", "answered"), ("public_report", "public", "answered")]
    assert scenario.A in logged[0]["answers"]["matches"] and logged[0]["searched"] == "公司"


def test_search_by_code_finds_one_market_subject(site, tmp_path):
    _, base = site
    dom = rendered_dom(page(base, "/", q=scenario.B), tmp_path / "profile")
    assert re.findall(r'<tr class="match">', dom) and "乙公司" in dom and "甲公司" not in dom


def test_natural_persons_cannot_be_found_by_id_or_name(site, tmp_path):
    settings, base = site
    dom = rendered_dom(page(base, "/", q=scenario.P_DEBTOR), tmp_path / "profile")
    assert "自然人的信用信息不提供公开查询" in dom and 'class="match"' not in dom
    assert_no_personal_data(dom)  # the number typed is not even shown back
    for name in ("赵大海", "李小明", "赵**"):
        dom = rendered_dom(page(base, "/", q=name), tmp_path / "profile")
        assert 'class="match"' not in dom and "未找到" in dom
    for code in (scenario.P_DEBTOR, scenario.P_DEBTOR[:6] + "********" + scenario.P_DEBTOR[-4:]):
        reply = call(base, "GET", f"/public/report/{code}")
        assert reply.status == 404
        assert_no_personal_data(reply.text)
    assert read_queries(settings.query_log_dir)[-1]["outcome"] == "refused"


def test_a_short_name_lists_nothing(site, tmp_path):
    _, base = site
    dom = rendered_dom(page(base, "/", q="公"), tmp_path / "profile")
    assert "至少 2 个字" in dom and 'class="match"' not in dom


def test_the_public_page_is_rate_limited_per_client_address(site):
    _, base = site
    busy, other = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "203.0.113.8"}
    statuses = [call(base, "GET", "/", query={"q": "公司"}, headers=busy).status for _ in range(22)]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429, 429]
    limited = call(base, "GET", "/", query={"q": "公司"}, headers=busy)
    assert limited.status == 429 and int(limited.headers["retry-after"]) >= 1
    assert call(base, "GET", "/", query={"q": "公司"}, headers=other).status == 200  # another client is not held back

