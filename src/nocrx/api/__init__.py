"""The HTTP service: FastAPI app, CDS Hooks services, API keys, errors as problem+json.

Run it with ``nocrx serve`` (binds 127.0.0.1:8000; OpenAPI at /docs). Routes:

    POST /v1/check             the input contract (nocrx.contract) -> decision, findings,
                               narrative and renderings (837P loop 2400/2410, CMS-1500 24A)
    POST /v1/fhir/check        a FHIR R4 Bundle -> Bundle of an OperationOutcome and a draft Claim
    GET  /v1/payers, /v1/rules the payer profiles and the rule catalog
    GET  /cds-services         CDS Hooks 2.0 discovery; POST /cds-services/nocrx-order-select,
                               /cds-services/nocrx-order-sign -> {"cards": [...]}
    GET  /healthz              liveness, and whether keys / JWTs are required
    GET  /                     the web page (nocrx.web)

Security: /v1 needs an API key (X-API-Key or Authorization: Bearer) when NOCRX_API_KEYS or
NOCRX_API_KEYS_FILE names any (kept as SHA-256 only); CDS Hooks calls need the spec's signed
JWT when NOCRX_CDS_ISSUERS names trusted issuers (see config.py and auth.py). With neither set
the service is open, which ``nocrx serve`` allows only on a loopback address unless
--allow-no-auth is given. Bodies over NOCRX_MAX_BODY_BYTES (1 MiB) get 413. Every decision is
written to the audit log (NOCRX_AUDIT_LOG, JSON lines) without PHI.

Modules: app (create_app, middleware), claims (/v1), cds_hooks + cards (CDS Hooks), auth,
config, problems (error -> HTTP), service (shared state), catalogs (payers, rules,
renderings), audit. May import everything in nocrx; nothing in nocrx imports it.
"""
