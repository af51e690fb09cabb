"""The one entry point the CLI, the API and batch share: decide a line, then check it.

``Checker(store).check(line)`` returns an Evaluation (code, units, modifiers, findings,
status, narrative); ``decide`` alone answers only "which code, how many units".
"""

from __future__ import annotations

from nocrx.data.store import Store
from nocrx.decide import decide
from nocrx.model import ClaimLine, Decision, Evaluation, sort_findings


class Checker:
    """Decides and checks claim lines against one open store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def decide(self, line: ClaimLine) -> Decision:
        return decide(line, self.store)

    def check(self, line: ClaimLine) -> Evaluation:
        decision = self.decide(line)
        findings = sort_findings(decision.findings)
        status = (
            "errors"
            if any(f.severity == "error" for f in findings)
            else ("warnings" if any(f.severity == "warning" for f in findings) else "ok")
        )
        return Evaluation(
            line=line, decision=decision, payer_id=line.payer or "medicare", findings=findings, status=status
        )
