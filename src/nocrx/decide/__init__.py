"""Which code on this date of service: crosswalks, descriptors, the NOC choice and units.

Pure over the store: ``decide(line, store)`` reads reference data and returns a Decision with
its trace; it writes nothing and touches no network. May import nocrx.model, errors, codes
and data (records and the Store's read methods).
"""

from nocrx.decide.decision import decide
from nocrx.decide.noc_code import NOC_CODES, is_noc_code

__all__ = ["NOC_CODES", "decide", "is_noc_code"]
