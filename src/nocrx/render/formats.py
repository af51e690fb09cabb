"""One entry point for every output format: a parsed claim and its decided lines in, text or PDF out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from nocrx.errors import InvalidInput
from nocrx.model import Evaluation
from nocrx.render.claim import Claim

FORMATS = ("837p", "837i", "cms1500", "ub04", "fhir", "cms1500-pdf")


def render_claim(
    claim: Claim, evaluations: Sequence[Evaluation], chosen: str, *, implementation: str | None = None
) -> str | bytes:
    """Render a claim in one of FORMATS; 837p/837i override the claim's own type. PDF is bytes."""
    if chosen not in FORMATS:
        raise InvalidInput(f'format must be one of {", ".join(FORMATS)}; got "{chosen}".', field="format")
    if chosen in ("837p", "837i"):
        from nocrx.render.interchange import write_interchange

        kind = "professional" if chosen == "837p" else "institutional"
        return write_interchange(replace(claim, type=kind), evaluations, implementation=implementation)
    if chosen in ("cms1500", "cms1500-pdf"):
        from nocrx.render.cms1500 import render_cms1500

        form = render_cms1500(evaluations, claim)
        if chosen == "cms1500":
            return json.dumps(form.to_dict(), indent=2) + "\n"
        from nocrx.render.cms1500_pdf import render_cms1500_pdf

        return render_cms1500_pdf(form)
    if chosen == "ub04":
        from nocrx.render.ub04 import render_ub04

        return json.dumps(render_ub04(evaluations).to_dict(), indent=2) + "\n"
    from nocrx.render.fhir_claim import render_fhir_claim

    return json.dumps(render_fhir_claim(evaluations, claim), indent=2) + "\n"
