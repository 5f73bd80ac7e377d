"""GX suites: derived from the catalogue, all loaded, validating catalogue completeness per delivery, offline."""

from __future__ import annotations

import json
import socket

import pandas as pd
import pytest

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.quality import suites
from credit_pipeline.quality.tally import SuiteTally
from credit_pipeline.settings import EXPECTATIONS_DIR

FEEDS = load_catalogue()
XZCF = FEEDS["xzcf"]


def quality(rows: list[dict]) -> pd.DataFrame:
    """A batch's quality frame as ingestion builds it: one row per delivery."""
    frame = pd.DataFrame([{"file_path": f"xzcf/d{n}.csv", "rows_in": 100, "complete_share": 1.0} | r for n, r in enumerate(rows)])
    for item in XZCF.items:
        column = suites.SET_ASIDE_SHARE + item.item
        frame[column] = frame[column].fillna(0.0) if column in frame else 0.0
    return frame


def test_suite_files_are_the_catalogue():
    assert {p.stem for p in EXPECTATIONS_DIR.glob("*.json")} == set(FEEDS)
    for name, feed in FEEDS.items():
        written = json.loads(suites.suite_path(name).read_text(encoding="utf-8"))
        # Editing the catalogue or a suite file without the other fails here:
        # regenerate with `python -m credit_pipeline.quality.suites`.
        assert written == suites.build_suite_dict(feed), f"expectations/{name}.json is stale"
        items = {e["meta"]["catalogue_item"] for e in written["expectations"] if e["meta"]["rule"] == "set_aside_share"}
        assert items == set(feed.item_names)
        completeness = [e for e in written["expectations"] if e["meta"]["rule"] == "completeness"]
        assert completeness[0]["kwargs"]["min_value"] == feed.completeness_threshold


@pytest.mark.parametrize("feed", list(FEEDS))
def test_every_expectation_in_the_file_is_loaded(feed):
    written = json.loads(suites.suite_path(feed).read_text(encoding="utf-8"))
    suite = suites.load_suite(feed)
    assert len(suite.expectations) == len(written["expectations"])


def test_a_suite_file_with_an_unknown_expectation_is_refused(tmp_path):
    spec = suites.build_suite_dict(FEEDS["hypj"]) | {"name": "hypj_tampered"}
    spec["expectations"].append({"type": "expect_column_values_to_be_lovely", "kwargs": {"column": "rows_in"}, "meta": {}})
    suites.suite_path("hypj_tampered", tmp_path).write_text(suites.dump_suite(spec), encoding="utf-8")
    with pytest.raises(suites.SuiteLoadError, match="expect_column_values_to_be_lovely"):
        suites.load_suite("hypj_tampered", tmp_path)


def test_a_delivery_below_the_catalogue_thresholds_fails_the_right_expectations():
    frame = quality([
        {},  # complete
        {"complete_share": 0.80, suites.SET_ASIDE_SHARE + "违法事实": 0.15, suites.SET_ASIDE_SHARE + "处罚类别": 0.05},
        {"rows_in": 0, "complete_share": 1.0},
    ])
    outcomes = {o.column: o for o in suites.validate_frame(frame, XZCF)}
    failing = {column: o.unexpected_count for column, o in outcomes.items() if not o.success}
    assert failing == {"rows_in": 1, "complete_share": 1, suites.SET_ASIDE_SHARE + "违法事实": 1}
    assert outcomes[suites.SET_ASIDE_SHARE + "违法事实"].samples == [{"file_path": "xzcf/d1.csv", "value": 0.15}]
    assert outcomes[suites.SET_ASIDE_SHARE + "违法事实"].catalogue_item == "违法事实"


def test_the_tally_adds_up_batches_and_names_the_deliveries():
    tally = SuiteTally(XZCF)
    tally(quality([{}, {"complete_share": 0.5, suites.SET_ASIDE_SHARE + "违法事实": 0.5}]))
    tally(quality([{"complete_share": 0.9, suites.SET_ASIDE_SHARE + "违法事实": 0.1}]))
    row = tally.rows[suites.SET_ASIDE_SHARE + "违法事实"]
    assert (row["deliveries"], row["unexpected"]) == (3, 1)
    assert "xzcf/d1.csv 50.00%" in tally.markdown()


def test_loads_validates_and_documents_without_network(monkeypatch, tmp_path):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("GX_ANALYTICS_ENABLED", "false")
    suites.reset_gx()  # a fresh context and fresh suites, built while the network is off

    assert suites.gx_context().config.analytics_enabled is False
    for feed in FEEDS:
        suites.load_suite(feed)
    suites.validate_frame(quality([{"complete_share": 0.5}]), XZCF)
    assert suites.build_data_docs(tmp_path / "gx_docs").exists()
    assert attempts == []


