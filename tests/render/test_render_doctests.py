"""The docstring examples of nocrx.render run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "nocrx.render.cms1500", "nocrx.render.lines", "nocrx.render.preview", "nocrx.render.ub04",
    "nocrx.render.x12_syntax",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
