"""API keys for /v1 and the CDS Hooks signed JWT, with keys generated here."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from api_helpers import BASE_URL, Client
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from test_api_problems import assert_problem

from nocrx.api.config import ServiceSettings, hash_key
from nocrx.errors import InvalidInput

ISSUER = "https://fhir-ehr.example.com/"
SIGN_URL = BASE_URL + "/cds-services/nocrx-order-sign"
HOOK = {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": {}}


# ---- API keys -------------------------------------------------------------------------------


def test_keys_come_from_the_environment_and_a_file_and_are_kept_hashed(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"# team keys\nfile-key\n\nsha256:{hash_key('pre-hashed').upper()}\n", "utf-8")
    settings = ServiceSettings.from_env(
        {"NOCRX_API_KEYS": " env-key , other ", "NOCRX_API_KEYS_FILE": str(keys_file)}
    )
    assert settings.api_key_hashes == {hash_key(k) for k in ("env-key", "other", "file-key", "pre-hashed")}
    assert "env-key" not in repr(settings)


def test_no_keys_configured_means_keys_are_off() -> None:
    assert not ServiceSettings.from_env({}).api_keys_required


def test_unreadable_keys_file_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="API keys file"):
        ServiceSettings.from_env({"NOCRX_API_KEYS_FILE": str(tmp_path / "missing")})


@pytest.fixture
def keyed(make_client: Any) -> Client:
    return make_client(api_key_hashes=frozenset({hash_key("s3cret-key")}))


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": "s3cret-key"},
        {"Authorization": "Bearer s3cret-key"},
        {"Authorization": "bearer s3cret-key"},
    ],
    ids=["x-api-key", "bearer", "bearer-lowercase"],
)
def test_a_configured_key_opens_v1(keyed: Client, headers: dict[str, str]) -> None:
    assert keyed.get("/v1/payers", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "API_KEY_MISSING"), ({"X-API-Key": "wrong"}, "API_KEY_INVALID"),
     ({"Authorization": "Basic czNjcmV0LWtleQ=="}, "API_KEY_MISSING")],
    ids=["none", "wrong", "basic-scheme"],
)  # fmt: skip
def test_v1_without_a_good_key_is_401(keyed: Client, headers: dict[str, str], code: str) -> None:
    for path in ("/v1/payers", "/v1/rules"):
        response = keyed.get(path, headers=headers)
        assert_problem(response, 401, code)
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert_problem(keyed.post("/v1/check", json={}, headers=headers), 401, code)


def test_healthz_and_page_need_no_key_and_say_keys_are_required(keyed: Client) -> None:
    assert keyed.get("/healthz").json()["api_keys_required"] is True
    assert keyed.get("/").status_code == 200


# ---- CDS Hooks JWT --------------------------------------------------------------------------


class Signer:
    """An EHR's key pair: signs CDS Hooks JWTs and publishes its public key."""

    def __init__(self, algorithm: str, kid: str) -> None:
        self.algorithm, self.kid = algorithm, kid
        if algorithm.startswith("ES"):
            self.private = ec.generate_private_key(ec.SECP384R1())
            self.jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwk.update({"kid": kid, "alg": algorithm, "use": "sig"})

    def pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def token(self, aud: str = SIGN_URL, **changes: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": aud, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
        claims.update(changes)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(
            claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid, "typ": "JWT"}
        )


@pytest.fixture(scope="module")
def es384() -> Signer:
    return Signer("ES384", "ehr-es384")


@pytest.fixture(scope="module")
def rs384() -> Signer:
    return Signer("RS384", "ehr-rs384")


@pytest.fixture
def cds_client(make_client: Any, tmp_path: Path, es384: Signer, rs384: Signer) -> Client:
    (tmp_path / "ehr.jwks").write_text(json.dumps({"keys": [es384.jwk]}), "utf-8")
    (tmp_path / "ehr2.pem").write_bytes(rs384.pem())
    issuers = {ISSUER: {"jwks_file": "ehr.jwks"}, "https://other-ehr.example.org": {"pem_file": "ehr2.pem"}}
    (tmp_path / "issuers.json").write_text(json.dumps(issuers), "utf-8")
    return make_client(cds_issuers_file=tmp_path / "issuers.json")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_signed_jwt_from_a_trusted_issuer_is_accepted(cds_client: Client, es384: Signer) -> None:
    response = cds_client.post("/cds-services/nocrx-order-sign", json=HOOK, headers=bearer(es384.token()))
    assert response.status_code == 200
    assert response.json() == {"cards": []}


