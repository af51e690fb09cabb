"""The service's settings, read once from ``NOCRX_*`` variables (no mutable module globals).

NOCRX_DB              the store file (as for the CLI)
NOCRX_API_KEYS        comma-separated API keys for /v1 (unset and no keys file: keys are off)
NOCRX_API_KEYS_FILE   a file of keys, one a line; a line may already be "sha256:<hex>"
NOCRX_CDS_ISSUERS     a JSON file: {"<iss>": {"jwks_file"|"pem_file"|"jwks": ...}} of the EHRs
                      whose signed JWTs the CDS Hooks services accept (unset: CDS auth off)
NOCRX_PUBLIC_URL      the base URL clients use (the JWT ``aud`` is this + the service path)
NOCRX_MAX_BODY_BYTES  request size limit (default 1 MiB); larger bodies get 413
NOCRX_AUDIT_LOG       a file for the JSON-lines audit log of decisions (default: none)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from nocrx.errors import InvalidInput
from nocrx.settings import Settings

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
HASH_PREFIX = "sha256:"


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    db_path: Path
    payers_dir: Path | None = None
    api_key_hashes: frozenset[str] = frozenset()
    cds_issuers_file: Path | None = None
    public_url: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    audit_log: Path | None = None
    cors_origins: tuple[str, ...] = ()

    @property
    def api_keys_required(self) -> bool:
        return bool(self.api_key_hashes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        """Read the service variables (see the module docstring); raise InvalidInput on bad values."""
        env = os.environ if environ is None else environ
        base = Settings.from_env(dict(env))
        hashes = set(hash_keys(_split_keys(env.get("NOCRX_API_KEYS", ""))))
        if env.get("NOCRX_API_KEYS_FILE"):
            hashes |= read_keys_file(Path(env["NOCRX_API_KEYS_FILE"]).expanduser())
        issuers = env.get("NOCRX_CDS_ISSUERS")
        audit = env.get("NOCRX_AUDIT_LOG")
        return cls(
            db_path=base.db_path,
            payers_dir=base.payers_dir,
            api_key_hashes=frozenset(hashes),
            cds_issuers_file=Path(issuers).expanduser() if issuers else None,
            public_url=(env.get("NOCRX_PUBLIC_URL") or "").rstrip("/") or None,
            max_body_bytes=_positive_int(env.get("NOCRX_MAX_BODY_BYTES"), DEFAULT_MAX_BODY_BYTES),
            audit_log=Path(audit).expanduser() if audit else None,
            cors_origins=tuple(_split_keys(env.get("NOCRX_CORS_ORIGINS", ""))),
        )

    def with_db(self, db_path: Path) -> ServiceSettings:
        return replace(self, db_path=db_path)


def hash_key(key: str) -> str:
    """The stored form of an API key: its SHA-256 in hex (keys are random, so no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def hash_keys(keys: list[str]) -> list[str]:
    return [k[len(HASH_PREFIX) :].lower() if k.startswith(HASH_PREFIX) else hash_key(k) for k in keys]


def read_keys_file(path: Path) -> set[str]:
    """Read one key (or "sha256:<hex>") a line; blank lines and # comments are skipped."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as error:
        raise InvalidInput(f"cannot read the API keys file {path}: {error.strerror}.") from None
    keys = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return set(hash_keys(keys))


def _split_keys(text: str) -> list[str]:
    return [k.strip() for k in text.split(",") if k.strip()]


def _positive_int(text: str | None, default: int) -> int:
    if not text:
        return default
    if not text.strip().isdigit() or int(text) <= 0:
        raise InvalidInput(f'NOCRX_MAX_BODY_BYTES must be a positive whole number of bytes; got "{text}".')
    return int(text)
