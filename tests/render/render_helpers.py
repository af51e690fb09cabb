"""Helpers for the render tests: pyx12 validation in-process, decided lines built from the model."""

from __future__ import annotations

import io
import json
import logging
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from nocrx.model import ClaimLine, Decision, Evaluation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def pyx12_errors(text: str) -> list[str]:
    """Validate an 837 with pyx12 (x12n_document, the library behind x12valid); return every error.

    Reads both the validity flag and the JSON error report (interchange, group, transaction,
    segment and element errors), and the 999 acknowledgement's IK5/AK9 acceptance codes.
    """
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    _cache_maps()
    ack, report = io.StringIO(), io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(), src_file=io.StringIO(text), fd_997=ack, fd_html=None, fd_json=report
    )
    errors: list[str] = []
    _collect(json.loads(report.getvalue()), errors)
    if "IK5*A" not in ack.getvalue() or "AK9*A" not in ack.getvalue():
        errors.append("999 does not accept the transaction: " + ack.getvalue().replace("\n", " ")[-200:])
    if not valid and not errors:
        errors.append("pyx12 reports the file invalid")
    return errors


_MAPS: dict[tuple[Any, ...], Any] = {}


def _cache_maps() -> None:
    """Parse each pyx12 map XML once per test session (parsing is 95% of a validation's time).

    The walker's loop and segment counters live in a fresh walk_tree per document, not in the
    map, so a parsed map can be shared; test_validator_still_finds_errors guards this.
    """
    import pyx12.map_if

    original = pyx12.map_if.load_map_file
    if getattr(original, "cached", False):
        return

    def load_map_file(map_file: str, param: Any, map_path: str | None = None) -> Any:
        key = (map_file, map_path)
        if key not in _MAPS:
            _MAPS[key] = original(map_file, param, map_path)
        return _MAPS[key]

    load_map_file.cached = True  # type: ignore[attr-defined]
    pyx12.map_if.load_map_file = load_map_file


def _collect(node: Any, errors: list[str]) -> None:
    if isinstance(node, dict):
        for error in node.get("errors") or []:
            where = node.get("seg_id") or node.get("name") or node.get("trn_set_id") or "envelope"
            errors.append(f"{where}: {error.get('err_str')}")
        for value in node.values():
            _collect(value, errors)
    elif isinstance(node, list):
        for value in node:
            _collect(value, errors)


def decided(line: ClaimLine, *, code: str | None = None, units: str | None = None,
            modifiers: tuple[str, ...] | None = None, ndc_11: str | None = None,
            narrative: str | None = None, overflow: str | None = None) -> Evaluation:  # fmt: skip
    """An Evaluation as Checker returns it: the renderers' real input, built from the model."""
    chosen = code or line.hcpcs
    decision = Decision(
        code=chosen,
        kind="noc" if chosen in ("J3490", "J3590", "J9999", "J7999", "C9399") else "specific",
        units=Decimal(units) if units is not None else line.units,
        ndc_11=ndc_11,
        modifiers=modifiers if modifiers is not None else line.modifiers,
    )
    return Evaluation(line=line, decision=decision, payer_id="medicare", findings=(), status="ok",
                      narrative=narrative, narrative_overflow=overflow)  # fmt: skip


def plain_line(**fields: Any) -> ClaimLine:
    values: dict[str, Any] = {"date_of_service": date(2025, 11, 14), "hcpcs": "J3490", "units": Decimal(1),
                              "charge": Decimal("100.00"), "diagnoses": ("C50.911",)}  # fmt: skip
    values.update(fields)
    return ClaimLine(**values)


def example_claim(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
