"""import_paths: folders in, one result per file, official files before copies, idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nocrx.data.importer import import_paths
from nocrx.data.store import Store
from nocrx.errors import DataFileError

EXPECTED_RELEASES = {
    ("hcpcs", "2025q4"): 8846,
    **{("asp_crosswalk", q): n for q, n in (("2024q4", 7429), ("2025q1", 7172), ("2025q2", 7585),
                                            ("2025q3", 7873), ("2025q4", 8245), ("2026q1", 7125))},
    **{("asp_pricing", q): n for q, n in (("2024q4", 865), ("2025q1", 877), ("2025q2", 942), ("2025q3", 970),
                                          ("2025q4", 1012), ("2026q1", 877))},
    ("noc_crosswalk", "2025q4"): 2,
    ("noc_pricing", "2025q4"): 1,
    ("opps_addendum_b", "2025q4"): 7363,
    ("noc_codes", "2019"): 141,
    ("fda_products", "2025-07-11"): 72,
    ("fda_packages", "2025-07-11"): 100,
    ("fda_products", "2018-06-25-unfinished"): 21478,
    ("fda_packages", "2018-06-25-unfinished"): 35321,
    ("fda_products", "2025-12-reduced"): 114362,
}  # fmt: skip


def test_shared_data_loads_every_official_release(loaded_store: Store) -> None:
    loaded = {(r.kind, r.release): r.row_count for r in loaded_store.releases()}
    assert loaded == EXPECTED_RELEASES
    originals = {r.source_file for r in loaded_store.releases() if r.kind in ("asp_crosswalk", "asp_pricing")}
    assert all("/original/" in name for name in originals)  # the CMS files, not the clean copies
    reduced = next(r for r in loaded_store.releases("fda_products") if r.release == "2025-12-reduced")
    assert "third-party reduced derivative" in (reduced.notes or "")


def test_second_import_changes_nothing(loaded_store_path: Path, shared_data: Path) -> None:
    with Store(loaded_store_path) as store:
        before = store.releases()
        results = import_paths(store, [shared_data])
        assert store.releases() == before
    by_status: dict[str, list[str]] = {}
    for result in results:
        by_status.setdefault(result.status, []).append(Path(result.file.split("!")[-1]).name)
        assert result.status in ("unchanged", "skipped"), result
        assert result.status == "unchanged" or result.reason, result
    assert len(by_status["unchanged"]) == len(EXPECTED_RELEASES)
    assert {
        "PROVENANCE.md", "crosswalk_introduction_text.txt", "openfda_harmonized_sample_2018_original.jsonl",
        "openfda_harmonized_sample_2018_products.csv", "unfinished_product.xls", "NOC_Codes_2019.prn",
        "asp_ndc_hcpcs_crosswalk_2025q4.csv", "HCPC2025_OCT_ANWEB.csv", "finished_product_ndc_reduced_2025-12.csv.gz",
    } <= set(by_status["skipped"])  # fmt: skip


@pytest.fixture
def mixed_folder(tmp_path: Path, fixtures: Path) -> Path:
    """An official crosswalk, a clean copy of it, a formulary, a note, a bad file and a hidden one."""
    root = tmp_path / "data"
    official = fixtures / "crosswalk_cp1252_with_title_lines.csv"
    (root / "b").mkdir(parents=True)
    shutil.copy(official, root / "b" / official.name)
    lines = official.read_bytes().decode("cp1252").splitlines()[8:]
    (root / "a_clean").mkdir()
    (root / "a_clean" / "crosswalk_2025q4.csv").write_text(
        "\n".join(line.rstrip(",") for line in lines) + "\n"
    )
    shutil.copy(fixtures / "practice_formulary.csv", root / "practice_formulary.csv")
    (root / "notes.txt").write_text("Remember to order more vials.\n")
    (root / "broken_2025q4.csv").write_text(
        "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Co-insurance Percentage\n"
        "J9271,Inj pembrolizumab,1 MG,about sixty,20\n"
    )
    (root / ".cache").mkdir()
    (root / ".cache" / "x.csv").write_text("NDC,Name\n1,2\n")
    return root


def test_mixed_folder_first_and_second_run(mixed_folder: Path, fresh_store: Store) -> None:
    first = {Path(r.file).name: r for r in import_paths(fresh_store, [mixed_folder])}
    assert set(first) == {"crosswalk_cp1252_with_title_lines.csv", "crosswalk_2025q4.csv", "practice_formulary.csv",
                          "notes.txt", "broken_2025q4.csv"}  # fmt: skip
    assert (first["crosswalk_cp1252_with_title_lines.csv"].status, first["crosswalk_cp1252_with_title_lines.csv"].rows) \
        == ("loaded", 3)  # fmt: skip
    copy = first["crosswalk_2025q4.csv"]
    assert copy.status == "skipped"
    assert copy.reason.startswith("a converted copy of asp_crosswalk 2025q4")
    assert first["practice_formulary.csv"].status == "loaded"
    assert first["notes.txt"].status == "skipped"
    assert "not a recognised" in first["notes.txt"].reason
    broken = first["broken_2025q4.csv"]
    assert broken.status == "error"
    assert "broken_2025q4.csv line 2" in broken.reason
    assert "about sixty" in broken.reason
    second = {Path(r.file).name: r.status for r in import_paths(fresh_store, [mixed_folder])}
    assert second == {
        "crosswalk_cp1252_with_title_lines.csv": "unchanged",
        "crosswalk_2025q4.csv": "skipped",
        "practice_formulary.csv": "unchanged",
        "notes.txt": "skipped",
        "broken_2025q4.csv": "error",
    }


def test_another_file_for_a_loaded_release_needs_replace(
    tmp_path: Path, fixtures: Path, fresh_store: Store
) -> None:
    first = tmp_path / "formulary.csv"
    first.write_text("NDC,Name\n0006-3026-02,Keytruda\n")
    import_paths(fresh_store, [first])
    first.write_text("NDC,Name\n0006-3026-02,Keytruda\n0074-1044-01,Emrelis\n")
    [skipped] = import_paths(fresh_store, [first])
    assert skipped.status == "skipped"
    assert "--replace" in skipped.reason
    [replaced] = import_paths(fresh_store, [first], replace=True)
    assert (replaced.status, replaced.rows) == ("replaced", 2)
    assert fresh_store.releases("formulary")[0].row_count == 2


def test_bad_containers_are_results_not_exceptions(tmp_path: Path, fresh_store: Store) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "broken.csv.gz").write_bytes(b"\x1f\x8b\x08 not really gzip")
    results = {Path(r.file).name: r for r in import_paths(fresh_store, [tmp_path])}
    assert results["broken.zip"].status == "error"
    assert "broken.zip" in results["broken.zip"].reason
    assert results["broken.csv.gz"].status == "error"


def test_a_missing_path_is_a_data_file_error(tmp_path: Path, fresh_store: Store) -> None:
    with pytest.raises(DataFileError, match="is neither a file nor a folder"):
        import_paths(fresh_store, [tmp_path / "nope"])


def test_a_cms_style_zip_loads_its_members(tmp_path: Path, fixtures: Path, fresh_store: Store) -> None:
    import zipfile

    archive = tmp_path / "october-2025-asp-ndc-hcpcs-crosswalk.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(
            fixtures / "crosswalk_cp1252_with_title_lines.csv",
            "Section 508 version of Oct 2025 crosswalk.csv",
        )
        out.writestr("Read me.pdf", b"%PDF-1.4\n\x00\x01 binary")
    results = {r.file.split("!")[-1]: r for r in import_paths(fresh_store, [archive])}
    loaded = results["Section 508 version of Oct 2025 crosswalk.csv"]
    assert (loaded.status, loaded.kind, loaded.release, loaded.rows) == (
        "loaded",
        "asp_crosswalk",
        "2025q4",
        3,
    )
    assert results["Read me.pdf"].status == "skipped"
    [release] = fresh_store.releases("asp_crosswalk")
    assert release.source_file == f"{archive}!Section 508 version of Oct 2025 crosswalk.csv"
