"""Where things live and the date everything is evaluated as of (SPEC §6), read from the environment once.

`load_settings` is what the command line and credit use read; inside a Dagster run the `CreditResource`
(credit_pipeline/resources.py) builds the same Settings with the run's own as-of date.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"  # written by `credit-pipeline prepare` (dbt parse)
CATALOGUE_DIR = DBT_PROJECT_DIR / "seeds" / "catalogue"
RULES_DIR = DBT_PROJECT_DIR / "seeds" / "rules"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# The platform's day is China's: a run at 06:00 in Jiangsu is on that day whatever the host's clock says.
PLATFORM_TIMEZONE = ZoneInfo("Asia/Shanghai")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class SettingError(ValueError):
    """An environment variable the pipeline cannot work with. The command line prints it as one line and
    exits with code 2, before anything is read or published."""


def parse_as_of(text: str, source: str = "CREDIT_AS_OF") -> date:
    value = text.strip()
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise SettingError(f"{source} must be a date in the form YYYY-MM-DD (e.g. 2026-11-30), not {text!r}")


def platform_today(at: datetime | None = None) -> date:
    """The date in Asia/Shanghai at `at` (an aware datetime; default now)."""
    return (at or datetime.now(PLATFORM_TIMEZONE)).astimezone(PLATFORM_TIMEZONE).date()


ENGINES = ("duckdb", "spark")
SPARK_TARGETS = ("spark", "spark_thrift", "spark_connect")


def engine_from_environment() -> str:
    """CREDIT_ENGINE: what builds the dbt models, `duckdb` (the default: one machine) or `spark` (dbt-spark)."""
    return _engine(os.environ.get("CREDIT_ENGINE", "").strip() or "duckdb", "CREDIT_ENGINE")


def _engine(value: str, named: str) -> str:
    if value not in ENGINES:
        raise SettingError(f"{named} must be one of {', '.join(ENGINES)}, not {value!r}")
    return value


def spark_target_from_environment() -> str:
    """CREDIT_SPARK_TARGET: the dbt target a Spark build uses (profiles.yml): a local session, or a cluster's."""
    value = os.environ.get("CREDIT_SPARK_TARGET", "").strip() or "spark"
    if value not in SPARK_TARGETS:
        raise SettingError(f"CREDIT_SPARK_TARGET must be one of {', '.join(SPARK_TARGETS)}, not {value!r}")
    return value


def as_of_from_environment() -> date | None:
    """CREDIT_AS_OF when set (a backfill, a test); None means: the run's own day."""
    text = os.environ.get("CREDIT_AS_OF", "")
    return parse_as_of(text) if text.strip() else None


@dataclass(frozen=True)
class Settings:
    home: Path
    feed_dir: Path
    as_of: date
    engine: str = "duckdb"  # duckdb | spark (CREDIT_ENGINE)

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def spark_dir(self) -> Path:
        """A local Spark's catalog (Derby metastore) and tables; rebuilt from the lake by any Spark run."""
        return self.home / "spark"

    @property
    def lake_dir(self) -> Path:
        """The lake: raw/ holds every delivery as ingested (Parquet, append-only), read by dbt in place."""
        return self.home / "lake"

    @property
    def publish_dir(self) -> Path:
        """Readers open this path; it is a symlink swapped atomically to the newest release."""
        return self.home / "publish"

    @property
    def releases_dir(self) -> Path:
        return self.home / "releases"

    @property
    def gx_docs_dir(self) -> Path:
        return self.home / "gx_docs"

    @property
    def query_log_dir(self) -> Path:
        """Every look-up of a subject's credit (check, report); appended, never rewritten by the pipeline."""
        return self.home / "query_log"

    @property
    def authorised_users_path(self) -> Path:
        """Who may ask for the unmasked internal report (信用审查报告): user, scope, granted_by, valid_until."""
        return Path(os.environ.get("CREDIT_AUTHORISED_USERS") or self.home / "authorised_users.csv")

    @property
    def api_keys_path(self) -> Path:
        """The departments' systems' API keys for the credit service (hashed): key_id, key_hash, department, system,
        scopes, valid_until, issued_at, revoked_at."""
        return Path(os.environ.get("CREDIT_API_KEYS") or self.home / "api_keys.csv")

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.home / "dagster")

    def check_feed_dir(self) -> None:
        """Before a run reads the drop: it must be a folder. Read from a wrong place, the pipeline would find no
        delivery and publish empty marts as if the city had none."""
        name = "CREDIT_FEED_DIR" if os.environ.get("CREDIT_FEED_DIR") else "CREDIT_FEED_DIR (unset: $CREDIT_HOME/feeds)"
        expected = "the folder of the feed drop (<feed>/<department USCC>_<YYYYMMDD>.csv)"
        if not self.feed_dir.exists():
            raise SettingError(f"{name} must be {expected}; {self.feed_dir} does not exist")
        if not self.feed_dir.is_dir():
            raise SettingError(f"{name} must be {expected}; {self.feed_dir} is a file, not a folder")
        if not os.access(self.feed_dir, os.R_OK | os.X_OK):
            raise SettingError(f"{name} must be {expected}; {self.feed_dir} cannot be read by this user")


DUCKDB_MEMORY = "6GB"  # dbt_project/profiles.yml's default for CREDIT_DUCKDB_MEMORY too (a test keeps them equal)


def duckdb_memory() -> str:
    """What DuckDB may hold in memory for a dbt build or a publication before it spills to disk."""
    return os.environ.get("CREDIT_DUCKDB_MEMORY") or DUCKDB_MEMORY


def default_home() -> Path:
    return Path(os.environ.get("CREDIT_HOME") or PROJECT_ROOT / ".credit_home").resolve()


def default_feed_dir(home: Path) -> Path:
    return Path(os.environ.get("CREDIT_FEED_DIR") or home / "feeds").resolve()


def load_settings(as_of: date | None = None, home: Path | None = None, feed_dir: Path | None = None,
                  engine: str | None = None) -> Settings:
    """Settings from the environment; `as_of` (else CREDIT_AS_OF, else today in Asia/Shanghai), the paths and the
    engine may be given instead. Raises SettingError for a CREDIT_AS_OF or CREDIT_ENGINE it cannot use."""
    home = Path(home).resolve() if home else default_home()
    feed_dir = Path(feed_dir).resolve() if feed_dir else default_feed_dir(home)
    return Settings(home=home, feed_dir=feed_dir, as_of=as_of or as_of_from_environment() or platform_today(),
                    engine=engine_from_environment() if engine is None else _engine(engine, "the engine"))
