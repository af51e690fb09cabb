"""One Settings object that reads the NOCRX_* environment variables; no mutable globals."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path
    payers_dir: Path | None
    data_mirror: str | None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read NOCRX_DB, NOCRX_PAYERS and NOCRX_DATA_MIRROR (all optional)."""
        env = os.environ if environ is None else environ
        db = env.get("NOCRX_DB") or str(Path(user_data_dir("nocrx", appauthor=False)) / "nocrx.sqlite3")
        payers = env.get("NOCRX_PAYERS")
        return cls(
            db_path=Path(db).expanduser(),
            payers_dir=Path(payers).expanduser() if payers else None,
            data_mirror=env.get("NOCRX_DATA_MIRROR") or None,
        )
