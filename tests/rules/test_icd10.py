"""The ICD-10-CM cache answers exactly as the simple-icd-10-cm package, for every item it knows."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from nocrx.rules import icd10


@pytest.fixture(scope="module")
def package() -> ModuleType:
    return icd10._icd()  # about 4 s: the package parses its XML


@pytest.fixture(scope="module")
def cached(package: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> icd10.CodeSet:
    folder = tmp_path_factory.mktemp("cache")
    icd10.load_code_set(folder)  # built from the package and written
    assert len(list(folder.iterdir())) == 1
    code_set = icd10.load_code_set(folder)  # read back from the file
    return code_set


def package_status(icd: ModuleType, code: str) -> str:
    """What icd10.status answered before the cache, straight from the package."""
    dotted = icd10.normalise(code)
    if not icd.is_valid_item(dotted) or icd.is_chapter_or_block(dotted):
        return "invalid"
    return "billable" if icd.is_leaf(dotted) else "not-billable"


def package_description(icd: ModuleType, code: str) -> str:
    dotted = icd10.normalise(code)
    return str(icd.get_description(dotted)) if icd.is_valid_item(dotted) else ""


ODD_INPUTS = ["", " ", "1", "22", "C00-C14", "C00.-C14", "C34..90", "c3490", " c34.90 ", "C34.9X", "Z00.6",
              "B99", "b99.8", "X", "C34\tB", "C34\n", "é12", "V00.01XA", "S72.001A", "S72001a", "A00.0.0"]  # fmt: skip


def test_every_code_gets_the_package_answer(package: ModuleType, cached: icd10.CodeSet):
    codes = package.get_all_codes(with_dots=True)
    undotted = package.get_all_codes(with_dots=False)[::5]
    inputs = [*codes, *undotted, *(code.lower() for code in codes[::11]), *ODD_INPUTS]
    for code in inputs:
        dotted = icd10.normalise(code)
        assert cached.status(dotted) == package_status(package, code), code
        assert cached.description(dotted) == package_description(package, code), code


def test_statuses_cover_the_code_set(package: ModuleType, cached: icd10.CodeSet):
    statuses = {icd10.normalise(c): cached.status(icd10.normalise(c)) for c in package.get_all_codes()}
    assert statuses["C34.90"] == "billable"
    assert statuses["C34"] == "not-billable"
    assert cached.status("C00-C14") == cached.status("1") == "invalid"  # a block, a chapter
    assert cached.description("C00-C14") == package.get_description("C00-C14")
    assert sum(s == "billable" for s in statuses.values()) > 70_000


def test_a_stale_or_cut_cache_file_is_rebuilt(
    package: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    key = icd10.package_key()
    assert key
    path = icd10.cache_file(tmp_path, key)
    path.write_bytes(b'{"format": 2, "key": "another version"}\nC34.90\tN\t"x"\nend\n')
    assert icd10.CodeSet.loads(path.read_bytes(), key) is None
    code_set = icd10.load_code_set(tmp_path)
    assert code_set.status("C34.90") == "billable"
    assert icd10.CodeSet.loads(path.read_bytes(), key) == code_set
    assert icd10.CodeSet.loads(path.read_bytes()[:-100], key) is None  # cut short
    assert icd10.CodeSet.loads(b"garbage", key) is None

    monkeypatch.setattr(icd10, "package_key", lambda: key + " upgraded")
    upgraded = icd10.load_code_set(tmp_path)  # another package: its own file
    assert upgraded.data.split(b"\n", 1)[1] == code_set.data.split(b"\n", 1)[1]
    assert len(list(tmp_path.iterdir())) == 2


def test_an_unwritable_cache_folder_falls_back_to_the_package(package: ModuleType, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert icd10.load_code_set(blocker / "cache").status("C34") == "not-billable"
    assert not (blocker / "cache").exists()
