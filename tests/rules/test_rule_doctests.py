"""The examples in the rules modules' docstrings run and hold."""

from __future__ import annotations

import doctest

import pytest

from nocrx.rules import engine, narrative
from nocrx.rules.checks import administration, identification


@pytest.mark.parametrize(
    "module", [engine, narrative, administration, identification], ids=lambda m: m.__name__
)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
