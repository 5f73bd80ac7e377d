"""`credit-pipeline`: generate demo feeds, run the pipeline once, benchmark it, and use the published credit
(check a subject for a service matter, write a credit report); every look-up is logged."""

from __future__ import annotations

import argparse
import functools
import sys
from datetime import date
from pathlib import Path

from credit_pipeline.settings import SettingError, Settings, load_settings
from credit_pipeline.writer_lock import PipelineBusy


def cmd_prepare(args: argparse.Namespace) -> int:
    from credit_pipeline.dbt import prepare_manifest

    prepare_manifest()
    return 0


def cmd_prepare_instance(args: argparse.Namespace) -> int:
    from credit_pipeline.instance import prepare_instance

    print(f"DAGSTER_HOME={prepare_instance()}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from credit_pipeline.catalogue import load_catalogue
    from credit_pipeline.progress import Stage, console
    from credit_tools.demo.generator import generate_drop

    settings = load_settings()
    as_of = date.fromisoformat(args.as_of) if args.as_of else settings.as_of
    with console(sys.stderr), Stage("generate", len(load_catalogue()), "feeds") as stage:
        summary = generate_drop(settings.feed_dir, subjects=args.subjects, seed=args.seed, as_of=as_of,
                                on_feed=lambda feed: stage.advance(1))
        stage.finish(f"{sum(summary['records'].values()):,} records for {summary['subjects']:,} subjects in "
                     f"{summary['files']:,} files")
    print(f"generated {sum(summary['records'].values()):,} records for {summary['subjects']:,} subjects "
          f"in {summary['files']:,} files under {settings.feed_dir}")
    return 0


def drop_is_empty(settings) -> bool:
    """No delivery file in any folder of the drop (a drop that is a file is not empty: it is wrong)."""
    if settings.feed_dir.exists() and not settings.feed_dir.is_dir():
        return False
    return not settings.feed_dir.exists() or not any(p.is_file() for p in settings.feed_dir.rglob("*.*") if p.parent != settings.feed_dir)


def run_pipeline(settings: Settings | None = None, job: str = "credit_daily", **options) -> bool:
    """The job once in this process, holding the pipeline's lock (credit_pipeline.run_once); True when everything
    succeeded and publication ran."""
    from credit_pipeline.run_once import run_pipeline as run_once

    return bool(run_once(settings, job, **options))


def cmd_run(args: argparse.Namespace) -> int:
    from credit_pipeline.progress import console
    from credit_pipeline.run_once import COMMAND_LINE
    from credit_pipeline.run_once import run_pipeline as run_once
    from credit_pipeline.summary import run_report
    from credit_pipeline.writer_lock import Holder, writer_lock

    settings = load_settings()
    generate = args.generate_if_empty and drop_is_empty(settings)
    if not generate:
        settings.check_feed_dir()  # before waiting for anything: a wrong setting is said at once
    wait = None if args.wait < 0 else args.wait * 60

    def waiting(holder) -> None:
        print(f"credit-pipeline: {holder.describe() if holder else 'another process'} is writing to {settings.home}; "
              f"waiting for it to finish ({'as long as it takes' if wait is None else f'up to {args.wait:g} min'})",
              file=sys.stderr, flush=True)

    with console(sys.stderr), writer_lock(settings.home, Holder("not started yet", "credit_daily", COMMAND_LINE), wait, waiting):
        if generate:
            print(f"the feed drop {settings.feed_dir} is empty: generating demo feeds")
            cmd_generate(argparse.Namespace(subjects=args.subjects, seed=args.seed, as_of=None))
        outcome = run_once(settings, wait_seconds=wait, log_level="ERROR")
    print(run_report(settings, outcome))
    if not outcome:
        print("PUBLICATION BLOCKED: the run failed or a blocking check failed; the published marts were left as they "
              "were.", file=sys.stderr)
        return 1
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from credit_pipeline.progress import console
    from credit_tools.bench import run_benchmark

    with console(sys.stderr):  # each stage's bar on a terminal, plain lines otherwise; the results on stdout
        return run_benchmark(subjects=args.subjects, seed=args.seed, daily_records=args.daily_records,
                             home=Path(args.home).resolve() if args.home else None, engine=args.engine,
                             spark_only=args.spark_only)


def cmd_bench_check(args: argparse.Namespace) -> int:
    from credit_tools.bench import run_check_benchmark

    return run_check_benchmark(Path(args.home).resolve(), args.subjects, args.matter)


def lookup_command(command):
    """A look-up (check, report) exits 2 when the query is refused and 1 when nothing is published yet."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from credit_use.access import QueryRefused
        from credit_use.published import NothingPublished

        try:
            return command(args)
        except QueryRefused as refused:
            print(f"refused: {refused}", file=sys.stderr)
            return 2
        except NothingPublished as error:
            print(error, file=sys.stderr)
            return 1

    return run


@lookup_command
def cmd_check(args: argparse.Namespace) -> int:
    from credit_use.json_answer import dumps
    from credit_use.matching import check

    results = check(args.ids, args.matter, args.user, args.purpose)
    if args.json:
        print(dumps(results, indent=2).decode())
        return 0
    for r in results:
        print(f"{r['subject_id']}  {r.get('subject_name') or ''}  {r['credit_class'] or '无档案'}")
        for prompt in r["prompts"]:
            print(f"  提示  {prompt}")
        for record in r["records"]:
            print(f"  依据  {record['document_no']}  {record['record_kind']}  {record['decision_date']}  {record['status']}")
    print(f"(logged as query {results[0]['query_id']})" if results else "")
    return 0


@lookup_command
def cmd_report(args: argparse.Namespace) -> int:
    from credit_use.report import default_report_name, render_report, report_answer, write_report

    answer = report_answer(args.id, args.user, args.purpose, internal=args.internal)
    out = Path(args.out) if args.out else load_settings().home / "reports" / default_report_name(answer)
    print(write_report(render_report(answer), out))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import dataclasses
    import json
    import os

    import uvicorn

    from credit_use.service.app import CONFIG_VARIABLE, ServiceConfig

    config = ServiceConfig(public_per_minute=args.public_per_minute, public_burst=args.public_burst, threads=args.threads)
    # Each worker process builds the app from the environment (settings and this configuration).
    os.environ[CONFIG_VARIABLE] = json.dumps(dataclasses.asdict(config))
    # No access log: request lines carry subject IDs; the query log is the record of every call.
    uvicorn.run("credit_use.service.app:app_from_environment", factory=True, workers=args.workers, host=args.host,
                port=args.port, access_log=False, log_level=args.log_level, proxy_headers=bool(args.forwarded_allow_ips),
                forwarded_allow_ips=args.forwarded_allow_ips or None, timeout_keep_alive=30, server_header=False)
    return 0


def cmd_bench_serve(args: argparse.Namespace) -> int:
    from credit_tools.bench_serve import run_serve_benchmark

    return run_serve_benchmark(Path(args.home).resolve(), clients=args.clients, seconds=args.seconds, matter=args.matter,
                               switch=not args.no_switch, port=args.port, workers=args.workers)


def cmd_api_key(args: argparse.Namespace) -> int:
    from credit_use.api_keys import issue_key, read_keys, revoke_key

    path = load_settings().api_keys_path
    if args.action == "issue":
        if not (args.department and args.system and args.scopes and args.valid_until):
            print("issue needs --department, --system, --scopes and --valid-until", file=sys.stderr)
            return 2
        try:
            secret, key = issue_key(path, args.department, args.system, args.scopes.split(","), date.fromisoformat(args.valid_until))
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"issued {key.key_id} to {key.department} {key.system} ({';'.join(sorted(key.scopes))}) until {key.valid_until}; "
              f"kept hashed in {path}. The key, shown only now:", file=sys.stderr)
        print(secret)
    elif args.action == "revoke":
        try:
            key = revoke_key(path, args.key_id)
        except KeyError as error:
            print(error.args[0], file=sys.stderr)
            return 2
        print(f"revoked {key.key_id} ({key.department} {key.system}) at {key.revoked_at}")
    else:
        for key in read_keys(path).values():
            state = f"revoked {key.revoked_at[:10]}" if key.revoked_at else f"valid until {key.valid_until}"
            print(f"{key.key_id}  {key.department}  {key.system}  {';'.join(sorted(key.scopes))}  {state}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credit-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="build the dbt manifest the Dagster code location loads").set_defaults(func=cmd_prepare)
    sub.add_parser("prepare-instance", help="create $DAGSTER_HOME with its dagster.yaml").set_defaults(func=cmd_prepare_instance)
    gen = sub.add_parser("generate", help="write deterministic demo feeds into $CREDIT_FEED_DIR")
    gen.add_argument("--subjects", type=int, default=5000)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--as-of", help="last delivery date (default CREDIT_AS_OF or today)")
    gen.set_defaults(func=cmd_generate)
    run = sub.add_parser("run", help="materialise everything once, as the daily schedule does; exits 1 when publication was blocked")
    run.add_argument("--generate-if-empty", action="store_true", help="generate demo feeds first when the drop is empty")
    run.add_argument("--subjects", type=int, default=5000)
    run.add_argument("--seed", type=int, default=42)
    run.add_argument("--wait", type=float, default=30, metavar="MINUTES",
                     help="when another run is writing, wait this long for it (default 30; 0: not at all; -1: as long "
                          "as it takes), then exit 3")
    run.set_defaults(func=cmd_run)
    bench = sub.add_parser("bench", help="time and measure memory of every stage on generated data")
    bench.add_argument("--subjects", type=int, default=100_000)
    bench.add_argument("--seed", type=int, default=7)
    bench.add_argument("--daily-records", type=int, default=100_000)
    bench.add_argument("--home", help="a folder to build in and keep (its drop is reused when there is one)")
    bench.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                       help="spark: the full build on DuckDB, then on Spark from the same lake, then a day's delivery on Spark")
    bench.add_argument("--spark-only", action="store_true",
                       help="with --home holding a DuckDB release of the bench's drop: the floor and Spark's full build "
                            "from that home's lake, compared with its release (the city size in one Spark build)")
    bench.set_defaults(func=cmd_bench)
    bchk = sub.add_parser("bench-check", help="time check and report per subject on a published release")
    bchk.add_argument("--home", required=True, help="a CREDIT_HOME with a published release")
    bchk.add_argument("--subjects", type=int, default=200)
    bchk.add_argument("--matter", default="政府采购")
    bchk.set_defaults(func=cmd_bench_check)
    chk = sub.add_parser("check", help="automatic matching: each subject's class, the measures and prompts for a service matter, "
                                        "and the records behind them (reads the published marts; logged)")
    chk.add_argument("ids", nargs="+", metavar="ID", help="USCC, 工商注册号 or ID number")
    chk.add_argument("--matter", required=True, help="the service matter, e.g. 政府采购 (see the measure_list mart)")
    chk.add_argument("--user", help="who asks (required: every look-up is logged)")
    chk.add_argument("--purpose", help="why (required)")
    chk.add_argument("--json", action="store_true", help="print the answer as JSON")
    chk.set_defaults(func=cmd_check)
    rep = sub.add_parser("report", help="write a subject's credit report as HTML: masked for public use unless --internal (logged)")
    rep.add_argument("id", metavar="ID")
    rep.add_argument("--user", help="who asks (required)")
    rep.add_argument("--purpose", help="why (required)")
    rep.add_argument("--internal", action="store_true", help="the authorised internal version (信用审查报告), unmasked")
    rep.add_argument("--out", help="HTML file to write (default $CREDIT_HOME/reports/: the public version named by the masked ID "
                     "and the query, public-<masked ID>-<query id>.html; the internal one <ID>-internal.html)")
    rep.set_defaults(func=cmd_report)
    srv = sub.add_parser("serve", help="the credit service: /v1/check and /v1/report for departments' systems (API keys), "
                                       "the public 信用查询 page at /, OpenAPI at /docs; follows the published release")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8080)
    srv.add_argument("--threads", type=int, default=16, help="requests answered at once by each worker")
    srv.add_argument("--workers", type=int, default=1, help="worker processes (each keeps the release open and "
                     "its own public rate limit); 2 on a 2-core machine spreads the Python part of each request")
    srv.add_argument("--public-per-minute", type=float, default=30, help="public page requests a minute per client address")
    srv.add_argument("--public-burst", type=int, default=10)
    srv.add_argument("--forwarded-allow-ips", help="the reverse proxy's address(es): trust its X-Forwarded-For/-Proto")
    srv.add_argument("--log-level", default="info")
    srv.set_defaults(func=cmd_serve)
    key = sub.add_parser("api-key", help="issue, revoke or list the API keys of departments' systems ($CREDIT_HOME/api_keys.csv, hashed)")
    key.add_argument("action", choices=["issue", "revoke", "list"])
    key.add_argument("key_id", nargs="?", help="the key to revoke")
    key.add_argument("--department", help="e.g. 市财政局")
    key.add_argument("--system", help="e.g. 政府采购管理系统")
    key.add_argument("--scopes", help="comma-separated: check, report, internal_report")
    key.add_argument("--valid-until", help="the last day the key works, YYYY-MM-DD")
    key.set_defaults(func=cmd_api_key)
    bsrv = sub.add_parser("bench-serve", help="load-test the credit service on loopback against a published release")
    bsrv.add_argument("--home", required=True, help="a CREDIT_HOME with a published release")
    bsrv.add_argument("--clients", type=int, default=8)
    bsrv.add_argument("--seconds", type=float, default=20, help="duration of each run")
    bsrv.add_argument("--matter", default="政府采购")
    bsrv.add_argument("--port", type=int, default=0, help="0: a free port")
    bsrv.add_argument("--workers", type=int, default=1, help="the service's worker processes")
    bsrv.add_argument("--no-switch", action="store_true", help="skip the run with a release switch during the load")
    bsrv.set_defaults(func=cmd_bench_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingError as error:
        print(f"credit-pipeline: {error}", file=sys.stderr)
        return 2
    except PipelineBusy as busy:
        print(f"credit-pipeline: {busy}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
