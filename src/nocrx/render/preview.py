"""What `nocrx check` shows under a verdict: the line's 837P segments and its CMS-1500 24A text.

Pure: a decided line in, text out. A line that cannot be rendered (no code yet, an NDC without a
quantity ...) gets one sentence saying why instead of segments.
"""

from __future__ import annotations

from nocrx.errors import NocrxError
from nocrx.model import Evaluation
from nocrx.render.cms1500 import render_cms1500
from nocrx.render.x12_837 import render_evaluation_837p
from nocrx.render.x12_syntax import Separators


def claim_preview(evaluation: Evaluation) -> str:
    """Return the 837P loop 2400/2410 segments and the CMS-1500 item 24A shaded line, or why not.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from nocrx.model import ClaimLine
    >>> from nocrx.render.lines import evaluation_from_line
    >>> line = ClaimLine(date(2025, 11, 14), hcpcs="J3490", units=Decimal(1), charge=Decimal(5),
    ...                  diagnoses=("C50.911",), narrative="Drug 5 mg IV")
    >>> print(claim_preview(evaluation_from_line(line)))
    837P loop 2400      LX*1~ SV1*HC:J3490:::::Drug 5 mg IV*5*UN*1***1~ DTP*472*D8*20251114~
    CMS-1500 24A        (no NDC on this line)
    """
    try:
        segments = render_evaluation_837p(evaluation, Separators(line_break=False))
        form = render_cms1500([evaluation])
    except NocrxError as error:
        return f"claim output: not yet renderable: {error}"
    loops = "837P loop 2400/2410" if "LIN*" in segments else "837P loop 2400"
    shaded = " / ".join(row.shaded for row in form.item_24 if row.shaded) or "(no NDC on this line)"
    return f"{loops:<20}{segments.replace('~', '~ ').strip()}\n{'CMS-1500 24A':<20}{shaded}"
