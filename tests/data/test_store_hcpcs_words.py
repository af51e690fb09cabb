"""Store.hcpcs_search answers the same from the word table built at import as from the descriptors."""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

from nocrx.data.importer import import_paths
from nocrx.data.records import ParsedFile
from nocrx.data.store import Store, _words


def _unindexed(store: Store) -> Store:
    """The store, made to search the descriptors themselves, as if the word table were never built."""
    store.memoised(("derived_is_current", "hcpcs_words"), lambda: False)
    return store


def _sample_words(store: Store) -> list[str]:
    """Words of a few hundred descriptors, their prefixes, and words no descriptor has."""
    db = store._db
    texts = [r[0] for r in db.execute("SELECT long_description FROM hcpcs_codes ORDER BY rowid LIMIT 400")]
    texts += [r[0] for r in db.execute("SELECT long_description FROM hcpcs_codes WHERE hcpcs LIKE 'J9%'")]
    words = sorted({word for text in texts for word in _words(text or "")})
    random.Random(3).shuffle(words)
    prefixes = [word[:4] for word in words[:200]]
    odd = ["Pembrolizumab", "vedotin-tllv", "mg", "", "zz-not-a-word", "ÉPOETIN", "injection,"]
    return [*words[:1500], *prefixes, *odd]


def test_the_import_splits_the_descriptors_into_words_once(loaded_store_path: Path) -> None:
    with Store(loaded_store_path) as store:
        assert store._derived_is_current("hcpcs_words")
        assert store.index_hcpcs_words() is False  # already built from these releases


def test_the_word_table_finds_the_codes_the_descriptors_name(loaded_store_path: Path) -> None:
    with Store(loaded_store_path) as indexed, Store(loaded_store_path) as scanned:
        _unindexed(scanned)
        for release in indexed.releases("hcpcs"):
            for word in _sample_words(indexed):
                assert indexed.hcpcs_search(release, word) == scanned.hcpcs_search(release, word), word
        assert [c.hcpcs for c in indexed.hcpcs_search(release, "pembrolizumab")] == ["C9027", "J9271"]


def test_a_new_hcpcs_release_is_searched_in_its_descriptors_until_the_next_import(
    loaded_store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite3"
    shutil.copy(loaded_store_path, path)
    with Store(path) as store:
        newer = ParsedFile(
            "hcpcs", "2030q1", date(2030, 1, 1), date(2030, 3, 31),
            [{"hcpcs": "J9990", "long_description": "Injection, newmab-abcd, 1 mg", "is_modifier": 0}],
        )  # fmt: skip
        store.load(newer, source_file="new.txt", sha256="0" * 64)
        assert not store._derived_is_current("hcpcs_words")
        release = store.releases("hcpcs")[-1]
        found = store.hcpcs_search(release, "NEWMAB")
        assert [c.hcpcs for c in found] == ["J9990"]
        import_paths(store, [])  # an import (of anything) splits the descriptors again
        assert store._derived_is_current("hcpcs_words")
    with Store(path) as reopened:
        assert reopened.hcpcs_search(release, "newmab") == found
