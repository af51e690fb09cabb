"""The audit log of decisions: one JSON line per decided line, identifying the request, no PHI.

Each record holds the request id, time, endpoint, payer, HCPCS sent, NDC-11, code decided,
status and finding codes: enough to answer "what did nocrx tell this caller, and when"
without names, member ids, dates of birth or free text (STYLE.md 5).
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from nocrx.model import Evaluation

logger = logging.getLogger("nocrx.audit")


class AuditLog:
    """Appends JSON lines to a file (if configured) and to the ``nocrx.audit`` logger."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, request_id: str | None, endpoint: str, evaluation: Evaluation) -> None:
        decision = evaluation.decision
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id,
            "endpoint": endpoint,
            "payer": evaluation.payer_id,
            "hcpcs": evaluation.line.hcpcs,
            "ndc_11": decision.ndc_11,
            "code": decision.code,
            "units": None if decision.units is None else str(decision.units),
            "status": evaluation.status,
            "findings": [f.code for f in evaluation.findings],
        }
        text = json.dumps(entry, separators=(",", ":"))
        logger.info("%s", text)
        if self.path is not None:
            with self._lock, self.path.open("a", encoding="utf-8") as out:
                out.write(text + "\n")
