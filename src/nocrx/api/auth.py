"""Who may call: API keys for /v1, and the CDS Hooks signed JWT for /cds-services.

API keys arrive as ``X-API-Key`` or ``Authorization: Bearer``; only their SHA-256 is kept,
and each candidate is compared with ``hmac.compare_digest``.

CDS Hooks 2.0 "Trusting CDS Clients": the client signs a JWT (header alg, kid, typ; payload
iss, aud, exp, iat, jti) with an asymmetric key; ``none`` and HMAC algorithms SHALL NOT be
used. We trust only the issuers configured (allowlist of ``iss``, their keys from a JWKS or
PEM file, never fetched from ``jku``), require ``aud`` to be the endpoint's own URL, and
refuse a ``jti`` seen before until its ``exp`` passes (replay).
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from nocrx.api.config import hash_key
from nocrx.api.problems import Problem
from nocrx.errors import InvalidInput

# Asymmetric algorithms only (CDS Hooks: no `none`, no HMAC).
ALLOWED_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
CLOCK_SKEW_SECONDS = 30
# A JWT living longer than this is refused: the spec's tokens are per call, and the replay
# cache must not grow without bound.
MAX_LIFETIME_SECONDS = 3600
_BEARER = "bearer "


def bearer_token(authorization: str | None) -> str | None:
    if authorization and authorization[: len(_BEARER)].lower() == _BEARER:
        return authorization[len(_BEARER) :].strip() or None
    return None


def check_api_key(key_hashes: frozenset[str], x_api_key: str | None, authorization: str | None) -> None:
    """Raise a 401 Problem unless one of the configured keys was sent."""
    if not key_hashes:
        return
    candidate = x_api_key or bearer_token(authorization)
    if not candidate:
        raise Problem(401, "API_KEY_MISSING", "Send an API key as X-API-Key or Authorization: Bearer.",
                      headers={"WWW-Authenticate": 'Bearer realm="nocrx"'})  # fmt: skip
    digest = hash_key(candidate)
    matched = False
    for stored in key_hashes:  # compare against all, so timing does not reveal which key is near
        matched |= hmac.compare_digest(digest, stored)
    if not matched:
        raise Problem(401, "API_KEY_INVALID", "The API key is not valid.",
                      headers={"WWW-Authenticate": 'Bearer realm="nocrx", error="invalid_token"'})  # fmt: skip


@dataclass
class ReplayCache:
    """jti values seen, kept until their token expires."""

    _seen: dict[tuple[str, str], float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_use(self, issuer: str, jti: str, expires_at: float, now: float) -> bool:
        with self._lock:
            for key in [k for k, exp in self._seen.items() if exp + CLOCK_SKEW_SECONDS < now]:
                del self._seen[key]
            if (issuer, jti) in self._seen:
                return False
            self._seen[(issuer, jti)] = expires_at
            return True


@dataclass
class CDSClientVerifier:
    """Verifies the JWT of a CDS Hooks call against the configured issuers' public keys."""

    keys_by_issuer: dict[str, list[Any]]
    replay: ReplayCache = field(default_factory=ReplayCache)

    @property
    def enabled(self) -> bool:
        return bool(self.keys_by_issuer)

    def verify(self, authorization: str | None, audience: str) -> dict[str, Any]:
        """Return the verified claims, or raise a 401 Problem with a coded reason."""
        token = bearer_token(authorization)
        if token is None:
            raise _unauthorized(
                "JWT_MISSING", "CDS Hooks calls must carry a signed JWT as Authorization: Bearer."
            )
        header, unverified = _peek(token)
        issuer = unverified.get("iss")
        if not isinstance(issuer, str) or issuer not in self.keys_by_issuer:
            raise _unauthorized("JWT_UNTRUSTED_ISSUER", "The JWT issuer is not one this service trusts.")
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise _unauthorized("JWT_BAD_ALGORITHM", "The JWT must be signed with an asymmetric algorithm.")
        claims = self._decode(token, header, issuer, audience)
        now = time.time()
        if float(claims["exp"]) - float(claims["iat"]) > MAX_LIFETIME_SECONDS:
            raise _unauthorized(
                "JWT_LIFETIME_TOO_LONG", f"The JWT may live at most {MAX_LIFETIME_SECONDS} s."
            )
        if not self.replay.first_use(issuer, str(claims["jti"]), float(claims["exp"]), now):
            raise _unauthorized("JWT_REPLAYED", "This JWT (jti) has been used before.")
        return claims

    def _decode(self, token: str, header: dict[str, Any], issuer: str, audience: str) -> dict[str, Any]:
        candidates = _keys_for(self.keys_by_issuer[issuer], header.get("kid"))
        if not candidates:
            raise _unauthorized("JWT_UNKNOWN_KEY", "No configured key of that issuer matches the JWT kid.")
        last: jwt.PyJWTError | None = None
        for key in candidates:
            try:
                return jwt.decode(
                    token, key=key, algorithms=list(ALLOWED_ALGORITHMS), audience=audience, issuer=issuer,
                    leeway=CLOCK_SKEW_SECONDS, options={"require": ["iss", "aud", "exp", "iat", "jti"]},
                )  # fmt: skip
            except jwt.InvalidSignatureError as error:
                last = error
            except jwt.PyJWTError as error:
                raise _jwt_problem(error) from None
        raise _jwt_problem(last or jwt.InvalidSignatureError())


