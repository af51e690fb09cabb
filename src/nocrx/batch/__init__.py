"""Batch scrubbing: 837 files in, a report of every service line out, locally or on Dask.

    plan_units(paths) -> WorkUnit (a file, or a run of its interchanges)
    scrub_unit(unit, checker) -> UnitResult (one report row per service line, plus issues)
    run_scrub(paths, report, ...) -> Summary (local or Dask engine, --resume, atomic report)

Modules: classify (which lines are drug lines), units (splitting files), rows (a ReadLine or
Evaluation as a report row), scrub (the local engine), progress (which units are done, for
--resume, and where their rows are), dask_engine (the Dask engine),
transactions (a big interchange cut into runs of transaction sets for Dask), report
(JSONL/CSV/HTML writers and the summary). Uses nocrx.x12, nocrx.checker and nocrx.model;
Dask only inside dask_engine; never logs patient data or free text.
"""

from nocrx.batch.classify import is_drug_code, is_drug_line
from nocrx.batch.scrub import ScrubOptions, run_scrub
from nocrx.batch.units import WorkUnit, plan_units

__all__ = ["ScrubOptions", "WorkUnit", "is_drug_code", "is_drug_line", "plan_units", "run_scrub"]
