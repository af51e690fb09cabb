"""The streaming 837 reader: X12 5010 837P/837I files in, ClaimLines with their claim context out.

    read_837(path) -> ReadLine (one per SV1/SV2 service line) and Issue (envelope problems)

Modules: tokenizer (encoding, separators, 1 MiB chunks -> segments), walker (envelopes,
claims, lines), lines (segments -> nocrx.model.ClaimLine), payers (payer -> profile id),
records (output dataclasses), reader (entry points). Imports nocrx.model and nocrx.errors
only; no I/O beyond reading the input file.
"""

from nocrx.x12.payers import PayerMap, load_payer_map
from nocrx.x12.reader import Interchange, read_837, scan_interchanges
from nocrx.x12.records import ISSUE_CODES, ClaimContext, Issue, Position, ReadLine

__all__ = [
    "ISSUE_CODES",
    "ClaimContext",
    "Interchange",
    "Issue",
    "PayerMap",
    "Position",
    "ReadLine",
    "load_payer_map",
    "read_837",
    "scan_interchanges",
]
