"""The public 信用查询 pages, served by the credit service: a search form, its matches, and the masked
public report of a market subject. What they may reach is decided in `credit_use.public_search`;
here: HTML, the per-client rate limit, and headers that keep the pages self-contained."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from credit_use.access import QueryRefused
from credit_use.public_search import MAX_SEARCH_LENGTH, SEARCH_LIMIT, public_report, search_subjects
from credit_use.report import render_report, templates
from credit_use.service.limits import client_address

# No script, nothing from elsewhere: the pages are plain HTML with inline styles.
_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def add_public_pages(app: FastAPI, service) -> None:
    def rate_limited(request: Request) -> None:
        wait = service.public_rate.retry_after(client_address(request))
        if wait:
            raise HTTPException(429, "查询过于频繁，请稍后再试 (too many requests from this address)",
                                headers={"Retry-After": str(int(wait) + 1)})

    def door(request: Request):
        return service.door.with_details(channel="public", client=client_address(request))

    @app.get("/", response_class=HTMLResponse, dependencies=[Depends(rate_limited)], summary="信用查询: search market subjects",
             tags=["public"])
    def search_page(request: Request, q: Annotated[str, Query(max_length=MAX_SEARCH_LENGTH * 2)] = "") -> HTMLResponse:
        answer = search_subjects(q, door(request)) if q.strip() else None
        html = templates.get_template("public_search.html.j2").render(answer=answer, q=answer.text if answer else "", limit=SEARCH_LIMIT)
        return HTMLResponse(html, headers=_HEADERS)

    @app.get("/public/report/{code}", response_class=HTMLResponse, dependencies=[Depends(rate_limited)],
             summary="信用查询: the masked public report of a market subject", tags=["public"])
    def report_page(code: str, request: Request) -> HTMLResponse:
        try:
            answer = public_report(code, door(request))
        except QueryRefused as refused:  # logged by the door; the page says why
            html = templates.get_template("public_search.html.j2").render(answer=None, q="", limit=SEARCH_LIMIT, notice=str(refused))
            return HTMLResponse(html, status_code=404, headers=_HEADERS)
        return HTMLResponse(render_report(answer, site=True), headers=_HEADERS)
