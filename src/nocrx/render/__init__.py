"""Claim output: decided lines in, 837P/837I segments, CMS-1500/UB-04 fields, a FHIR Claim or a PDF out.

Pure functions with no I/O (the CLI writes files). Imports nocrx.model, nocrx.errors, nocrx.codes
and nocrx.contract, plus fhir.resources (fhir_claim) and reportlab (cms1500_pdf); never the store,
typer or fastapi.

    lines         service_lines(evaluation): the facts every format lays out (compounds split per NDC)
    x12_syntax    segments as data, separators, escaping, X12 number and date formats
    x12_837       loop 2400/2410 segments and text, claim-level drug facts (REF*P4, PWK, HI BG/BE)
    claim         the claim JSON (parties, envelope, lines in the core input contract)
    interchange   write_interchange(claim, evaluations): a whole ISA ... IEA 837P or 837I
    cms1500       item 19, 21, 24 (24A shaded NDC line) fields; cms1500_pdf draws them
    ub04          FL42-47, FL80, condition/value codes
    fhir_claim    a FHIR R4 Claim validated with fhir.resources
    formats       render_claim(claim, evaluations, format): one dispatch for the CLI and API
    preview       claim_preview(evaluation): the 837P and 24A text `nocrx check` shows
"""
