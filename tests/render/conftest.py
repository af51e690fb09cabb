"""Render-test fixtures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from render_helpers import pyx12_errors


@pytest.fixture
def validate_837() -> Callable[[str], list[str]]:
    """Validate an 837 in-process with pyx12; the list of errors is empty for a valid file."""
    return pyx12_errors
