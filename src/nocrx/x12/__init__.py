"""The streaming 837 reader: X12 5010 837P/837I files in, ClaimLines with their claim context out.

    read_837(path) -> ReadLine (one per SV1/SV2 service line) and Issue (envelope problems)

Decisions (see each module for the source):
- A file with no ISA (it starts at GS) gives one X12_NO_ISA error, then its lines are still
  read with separators guessed from GS (element after "GS", terminator after GS08), so they are
  accounted for; a file with neither ISA nor GS gives X12_NOT_X12 and no lines.
- 837P vs 837I comes from each line's segment (SV1/SV2), then CLM05-2 (B/A), then GS08/ST03;
  a guide that disagrees with the lines is an X12_KIND_MISMATCH warning.
- Setting: 837P "professional"; 837I "outpatient-hospital" unless CLM05-1 is an inpatient bill
  type (11, 18, 21, 41: paid per stay), which gives no setting.
- Wrong SE/GE/IEA counts and control numbers are warnings, never rejections.
- ReadLine.line is built on first access (then kept); errors in it surface as ReadLine.error.

Modules: tokenizer (encoding, separators, 1 MiB chunks -> segments), walker (envelopes,
claims, lines), blocks (a service line's loop seen before is recognised by its text, not read
again), lines (segments -> nocrx.model.ClaimLine), payers (payer -> profile id), records
(output dataclasses), reader (entry points). Imports nocrx.model and nocrx.errors
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
