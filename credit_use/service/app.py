"""The credit service (逢办必查 as a service): departments' systems check subjects and read reports over
HTTP, and the public reads the 信用查询 pages, from the current published release.

Every answer goes through the same functions as the command line (`matching.check`,
`report.report_answer`, through `access.logged_lookup`), so the answers are the command line's. What the
service adds is around them: API keys, limits on input, the release kept open between requests
(`LiveRelease`), and the query log committed in groups (`GroupCommitLog`). Every /v1 call, answered,
refused (a bad key, bad input) or failed, is in the query log before its response is sent."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Literal

import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from credit_pipeline.settings import Settings
from credit_use.access import Door, NoArchive, NotAuthorised, QueryRefused, refuse
from credit_use.api_keys import ApiKey, KeyRefused, KeyStore
from credit_use.json_answer import dumps
from credit_use.matching import CHECK_READS, check_answer
from credit_use.published import LiveRelease, NothingPublished
from credit_use.query_log import GroupCommitLog
from credit_use.report import render_report, report_answer
from credit_use.service.limits import MAX_BODY_BYTES, BodyLimit, RateLimiter, client_address

CONFIG_VARIABLE = "CREDIT_SERVICE_CONFIG"  # how `serve` hands its options to each worker process
MAX_SUBJECTS = 100  # subjects in one check: a case rarely names more; a larger list is split by the caller
MAX_TEXT = 200  # characters of a user, a purpose or a matter


@dataclass(frozen=True)
class ServiceConfig:
    max_body_bytes: int = MAX_BODY_BYTES
    public_per_minute: float = 30  # public page requests a minute per client address
    public_burst: int = 10
    threads: int = 16  # requests answered at once (DuckDB releases the GIL while it reads)
    duckdb_threads: int = 1  # per query: the look-ups are small; concurrency comes from the requests


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "subjects": ["91320281MA1AAAAAXA"], "matter": "政府采购", "user": "财政局 张科员", "purpose": "供应商资格审查 2026-017"}]})

    subjects: list[Annotated[str, Field(max_length=40)]] = Field(
        min_length=1, max_length=MAX_SUBJECTS, description=f"USCC, 工商注册号 or ID numbers, 1 to {MAX_SUBJECTS}")
    matter: str = Field(max_length=MAX_TEXT, description="the service matter, e.g. 政府采购 (the measure_list mart names them)")
    user: str | None = Field(None, max_length=MAX_TEXT, description="who asks, a person (required: every look-up is logged)")
    purpose: str | None = Field(None, max_length=MAX_TEXT, description="why, e.g. the case number (required)")


class CheckAnswerDoc(BaseModel):
    """The command line's `check --json` list as `results`, with the query and the release it came from."""
    query_id: str
    release: str
    as_of_date: str
    results: list[dict]


def _status(refused: QueryRefused) -> int:
    return 403 if isinstance(refused, NotAuthorised) else 404 if isinstance(refused, NoArchive) else 422


def _kind(path: str) -> str:
    return "report" if path.startswith("/v1/report") else "check" if path.startswith("/v1/check") else "api"


class Service:
    """What lives as long as the process: the open release, the log writer, the keys, the public rate."""

    def __init__(self, settings: Settings, config: ServiceConfig):
        self.settings, self.config = settings, config
        # A check's look-ups answered from memory once loaded (report look-ups read these columns too where they can).
        self.live = LiveRelease(settings.publish_dir, {"threads": config.duckdb_threads}, hold=CHECK_READS)
        self.log = GroupCommitLog(settings.query_log_dir)
        self.keys = KeyStore(settings.api_keys_path)
        self.public_rate = RateLimiter(config.public_per_minute, config.public_burst)
        self.door = Door(settings, self.live.use, self.log.append)

    def api_door(self, request: Request, key: ApiKey | None, claimed_key_id: str | None = None) -> Door:
        caller = ({"key_id": key.key_id, "department": key.department, "system": key.system} if key
                  else {"key_id": claimed_key_id})
        return self.door.with_details(channel="api", client=client_address(request), **caller)

    async def authenticate(self, request: Request, presented: str | None, scope: str) -> ApiKey:
        """The caller's key, or the call is refused (401/403) and logged as refused. Checking a key takes
        microseconds, so it runs on the event loop; only logging a refusal (an fsync) goes to a thread."""
        try:
            key = self.keys.authenticate(presented, scope)
        except KeyRefused as refused:
            asked = [request.path_params["subject_id"]] if "subject_id" in request.path_params else []
            await run_in_threadpool(refuse, self.api_door(request, None, refused.key_id), _kind(request.url.path), str(refused),
                                    subject_ids=asked)
            raise
        request.state.caller = key
        return key

    def close(self) -> None:
        self.live.close()
        self.log.close()


