"""`credit-pipeline`: generate demo feeds, run the pipeline once, benchmark it, and use the published credit
(check a subject for a service matter, write a credit report); every look-up is logged."""

from __future__ import annotations

import argparse
import functools
import sys
from datetime import date
from pathlib import Path

from credit_pipeline.settings import Settings, SettingError, load_settings


def cmd_prepare(args: argparse.Namespace) -> int:
    from credit_pipeline.dbt import prepare_manifest

    prepare_manifest()
    return 0


def cmd_prepare_instance(args: argparse.Namespace) -> int:
    from credit_pipeline.instance import prepare_instance

    print(f"DAGSTER_HOME={prepare_instance()}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from credit_tools.demo.generator import generate_drop

    settings = load_settings()
    as_of = date.fromisoformat(args.as_of) if args.as_of else settings.as_of
    summary = generate_drop(settings.feed_dir, subjects=args.subjects, seed=args.seed, as_of=as_of)
    print(f"generated {sum(summary['records'].values()):,} records for {summary['subjects']:,} subjects "
          f"in {summary['files']:,} files under {settings.feed_dir}")
    return 0


def drop_is_empty(settings) -> bool:
    return not settings.feed_dir.exists() or not any(p.is_file() for p in settings.feed_dir.rglob("*.*") if p.parent != settings.feed_dir)


def run_pipeline(settings: Settings | None = None, job: str = "credit_daily") -> bool:
    """Materialise the whole graph once, as the daily schedule does, as of settings.as_of (default: CREDIT_AS_OF
    or today in Asia/Shanghai). True when everything succeeded and was published."""
    from dagster import DagsterInstance

    from credit_pipeline.definitions import defs
    from credit_pipeline.instance import prepare_instance
    from credit_pipeline.resources import AS_OF_TAG

    settings = settings or load_settings()
    prepare_instance()
    resources = {"credit": {"config": {"home": str(settings.home), "feed_dir": str(settings.feed_dir)}}}
    with DagsterInstance.get() as instance:
        result = defs().resolve_job_def(job).execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags={AS_OF_TAG: settings.as_of.isoformat()},
            run_config={"resources": resources, "loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    published = any(
        e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key and e.asset_key.path == ["publish", "published_marts"]
        for e in result.all_events
    )
    return result.success and published


def cmd_run(args: argparse.Namespace) -> int:
    from credit_pipeline.summary import published_summary

    settings = load_settings()
    if args.generate_if_empty and drop_is_empty(settings):
        print(f"the feed drop {settings.feed_dir} is empty: generating demo feeds")
        cmd_generate(argparse.Namespace(subjects=args.subjects, seed=args.seed, as_of=None))
    ok = run_pipeline()
    print(published_summary(settings))
    if not ok:
        print("PUBLICATION BLOCKED: the run failed or a blocking check failed; the published marts were left as they were.",
              file=sys.stderr)
        return 1
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from credit_tools.bench import run_benchmark

    return run_benchmark(subjects=args.subjects, seed=args.seed, daily_records=args.daily_records,
                         home=Path(args.home).resolve() if args.home else None)


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
    import json

    from credit_use.matching import check

    results = check(args.ids, args.matter, args.user, args.purpose)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2, default=str))
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
    from credit_use.report import credit_report, write_report

    html = credit_report(args.id, args.user, args.purpose, internal=args.internal)
    out = Path(args.out) if args.out else load_settings().home / "reports" / f"{args.id}-{'internal' if args.internal else 'public'}.html"
    print(write_report(html, out))
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
    run.set_defaults(func=cmd_run)
    bench = sub.add_parser("bench", help="time and measure memory of every stage on generated data")
    bench.add_argument("--subjects", type=int, default=100_000)
    bench.add_argument("--seed", type=int, default=7)
    bench.add_argument("--daily-records", type=int, default=100_000)
    bench.add_argument("--home", help="a folder to build in and keep (its drop is reused when there is one)")
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
    rep.add_argument("--out", help="HTML file to write (default $CREDIT_HOME/reports/<ID>-<version>.html)")
    rep.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingError as error:
        print(f"credit-pipeline: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