def test_the_preloading_thread_and_the_first_validation_share_one_context(monkeypatch):
    """Ingestion starts GX's import in a thread and validates its first batch meanwhile: both must end with the one
    context, or a suite is added to one and its validation definition to the other (GX: "Could not find suite")."""
    import threading
    import time

    import great_expectations as gx

    built, real = [], gx.get_context

    def slow_context(*args, **kwargs):  # as slow as a first import on a busy machine: the two calls overlap
        built.append(threading.current_thread().name)
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(gx, "get_context", slow_context)
    suites.reset_gx()
    thread = suites.preload_gx()
    time.sleep(0.1)
    try:
        suites.validate_frame(quality([{"complete_share": 1.0}]), XZCF)
    finally:
        thread.join()
    assert len(built) == 1, f"GX contexts built: {built}"
    assert suites.gx_context() is suites.gx_context()
    suites.reset_gx()


def test_data_docs_are_built_in_the_given_folder(tmp_path):
    suites.validate_frame(quality([{}]), XZCF)
    index = suites.build_data_docs(tmp_path / "gx_docs")
    assert index == (tmp_path / "gx_docs" / "index.html").resolve() and index.is_file()
    assert (tmp_path / "gx_docs" / "expectations" / "xzcf.html").is_file()


def test_data_docs_load_nothing_from_the_network_and_find_every_local_file(tmp_path):
    import re

    from credit_pipeline.quality.data_docs_offline import remote_loads

    suites.validate_frame(quality([{"complete_share": 0.5}]), XZCF)  # a validation page as well as the suites'
    site = suites.build_data_docs(tmp_path / "gx_docs").parent
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(FEEDS) and any("validations" in p.parts for p in pages)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert remote_loads(html) == [], page
        # Every script and stylesheet the page loads is there, relative to the page.
        for target in re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"#?]+)"', html):
            if not target.startswith(("data:", "mailto:")):
                assert (page.parent / target).resolve().is_file(), f"{page}: {target}"
    assert "static/vendor/bootstrap-4.3.1/bootstrap.min.css" in (site / "index.html").read_text(encoding="utf-8")
    fonts = site / "static" / "vendor" / "fontawesome-free-6.6.0"
    for font in re.findall(r"url\(\.\./webfonts/([\w.-]+)\)", (fonts / "css" / "all.min.css").read_text(encoding="utf-8")):
        assert (fonts / "webfonts" / font).is_file(), font


def test_the_vendored_docs_assets_ship_with_the_package_with_their_licences():
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    from credit_pipeline.quality.data_docs_offline import ASSETS, VENDOR

    project = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    files = [p.relative_to(VENDOR.parent).as_posix() for p in VENDOR.rglob("*") if p.is_file()]
    assert files and all(any(fnmatch(f, g) for g in globs["credit_pipeline.quality"]) for f in files)
    for local in set(ASSETS.values()):
        assert (VENDOR / local).is_file(), local
        package = VENDOR / local.split("/")[0]
        assert any(p.name.startswith("LICENSE") for p in package.iterdir()), package


def test_data_docs_render_styled_in_a_browser_with_the_network_cut_off(tmp_path):
    from tests.browser import rendered_dom

    suites.validate_frame(quality([{}]), XZCF)
    index = suites.build_data_docs(tmp_path / "gx_docs")
    dom = rendered_dom(index, tmp_path / "profile")  # the page as rendered: scripts ran (or failed to load)
    # bootstrap-table (jQuery + its plugin, both vendored) turns the index's tables into its own widget: without
    # them, as with CDN links on a machine without internet, the page stays a bare table.
    assert 'class="bootstrap-table' in dom and "fixed-table-container" in dom


def test_an_expectation_that_cannot_run_is_an_error_not_a_pass():
    frame = quality([{}])
    frame["complete_share"] = "all of them"  # not a number: the bounds cannot be checked
    with pytest.raises(suites.ExpectationRunError, match="complete_share"):
        suites.validate_frame(frame, XZCF)


def test_one_gx_context_when_the_preload_and_a_validation_ask_at_once():
    """Two contexts would leave GX's current project without the suites added to the other, and a validation would
    fail with "Could not find suite": the preload thread and ingestion share one."""
    import threading

    suites.reset_gx()
    start = threading.Barrier(4)
    contexts = []

    def ask():
        start.wait()
        contexts.append(suites.gx_context())

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(context) for context in contexts}) == 1
    suites.validate_frame(quality([{"complete_share": 1.0}]), XZCF)  # its suite is in the current project's store
