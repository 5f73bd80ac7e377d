"""Where things live: every path and the evaluation date come from the environment (SPEC §6)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"  # written by `credit-pipeline prepare` (dbt parse)
CATALOGUE_DIR = DBT_PROJECT_DIR / "seeds" / "catalogue"
RULES_DIR = DBT_PROJECT_DIR / "seeds" / "rules"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


@dataclass(frozen=True)
class Settings:
    home: Path
    feed_dir: Path
    as_of: date

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def publish_dir(self) -> Path:
        """Readers open this path; it is a symlink swapped atomically to the newest release."""
        return self.home / "publish"

    @property
    def releases_dir(self) -> Path:
        return self.home / "releases"

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


def load_settings() -> Settings:
    home = Path(os.environ.get("CREDIT_HOME") or PROJECT_ROOT / ".credit_home").resolve()
    feed_dir = Path(os.environ.get("CREDIT_FEED_DIR") or home / "feeds").resolve()
    as_of_text = os.environ.get("CREDIT_AS_OF")
    as_of = date.fromisoformat(as_of_text) if as_of_text else date.today()
    return Settings(home=home, feed_dir=feed_dir, as_of=as_of)
