"""Invoice pricing: codes the payer prices by invoice, unpriced NOC drugs, and the charge threshold."""

from __future__ import annotations

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules.context import CheckContext, finding

INVOICE_FIX = ("Attach the invoice showing the actual acquisition cost net of all discounts, rebates and "
               "chargebacks (not a superbill or packing slip)")  # fmt: skip


def invoice_reason(line: ClaimLine, profile: PayerProfile, context: CheckContext) -> tuple[str, str] | None:
    """Why the payer needs an invoice for this line (and the setting that says so), or None."""
    if context.code in profile.pricing_by_invoice:
        return f"{profile.name} prices {context.code} from the invoice", "pricing.by_invoice"
    threshold = profile.pricing_invoice_threshold
    if threshold > 0 and line.charge is not None and line.charge >= threshold:
        return (
            f"{profile.name} wants an invoice for drug charges of ${threshold} or more",
            "pricing.invoice_threshold",
        )
    if (
        context.is_noc
        and context.price is None
        and profile.pricing_invoice_when_unpriced
        and _priced(context)
    ):
        return ("the loaded NOC pricing file has no price for this drug, so it is contractor-priced "
                "(WAC or invoice)", "pricing.invoice_when_unpriced")  # fmt: skip
    return None


def _priced(context: CheckContext) -> bool:
    """True when a NOC pricing file covers the date, so "no price" means the drug is not on it."""
    return context.releases.noc_pricing is not None


def check_invoice(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """Flag invoice pricing; a line billed under an invoice-priced code needs its attachment."""
    reason = invoice_reason(line, profile, context)
    if reason is None:
        return ()
    why, setting = reason
    why = why[:1].upper() + why[1:]
    how = ("in 2300 PWK (PWK01 = OZ or the payer's type, PWK02 = transmission, PWK06 = control number)"
           if profile.pricing_attachment == "pwk" else "on paper, with a pointer in item 19")  # fmt: skip
    attachment = line.attachment
    if attachment is None and context.as_billed and setting == "pricing.by_invoice":
        return (finding("INVOICE_ATTACHMENT_MISSING", "attachment", f"{why}, and the line has no attachment.",
                        f"{INVOICE_FIX}, {how}.", profile, source=profile.source(setting)),)  # fmt: skip
    if attachment is not None and attachment.transmission != "AA" and not attachment.control_number:
        return (finding("INVOICE_ATTACHMENT_MISSING", "attachment.control_number",
                        f"{why}; the attachment sent by {attachment.transmission} has no control number (PWK06).",
                        "Give the attachment control number the payer will match the document to.", profile),)  # fmt: skip
    return (finding("PRICE_BY_INVOICE", "attachment", f"{why}.", f"{INVOICE_FIX}, {how}.", profile,
                    source=profile.source(setting), severity="info" if attachment else None),)  # fmt: skip
