"""Errors at the HTTP edge: every failure leaves as ``application/problem+json`` (RFC 9457).

The body is ``{type, title, status, detail, code, request_id}`` (plus ``field`` when the
error names one). Domain errors keep their own code and status; an unexpected exception
becomes a 500 that names only the request id; its traceback goes to the server log with
the exception's message left out, because a message can quote input (PHI).
"""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nocrx.errors import NocrxError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An HTTP-level failure (bad JSON, missing auth, oversize body) with a stable code."""

    def __init__(self, status: int, code: str, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}


def problem_body(status: int, code: str, detail: str, request_id: str | None, **extra: Any) -> dict[str, Any]:
    """Build the RFC 9457 body; ``type`` is a URN per code so clients can switch on it."""
    body: dict[str, Any] = {
        "type": f"urn:nocrx:problem:{code.lower().replace('_', '-')}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem_response(
    status: int,
    code: str,
    detail: str,
    request_id: str | None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    all_headers = {"X-Request-ID": request_id or "", **(headers or {})}
    return JSONResponse(
        problem_body(status, code, detail, request_id, **extra),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=all_headers,
    )


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def install_problem_handlers(app: FastAPI) -> None:
    """Translate every error once, here (STYLE.md 4.3)."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(error.status, error.code, error.detail, request_id_of(request),
                                headers=error.headers)  # fmt: skip

    @app.exception_handler(NocrxError)
    async def _domain(request: Request, error: NocrxError) -> JSONResponse:
        logger.info("request %s refused: %s", request_id_of(request), error.code)
        return problem_response(error.http_status, error.code, str(error), request_id_of(request),
                                field=error.field)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        # Only path/query parameters reach FastAPI's validation (bodies are read by hand), so
        # the locations are safe to echo; the offending values are not echoed.
        where = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in error.errors())
        return problem_response(
            422, "INVALID_PARAMETER", f"invalid parameter: {where}", request_id_of(request)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(error.status_code, "HTTP_ERROR")
        detail = HTTPStatus(error.status_code).description or HTTPStatus(error.status_code).phrase
        return problem_response(error.status_code, code, detail, request_id_of(request),
                                headers=dict(error.headers or {}))  # fmt: skip


def log_unexpected(request_id: str | None, error: BaseException) -> None:
    """Log where a bug happened without its message (a message can quote a request body)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("request %s failed with %s\n%s", request_id, type(error).__name__, frames)