def load_cds_issuers(path: Path | None) -> CDSClientVerifier:
    """Read the issuers file: {"<iss>": {"jwks_file": p} | {"pem_file": p} | {"jwks": {...}}}."""
    if path is None:
        return CDSClientVerifier({})
    try:
        config = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidInput(f"cannot read the CDS issuers file {path}: {error}.") from None
    if not isinstance(config, dict):
        raise InvalidInput(f"{path}: the CDS issuers file must be a JSON object keyed by issuer.")
    return CDSClientVerifier({iss: _issuer_keys(path, iss, entry) for iss, entry in config.items()})


def _issuer_keys(path: Path, issuer: str, entry: Any) -> list[Any]:
    if not isinstance(entry, dict):
        raise InvalidInput(f"{path}:{issuer}: expected an object with jwks_file, pem_file or jwks.")
    base = path.parent
    try:
        if "jwks" in entry:
            return _jwks_keys(entry["jwks"])
        if "jwks_file" in entry:
            return _jwks_keys(json.loads((base / entry["jwks_file"]).read_text("utf-8")))
        if "pem_file" in entry:
            pem = (base / entry["pem_file"]).read_bytes()
            return [_PEMKey(kid=entry.get("kid"), key=_load_pem(pem))]
    except (OSError, ValueError, jwt.PyJWTError) as error:
        raise InvalidInput(f"{path}:{issuer}: cannot read its keys: {error}.") from None
    raise InvalidInput(f"{path}:{issuer}: expected jwks_file, pem_file or jwks.")


@dataclass(frozen=True)
class _PEMKey:
    kid: str | None
    key: Any


def _load_pem(pem: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(pem)


def _jwks_keys(jwks: Any) -> list[Any]:
    return list(jwt.PyJWKSet.from_dict(jwks).keys)


def _keys_for(keys: list[Any], kid: Any) -> list[Any]:
    """The public keys to try: the JWK whose kid matches (the spec requires kid), or a PEM key."""
    found = []
    for key in keys:
        if isinstance(key, _PEMKey):
            if key.kid is None or key.kid == kid:
                found.append(key.key)
        elif key.key_id == kid:
            found.append(key.key)
    return found


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _unauthorized("JWT_MALFORMED", "The bearer token is not a well-formed JWT.") from None


def _jwt_problem(error: jwt.PyJWTError) -> Problem:
    if isinstance(error, jwt.ExpiredSignatureError):
        return _unauthorized("JWT_EXPIRED", "The JWT has expired (exp).")
    if isinstance(error, jwt.ImmatureSignatureError):
        return _unauthorized("JWT_NOT_YET_VALID", "The JWT is not valid yet (iat/nbf in the future).")
    if isinstance(error, jwt.InvalidAudienceError):
        return _unauthorized("JWT_WRONG_AUDIENCE", "The JWT aud is not this service's URL.")
    if isinstance(error, jwt.MissingRequiredClaimError):
        return _unauthorized("JWT_MISSING_CLAIM", f"The JWT lacks the required claim {error.claim}.")
    if isinstance(error, jwt.InvalidSignatureError):
        return _unauthorized("JWT_BAD_SIGNATURE", "The JWT signature does not verify.")
    return _unauthorized("JWT_INVALID", "The JWT is not valid.")


def _unauthorized(code: str, detail: str) -> Problem:
    return Problem(401, code, detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
