"""Store.product() answers the same from the table chosen at import as from the FDA rows themselves."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from nocrx.data.importer import import_paths
from nocrx.data.records import ParsedFile
from nocrx.data.store import Store


def _by_queries(store: Store) -> Store:
    """The store, made to answer product() from fda_products and fda_packages as if never indexed."""
    store.memoised(("derived_is_current", "fda_ndc_products"), lambda: False)
    return store


def _sample_ndcs(store: Store) -> list[str]:
    """Packages of every release, products without a listed package, formulary and unknown NDCs."""
    db = store._db
    ndcs = [r[0] for r in db.execute("SELECT DISTINCT ndc_11 FROM fda_packages ORDER BY ndc_11 LIMIT 3000")]
    ndcs += [
        r[0]
        for r in db.execute(
            "SELECT ndc_11 FROM fda_packages WHERE source_id = (SELECT max(source_id) FROM fda_packages)"
        )
    ]
    ndcs += [
        r[0] + "99" for r in db.execute("SELECT product_ndc_9 FROM fda_products ORDER BY random() LIMIT 3000")
    ]
    ndcs += [r[0] for r in db.execute("SELECT ndc_11 FROM asp_crosswalk WHERE ndc_11 IS NOT NULL LIMIT 1000")]
    return [*dict.fromkeys(ndcs), "00000000000", "99999999999"]


def test_the_import_chooses_each_ndcs_product_once(loaded_store_path: Path) -> None:
    with Store(loaded_store_path) as store:
        assert store._derived_is_current("fda_ndc_products")
        assert store.index_fda_products() is False  # already built from these releases


def test_the_chosen_product_is_the_one_the_fda_rows_give(loaded_store_path: Path) -> None:
    with Store(loaded_store_path) as indexed, Store(loaded_store_path) as queried:
        _by_queries(queried)
        for ndc_11 in _sample_ndcs(indexed):
            assert indexed.product(ndc_11) == queried.product(ndc_11), ndc_11


def test_a_new_fda_release_is_read_from_its_rows_until_the_next_import(
    loaded_store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite3"
    shutil.copy(loaded_store_path, path)
    with Store(path) as store:
        assert store.product("99999000101") is None
        newer = ParsedFile(
            "fda_products", "2030-01-01", date(2030, 1, 1), None,
            [{"product_id": "NEW", "product_ndc": "99999-0001", "product_ndc_9": "999990001",
              "proprietary_name": "Newdrug", "is_unfinished": 0, "marketing_category": "BLA"}],
        )  # fmt: skip
        store.load(newer, source_file="new.txt", sha256="0" * 64)
        assert not store._derived_is_current("fda_ndc_products")
        found = store.product("99999000101")
        assert found is not None
        assert (found.proprietary_name, found.source) == ("Newdrug", "fda_products 2030-01-01")
        import_paths(store, [])  # an import (of anything) chooses the products again
        assert store._derived_is_current("fda_ndc_products")
        assert store.product("99999000101") == found


def test_formulary_entries_read_whole_or_one_by_one_agree(fixtures: Path) -> None:
    with Store() as whole, Store() as one_by_one:
        for store in (whole, one_by_one):
            import_paths(store, [fixtures / "practice_formulary.csv"])
        one_by_one.memoised(("formulary_index",), lambda: None)  # as for a formulary too large to hold
        for ndc_11 in ("00074104401", "00006302602", "59572073021", "00000000000"):
            assert whole.formulary_entry(ndc_11) == one_by_one.formulary_entry(ndc_11)
        assert whole.formulary_entry("00006302602") is not None
        assert whole.product("59572073021") == one_by_one.product("59572073021")
