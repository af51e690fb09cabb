"""Payer profiles: one declarative TOML file per payer (profiles/), validated at load into frozen models.

``load_payers()`` returns the registry; ``registry.get("medicare-wps", day)`` the PayerProfile in
force on a date of service. Imports nocrx.model, nocrx.errors and nocrx.rules.catalog (to check
severity overrides name real finding codes); no I/O beyond reading the profile files.
"""

from nocrx.payers.registry import PayerProfile, PayerRegistry, load_payers

__all__ = ["PayerProfile", "PayerRegistry", "load_payers"]
