"""The package's public API: sorted, complete, lazily imported."""

import subprocess
import sys

import pytest

import nocrx


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert nocrx.__all__ == sorted(nocrx.__all__)
    for name in nocrx.__all__:
        assert getattr(nocrx, name) is not None, name


def test_every_public_name_is_the_object_its_module_defines() -> None:
    from nocrx.checker import Checker
    from nocrx.data.store import Store

    assert nocrx.Checker is Checker
    assert nocrx.Store is Store


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        nocrx.no_such_name  # noqa: B018 - the attribute access is the test


def test_import_nocrx_loads_none_of_the_heavy_modules() -> None:
    """`import nocrx` must stay cheap: the CLI's cold start pays for it."""
    code = "import sys, nocrx; print(sorted(m for m in sys.modules if m.startswith(('nocrx.', 'sqlite3'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_dir_lists_the_public_names() -> None:
    assert set(nocrx.__all__) <= set(dir(nocrx))
