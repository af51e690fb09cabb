"""The one entry point the CLI, the API and batch share: decide a line, then check it.

``Checker(store).check(line)`` returns an Evaluation (code, units, modifiers, findings,
status, narrative, price) for the line's payer (``medicare`` when it names none);
``decide`` alone answers only "which code, how many units".
"""

from __future__ import annotations

from nocrx.data.store import Store
from nocrx.decide import decide
from nocrx.model import ClaimLine, Decision, Evaluation, sort_findings
from nocrx.payers import PayerProfile, PayerRegistry, load_payers
from nocrx.rules.engine import evaluate
from nocrx.settings import Settings

DEFAULT_PAYER = "medicare"


class Checker:
    """Decides and checks claim lines against one open store and a payer registry.

    Without ``payers`` the shipped profiles are loaded, plus those in ``NOCRX_PAYERS``.
    """

    def __init__(self, store: Store, payers: PayerRegistry | None = None) -> None:
        self.store = store
        self.payers = payers if payers is not None else load_payers(Settings.from_env().payers_dir)

    def profile(self, line: ClaimLine) -> PayerProfile:
        """The line's payer profile in force on its date of service (UnknownPayer if none)."""
        return self.payers.get((line.payer or DEFAULT_PAYER).strip().lower(), line.date_of_service)

    def decide(self, line: ClaimLine) -> Decision:
        return decide(line, self.store, compounded_code=self.profile(line).compound_code)

    def code_only(self, line: ClaimLine) -> Evaluation:
        """The decision alone as an Evaluation (`nocrx code`): its own findings, no claim-line rules."""
        decision = self.decide(line)
        findings = sort_findings(decision.findings)
        severities = {f.severity for f in findings}
        status = "errors" if "error" in severities else "warnings" if "warning" in severities else "ok"
        return Evaluation(line, decision, line.payer or DEFAULT_PAYER, findings, status)

    def check(self, line: ClaimLine) -> Evaluation:
        profile = self.profile(line)
        decision = decide(line, self.store, compounded_code=profile.compound_code)
        return evaluate(line, decision, profile, store=self.store)
