"""`nocrx serve`: run the HTTP API, the CDS Hooks services and the web page (uvicorn).

It binds to 127.0.0.1 unless told otherwise. On any other address it refuses to start
without API keys (NOCRX_API_KEYS or NOCRX_API_KEYS_FILE) unless --allow-no-auth is given,
because /v1 would then answer anyone on the network.
"""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

import typer

from nocrx.cli.app import app
from nocrx.cli.common import DB_OPTION
from nocrx.errors import InvalidInput

LOOPBACK_NAMES = ("localhost",)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default loopback only)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
    db: Path | None = DB_OPTION,
    allow_no_auth: bool = typer.Option(
        False, "--allow-no-auth", help="Serve /v1 without API keys on a non-loopback address."
    ),
    log_level: str = typer.Option(
        "info", "--log-level", help="uvicorn log level: debug, info, warning, error."
    ),
) -> None:
    """Serve the API (/v1, OpenAPI at /docs), CDS Hooks (/cds-services) and the web page (/)."""
    import uvicorn

    from nocrx.api.app import create_app
    from nocrx.api.config import ServiceSettings

    settings = ServiceSettings.from_env()
    if db is not None:
        settings = settings.with_db(db)
    if not is_loopback(host) and not settings.api_keys_required and not allow_no_auth:
        raise InvalidInput(
            f"refusing to serve on {host} without API keys: set NOCRX_API_KEYS (or NOCRX_API_KEYS_FILE), "
            "bind to 127.0.0.1, or pass --allow-no-auth."
        )
    logging.getLogger("nocrx").setLevel(logging.INFO)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, server_header=False,
                proxy_headers=False)  # fmt: skip


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
    (True, False)
    """
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
