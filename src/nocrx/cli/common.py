"""What the command modules share: the --db option and opening the store it names."""

from __future__ import annotations

from pathlib import Path

import typer

from nocrx.data.store import Store
from nocrx.settings import Settings

DB_OPTION = typer.Option(None, "--db", help="Store file (default: $NOCRX_DB or the user data directory).")


def store_path(db: Path | None) -> Path:
    """The store file to use: --db, else NOCRX_DB, else the user's data directory."""
    return db if db is not None else Settings.from_env().db_path


def open_store(db: Path | None) -> Store:
    return Store(store_path(db))
