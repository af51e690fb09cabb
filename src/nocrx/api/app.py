"""Build the FastAPI app: routes, the error edge, request ids, size limit, security headers.

``create_app(settings, store)`` is what ``nocrx serve`` runs and what tests build in-process.
Middleware order (outermost first): request id -> size limit -> security headers -> routes.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nocrx.api import cds_hooks, claims
from nocrx.api.config import ServiceSettings
from nocrx.api.problems import Problem, install_problem_handlers, log_unexpected, problem_body
from nocrx.api.service import Service
from nocrx.data.store import Store

logger = logging.getLogger(__name__)

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# The page loads only its own script and style; nothing inline, no third parties.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
PAGE_CSP = (b"content-security-policy",
            b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")  # fmt: skip


def create_app(settings: ServiceSettings | None = None, store: Store | None = None) -> FastAPI:
    """The service app; opens ``settings.db_path`` unless a store is given (and then closes it)."""
    settings = settings or ServiceSettings.from_env()
    owns_store = store is None
    opened = store if store is not None else Store(settings.db_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service.warm_up()  # before the first request, not during it
        yield
        if owns_store:
            opened.close()

    app = FastAPI(
        title="nocrx",
        summary="Decide and check how to bill a drug with no specific HCPCS code; FHIR in, CDS Hooks cards out.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.service = Service.build(settings, opened)
    install_problem_handlers(app)
    app.include_router(claims.router)
    app.include_router(cds_hooks.router)
    _mount_page(app)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        # CDS Hooks "Cross-Origin Resource Sharing": browser-based clients need it; only the
        # configured origins, and no cookies (credentials are bearer tokens and keys).
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type", "X-API-Key"])  # fmt: skip
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    return app


def _mount_page(app: FastAPI) -> None:
    static = resources.files("nocrx.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(static.joinpath("index.html")), media_type="text/html")


class RequestContext:
    """Give each request an id (X-Request-ID), and log method, path, status and time only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _CLIENT_REQUEST_ID.match(sent) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), [0]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            # Caught here, inside Starlette's ServerErrorMiddleware, so the exception is not
            # re-raised to uvicorn, whose log would print its message (which may quote input).
            log_unexpected(request_id, error)
            if status[0] == 0:
                status[0] = 500
                await _send_problem(
                    send_with_id,
                    scope,
                    500,
                    "INTERNAL_ERROR",
                    "An unexpected error occurred. Quote the request id when you report it.",
                )
        finally:
            # DEBUG: uvicorn's access log already has one INFO line per request.
            logger.debug("%s %s %s %d %.1fms", request_id, scope["method"], scope["path"], status[0],
                        (time.perf_counter() - started) * 1000)  # fmt: skip


class BodySizeLimit:
    """Refuse bodies over the limit with 413: by Content-Length at once, else while reading."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _send_problem(send, scope, 413, "PAYLOAD_TOO_LARGE", self._detail())
            return
        seen = [0]

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > self.max_bytes:
                    raise Problem(413, "PAYLOAD_TOO_LARGE", self._detail())
            return message

        await self.app(scope, counting_receive, send)

    def _detail(self) -> str:
        return f"The request body is larger than this service accepts ({self.max_bytes} bytes)."


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_page = scope["path"] == "/" or scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [*SECURITY_HEADERS, PAGE_CSP] if is_page else SECURITY_HEADERS
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _send_problem(send: Send, scope: Scope, status: int, code: str, detail: str) -> None:
    import json

    request_id = scope.get("state", {}).get("request_id")
    body: dict[str, Any] = problem_body(status, code, detail, request_id)
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(payload)).encode()), (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": payload})
