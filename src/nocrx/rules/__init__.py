"""The rules engine: every reason a drug claim line gets denied, checked against one payer profile.

``engine.evaluate(line, decision, profile, store=...)`` runs the checks in ``checks/`` (each a small
function yielding Findings), builds the payer's narrative (``narrative``) and a price estimate
(``pricing``). ``catalog`` lists every finding code. Imports nocrx.model, codes, payers and (for
reads) the data store; never typer, fastapi or sqlite3 directly. Submodules are imported where
used: ``nocrx.payers`` imports ``nocrx.rules.catalog`` to validate severity overrides.
"""
