"""The state one running service shares between requests: store, checker, keys, audit log.

Checks run on the event-loop thread, one at a time: a check is a few milliseconds of
memoised SQLite reads, and one thread means the Store's connection and memo never see
concurrent use.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import Request

from nocrx.api import catalogs
from nocrx.api.audit import AuditLog
from nocrx.api.auth import CDSClientVerifier, check_api_key, load_cds_issuers
from nocrx.api.config import ServiceSettings
from nocrx.api.problems import Problem
from nocrx.checker import Checker
from nocrx.data.store import BULK_AFTER, Store
from nocrx.errors import NocrxError
from nocrx.model import Amount, ClaimLine, Drug, Evaluation

logger = logging.getLogger(__name__)

# A drug found by name only (descriptor search) and one by NDC: together they touch every lazy table.
WARM_UP_DRUGS = (
    Drug(name="pembrolizumab", dose=Amount(Decimal(200), "mg"), route="intravenous"),
    Drug(ndc="0006-3026-02", dose=Amount(Decimal(200), "mg"), quantity=Amount(Decimal(8), "ML")),
)
JSON_TYPES = ("application/json", "application/fhir+json", "application/problem+json")


@dataclass
class Service:
    settings: ServiceSettings
    store: Store
    checker: Checker
    verifier: CDSClientVerifier
    audit: AuditLog
    payers: list[dict[str, Any]]
    payer_for: catalogs.PayerMatcher

    @classmethod
    def build(cls, settings: ServiceSettings, store: Store) -> Service:
        payers = _optional(lambda: catalogs.payer_summaries(settings.payers_dir), [])
        return cls(
            settings=settings, store=store, checker=Checker(store),
            verifier=load_cds_issuers(settings.cds_issuers_file), audit=AuditLog(settings.audit_log),
            payers=payers, payer_for=catalogs.payer_matcher(payers),
        )  # fmt: skip

    def check(self, line: ClaimLine, request_id: str | None, endpoint: str) -> Evaluation:
        evaluation = self.checker.check(line)
        self.audit.record(request_id, endpoint, evaluation)
        return evaluation

    def warm_up(self) -> None:
        """Check a few lines so lazy loads happen at startup, not in the first requests.

        The crosswalks (and, in a store imported before the hcpcs_words table, the HCPCS
        descriptors) are read whole into memory, and the ICD-10-CM tables loaded, on first use:
        CDS Hooks clients give a service a few seconds (CRD: 5 s at the 90th percentile), and the
        first order signed after a restart must not pay for them.
        """
        started = time.perf_counter()
        # One date inside each loaded HCPCS release: the shared answers are kept per release.
        self._build_store_indexes()
        releases = self.store.releases("hcpcs")
        days = {date.today(), *(r.effective_from for r in releases if r.effective_from)}
        for day in sorted(days):
            for drug in WARM_UP_DRUGS:
                try:
                    self.checker.check(ClaimLine(date_of_service=day, diagnoses=("C34.90",), drug=drug))
                except NocrxError as error:  # an empty store, say: the service still starts
                    logger.warning("warm-up check refused: %s", error.code)
        logger.info("warm-up took %.0f ms", (time.perf_counter() - started) * 1000)

    def _build_store_indexes(self) -> None:
        """Ask each bulk-indexed table BULK_AFTER distinct questions, so the store builds its index now.

        The store reads a whole table into memory once it has been asked BULK_AFTER times; a
        server will be, so it pays that second or so here instead of in someone's request.
        """
        for i in range(BULK_AFTER):
            dummy = f"{i:011d}"
            for release in self.store.releases("hcpcs"):
                self.store.hcpcs_search(release, f"warmup{i}")
            for release in self.store.releases("asp_crosswalk"):
                self.store.crosswalk_rows(release, dummy)
            for release in self.store.releases("noc_crosswalk"):
                self.store.noc_crosswalk_rows(release, dummy)

    def require_api_key(self, request: Request) -> None:
        check_api_key(self.settings.api_key_hashes, request.headers.get("x-api-key"),
                      request.headers.get("authorization"))  # fmt: skip

    def require_cds_client(self, request: Request) -> dict[str, Any] | None:
        """Verify the CDS Hooks JWT when issuers are configured; aud is this endpoint's URL."""
        if not self.verifier.enabled:
            return None
        base = self.settings.public_url or str(request.base_url).rstrip("/")
        return self.verifier.verify(request.headers.get("authorization"), base + request.url.path)


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _optional(provider: Any, default: Any) -> Any:
    """Call a provider from a part of nocrx that may not be installed in this build."""
    try:
        return provider()
    except ImportError as error:
        logger.warning("optional part missing: %s", error.name)
        return default


async def read_json(request: Request) -> Any:
    """The decoded JSON body, or a coded 4xx Problem (never the body's text in the message)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in JSON_TYPES:
        raise Problem(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
    body = await request.body()
    if not body.strip():
        raise Problem(400, "BODY_MISSING", "The request needs a JSON body.")
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise Problem(400, "MALFORMED_JSON", "The body is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise Problem(400, "MALFORMED_JSON",
                      f"The body is not valid JSON ({error.msg} at line {error.lineno} column {error.colno}).") from None  # fmt: skip
    except (ValueError, RecursionError):
        raise Problem(
            400, "MALFORMED_JSON", "The body is not valid JSON (NaN, Infinity or too deeply nested)."
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(name)
