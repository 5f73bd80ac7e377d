"""Opening a page in a real headless browser (Chromium), as a reader of a credit report would."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def browser() -> str:
    found = os.environ.get("CREDIT_BROWSER") or shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not found:
        raise RuntimeError("no headless browser: `make test` installs Chromium (make browser), or set CREDIT_BROWSER")
    return found


def open_headless(page: Path | str, profile: Path, *options: str) -> str:
    """Open the page (a file, or a URL) in headless Chromium with a throw-away profile; return what the browser printed."""
    result = subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
         *options, page if isinstance(page, str) else page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return result.stdout


def rendered_dom(page: Path | str, tmp: Path) -> str:
    """The DOM after the browser has parsed and rendered the page (not the file's text)."""
    return open_headless(page, tmp, "--virtual-time-budget=2000", "--dump-dom")