def create_app(settings: Settings, config: ServiceConfig | None = None) -> FastAPI:
    config = config or ServiceConfig()
    service = Service(settings, config)
    bearer = HTTPBearer(auto_error=False, description="An API key issued by the credit centre: `Authorization: Bearer crk_…`")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.threads
        yield
        service.close()

    app = FastAPI(
        title="公共信用信息平台 · credit service", version="1",
        description="逢办必查: automatic matching (`POST /v1/check`) and credit reports (`GET /v1/report/{id}`) for "
                    "departments' systems, from the current published release. Every call needs an API key, a user and "
                    f"a purpose, and is written to the query log before it is answered. At most {MAX_SUBJECTS} subjects a "
                    f"check and {config.max_body_bytes} bytes a request. The public 信用查询 page is at `/`.",
        lifespan=lifespan)
    app.state.service = service

    def key_for(scope: str | None):
        async def authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> ApiKey:
            wanted = scope or ("internal_report" if request.query_params.get("version") == "internal" else "report")
            return await service.authenticate(request, credentials.credentials if credentials else None, wanted)
        return authenticate

    @app.post("/v1/check", response_model=None, responses={200: {"model": CheckAnswerDoc}, 401: {}, 403: {}, 413: {}, 422: {}, 503: {}},
              summary="Match subjects against a service matter (自动比对、自动提示)")
    async def post_check(body: CheckRequest, request: Request, key: ApiKey = Depends(key_for("check"))) -> Response:
        door = service.api_door(request, key)
        if not service.live.in_memory:  # look-ups would read files: in a thread, as the report's
            answer = await run_in_threadpool(check_answer, body.subjects, body.matter, body.user, body.purpose, door=door)
            return Response(dumps(answer.as_dict()), media_type="application/json")
        # From memory a check is a fraction of a millisecond of Python: answered on the event loop, without a
        # thread's hand-off and the GIL's switching between threads (the tail of the latency under load). The
        # query log's entry is queued, and awaited before anything leaves, answer or refusal.
        queued = []
        try:
            answer = check_answer(body.subjects, body.matter, body.user, body.purpose,
                                  door=door.with_log(lambda entry: queued.append(service.log.submit(entry))))
        finally:
            await service.log.written(queued)
        return Response(dumps(answer.as_dict()), media_type="application/json")

    @app.get("/v1/report/{subject_id}", response_model=None, summary="A subject's credit report, public or internal",
             responses={200: {"content": {"application/json": {}, "text/html": {}}}, 401: {}, 403: {}, 404: {}, 422: {}, 503: {}})
    def get_report(subject_id: str, request: Request,
                   user: Annotated[str | None, Query(max_length=MAX_TEXT, description="who asks (required)")] = None,
                   purpose: Annotated[str | None, Query(max_length=MAX_TEXT, description="why (required)")] = None,
                   version: Literal["public", "internal"] = "public",
                   format: Literal["json", "html"] = "json",
                   key: ApiKey = Depends(key_for(None))) -> Response:
        answer = report_answer(subject_id, user, purpose, internal=version == "internal", door=service.api_door(request, key))
        if format == "html":
            return HTMLResponse(render_report(answer))
        return Response(dumps(answer.as_dict()), media_type="application/json")

    @app.get("/healthz", summary="Which release is answering (no personal data; not logged)")
    def health() -> dict:
        with service.live.use() as release:
            return {"status": "ok", "release": release.name, "as_of_date": release.manifest.get("as_of_date"),
                    "held": service.live.held_status(), "loading": service.live.loading, "releases_opened": len(service.live.opened),
                    "log_groups": service.log.groups, "log_entries": service.log.entries}

    @app.exception_handler(QueryRefused)
    async def refused(request: Request, error: QueryRefused):
        return JSONResponse({"detail": str(error)}, status_code=_status(error))  # already logged by the door

    @app.exception_handler(KeyRefused)
    async def key_refused(request: Request, error: KeyRefused):
        return JSONResponse({"detail": str(error)}, status_code=error.status,
                            headers={"WWW-Authenticate": "Bearer"} if error.status == 401 else None)

    @app.exception_handler(NothingPublished)
    async def nothing_published(request: Request, error: NothingPublished):
        return JSONResponse({"detail": "no release is published yet"}, status_code=503)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        """Bad input to /v1 is refused and logged; the key is checked first (a body that is not JSON is
        read before the key), so an unknown caller learns only that it is unknown."""
        errors = error.errors()
        reason = "; ".join(
            f"the request body is not JSON ({e.get('ctx', {}).get('error', e['msg'])}); send Content-Type: application/json"
            if e["type"] == "json_invalid" else f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
            for e in errors)
        status = 400 if any(e["type"] in ("json_invalid", "model_attributes_type") for e in errors) else 422
        if request.url.path.startswith("/v1/"):
            key = getattr(request.state, "caller", None)
            if key is None:
                header = request.headers.get("authorization", "")
                scheme, _, presented = header.partition(" ")
                try:
                    key = await service.authenticate(request, presented if scheme.lower() == "bearer" else None,
                                                     "check" if _kind(request.url.path) == "check" else "report")
                except KeyRefused as refused_key:
                    return await key_refused(request, refused_key)
            await run_in_threadpool(refuse, service.api_door(request, key), _kind(request.url.path), reason)
        return JSONResponse({"detail": reason}, status_code=status)

    async def log_oversized(scope: dict, reason: str) -> None:
        if scope["path"].startswith("/v1/"):
            request = Request(scope)
            presented = request.headers.get("authorization", "").partition(" ")[2]
            claimed = presented.split("_")[1] if presented.count("_") >= 2 else None  # not verified: the body was not read
            await run_in_threadpool(refuse, service.api_door(request, None, claimed), _kind(scope["path"]), reason)

    from credit_use.service.public_pages import add_public_pages

    add_public_pages(app, service)
    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes, on_refused=log_oversized)
    return app



def app_from_environment() -> FastAPI:
    """The app of one worker process, from CREDIT_HOME and the options `credit-pipeline serve` was given."""
    import json
    import os

    from credit_pipeline.settings import load_settings

    return create_app(load_settings(), ServiceConfig(**json.loads(os.environ.get(CONFIG_VARIABLE) or "{}")))