def test_a_pem_configured_issuer_with_rs384_is_accepted(cds_client: Client, rs384: Signer) -> None:
    token = rs384.token(iss="https://other-ehr.example.org")
    assert (
        cds_client.post("/cds-services/nocrx-order-sign", json=HOOK, headers=bearer(token)).status_code == 200
    )


def test_discovery_needs_a_jwt_whose_aud_is_the_discovery_url(cds_client: Client, es384: Signer) -> None:
    assert_problem(cds_client.get("/cds-services"), 401, "JWT_MISSING")
    good = cds_client.get("/cds-services", headers=bearer(es384.token(aud=BASE_URL + "/cds-services")))
    assert good.status_code == 200


def test_aud_may_be_a_list(cds_client: Client, es384: Signer) -> None:
    token = es384.token(aud=[SIGN_URL])
    assert (
        cds_client.post("/cds-services/nocrx-order-sign", json=HOOK, headers=bearer(token)).status_code == 200
    )


def test_public_url_sets_the_expected_audience(make_client: Any, tmp_path: Path, es384: Signer) -> None:
    (tmp_path / "issuers.json").write_text(json.dumps({ISSUER: {"jwks": {"keys": [es384.jwk]}}}), "utf-8")
    client = make_client(cds_issuers_file=tmp_path / "issuers.json", public_url="https://cds.example.org")
    url = "/cds-services/nocrx-order-sign"
    wrong = client.post(url, json=HOOK, headers=bearer(es384.token()))
    assert_problem(wrong, 401, "JWT_WRONG_AUDIENCE")
    right = client.post(url, json=HOOK, headers=bearer(es384.token(aud="https://cds.example.org" + url)))
    assert right.status_code == 200


def test_a_replayed_jti_is_refused(cds_client: Client, es384: Signer) -> None:
    token = es384.token()
    assert (
        cds_client.post("/cds-services/nocrx-order-sign", json=HOOK, headers=bearer(token)).status_code == 200
    )
    again = cds_client.post("/cds-services/nocrx-order-sign", json=HOOK, headers=bearer(token))
    assert_problem(again, 401, "JWT_REPLAYED")


def _hs256_token() -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": SIGN_URL, "exp": now + 60, "iat": now, "jti": "x"}
    return jwt.encode(claims, "shared-secret-of-32-bytes-or-more!!", algorithm="HS256",
                      headers={"kid": "ehr-es384"})  # fmt: skip


@pytest.mark.parametrize(
    ("make_token", "code"),
    [
        (lambda s: s.token(exp=int(time.time()) - 120, iat=int(time.time()) - 400), "JWT_EXPIRED"),
        (lambda s: s.token(aud=BASE_URL + "/cds-services/other"), "JWT_WRONG_AUDIENCE"),
        (lambda s: s.token(iss="https://evil.example"), "JWT_UNTRUSTED_ISSUER"),
        (lambda s: s.token(jti=None), "JWT_MISSING_CLAIM"),
        (lambda s: s.token(iat=None), "JWT_MISSING_CLAIM"),
        (lambda s: s.token(iat=int(time.time()) + 600, exp=int(time.time()) + 900), "JWT_NOT_YET_VALID"),
        (lambda s: s.token(exp=int(time.time()) + 7200), "JWT_LIFETIME_TOO_LONG"),
        (lambda s: s.token()[:-6] + "AAAAAA", "JWT_BAD_SIGNATURE"),
        (lambda s: Signer("ES384", "ehr-es384").token(), "JWT_BAD_SIGNATURE"),
        (lambda s: Signer("ES384", "unknown-kid").token(), "JWT_UNKNOWN_KEY"),
        (lambda s: _hs256_token(), "JWT_BAD_ALGORITHM"),
        (lambda s: "not.a.jwt", "JWT_MALFORMED"),
    ],
    ids=["expired", "wrong-aud", "untrusted-iss", "no-jti", "no-iat", "iat-in-future", "lives-too-long",
         "tampered", "other-key-same-kid", "unknown-kid", "hmac", "garbage"],
)  # fmt: skip
def test_bad_jwts_are_401_with_a_reason(
    cds_client: Client, es384: Signer, make_token: Any, code: str
) -> None:
    response = cds_client.post("/cds-services/nocrx-order-sign", json=HOOK, headers=bearer(make_token(es384)))
    assert_problem(response, 401, code)


def test_v1_api_keys_and_cds_jwt_are_independent(cds_client: Client) -> None:
    assert cds_client.get("/v1/payers").status_code == 200
