"""Data Docs that render styled with no network.

GX's page templates load Bootstrap, jQuery, bootstrap-table, Font Awesome and Vega from CDNs, and its logo from S3;
the platform's machines reach none of them, so the pages came out as bare text. After each build, the vendored
copies (docs_vendor/, with their licences) go into the site's `static/vendor/` and every page's links are pointed at
them, relative to the page, so the site also works copied elsewhere or opened from a file share.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

VENDOR = Path(__file__).parent / "docs_vendor"

# What GX's templates load -> the vendored file (docs_vendor/README.md says where each comes from).
ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap-4.3.1/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap-4.3.1/bootstrap.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-dark-1.1.0/bootstrap-prefers-dark.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js-1.12.9/popper.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table-1.19.1/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table-1.19.1/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.js",
    # The templates ask for the filter-control styles of 1.19.0, minified or not: 1.19.1's are the same rules.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome-free-6.6.0/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/vega-embed.min.js",
}
# GX's logos from S3 (with a cache-busting query): the site's own static/images has the logo.
GX_IMAGE = re.compile(r"https://great-expectations-web-assets\.s3\.[\w.-]+\.amazonaws\.com/[\w.-]+(\?[^\"']*)?")
OWN_STATIC = re.compile(r"""(\b(?:src|href)=["'])(?:\.\./)*static/""")
# A page loading something from elsewhere: a script, a stylesheet or icon, an image or frame, a CSS url() or @import.
REMOTE_LOAD = re.compile(
    r"<(?:script|img|iframe|source|embed)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//|@import\s+[\"'](?:https?:)?//",
    re.IGNORECASE,
)


def remote_loads(html: str) -> list[str]:
    """Every place in a page that would load something over the network."""
    return [html[m.start():m.start() + 160].split(">")[0] for m in REMOTE_LOAD.finditer(html)]


def make_offline(site_dir: Path) -> dict[Path, list[str]]:
    """Vendor the assets into the site and point every page at them; what still loads from elsewhere, by page."""
    site_dir = Path(site_dir)
    static = site_dir / "static"
    shutil.copytree(VENDOR, static / "vendor", dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    left: dict[Path, list[str]] = {}
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        prefix = Path(os.path.relpath(static, page.parent)).as_posix()
        rewritten = text
        for url, local in ASSETS.items():
            rewritten = rewritten.replace(f'"{url}"', f'"{prefix}/vendor/{local}"')
        rewritten = GX_IMAGE.sub(f"{prefix}/images/logo-long.png", rewritten)
        # GX's own relative links count one folder too few on validation pages (the favicon 404s there).
        rewritten = OWN_STATIC.sub(lambda m: f"{m[1]}{prefix}/", rewritten)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
        if found := remote_loads(rewritten):
            left[page] = found
    return left
