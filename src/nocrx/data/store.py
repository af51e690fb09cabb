"""The reference-data store: the only module that talks to SQLite.

One file (the user's data directory by default; ``NOCRX_DB`` or ``--db`` picks another) holds
every loaded release of every official file, with its source file, sha256, release and row
count in ``data_sources``. Reads used by the decision are memoised per store, because a batch
asks the same few questions (this NDC in that release) thousands of times.
"""

from __future__ import annotations

import itertools
import logging
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from nocrx.data.records import KIND_TABLE, KINDS, CrosswalkRow, HCPCSCode, ParsedFile, Release
from nocrx.errors import DataFileError
from nocrx.model import Product

logger = logging.getLogger(__name__)

T = TypeVar("T")
BULK_AFTER = 64  # questions to one table before a run reads it whole into memory
MMAP_BYTES = 256 * 1024 * 1024  # a full store is tens of MB: all of it fits
HCPCS_SCAN_AFTER = 2  # no hcpcs_words: a decision searches 1 word, a batch hundreds (a read ~ 15 scans)
FORMULARY_IN_MEMORY = 20_000  # rows; a practice formulary has hundreds, read whole on first use
LoadStatus = Literal["loaded", "replaced", "unchanged", "skipped"]
_UNKNOWN = object()  # not yet asked (None is an answer)
# The kinds of release each derived table is built from (Store.index_fda_products, index_hcpcs_words).
DERIVED_FROM = {"fda_ndc_products": ("fda_products", "fda_packages"), "hcpcs_words": ("hcpcs",)}


@dataclass(frozen=True, slots=True)
class LoadResult:
    status: LoadStatus
    release: Release
    reason: str


class Store:
    """An open reference-data store. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the API serves reads from a thread pool; writes are CLI-only.
        # timeout: wait for another process's import to finish instead of failing "database is locked".
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=60)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        # Reads through a memory map skip a copy per page: a batch's point reads take about a third less.
        self._db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        self._db.executescript(resources.files("nocrx.data").joinpath("schema.sql").read_text("utf-8"))
        self._memo: dict[tuple[Any, ...], Any] = {}
        # Tables read whole into dicts once a run has asked them BULK_AFTER questions (a batch),
        # so one-off commands stay fast to start and batches avoid a query per line.
        self._indexes: dict[Hashable, Any] = {}
        self._lookups: dict[Hashable, int] = {}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # ---- writing ---------------------------------------------------------------------------

    def load(self, parsed: ParsedFile, *, source_file: str, sha256: str, replace: bool = False) -> LoadResult:
        """Load one parsed file as a release; the same file twice changes nothing.

        A different file for a release already loaded is skipped unless ``replace`` is set,
        so a folder holding both an official file and a converted copy loads it once.
        """
        if parsed.kind not in KINDS:
            raise DataFileError(f'Unknown data kind "{parsed.kind}".')
        existing = self._release_row(parsed.kind, parsed.release)
        if existing is not None and existing.sha256 == sha256:
            return LoadResult("unchanged", existing, f"already loaded from {existing.source_file}")
        if existing is not None and not replace:
            return LoadResult(
                "skipped",
                existing,
                f"{parsed.kind} release {parsed.release} is already loaded from {existing.source_file} "
                "(use --replace to load this file instead)",
            )
        with self._db:
            if existing is not None:
                self._db.execute("DELETE FROM data_sources WHERE id = ?", (existing.id,))
            cursor = self._db.execute(
                "INSERT INTO data_sources (kind, release, effective_from, effective_to, source_file, sha256,"
                " row_count, loaded_at, source_url, notes) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    parsed.kind,
                    parsed.release,
                    _iso(parsed.effective_from),
                    _iso(parsed.effective_to),
                    source_file,
                    sha256,
                    0,  # counted below: parsers may stream their rows (FDA product.txt)
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    parsed.source_url,
                    parsed.notes,
                ),
            )
            source_id = cursor.lastrowid
            count = self._insert_rows(KIND_TABLE[parsed.kind], source_id, parsed.rows)
            self._db.execute("UPDATE data_sources SET row_count = ? WHERE id = ?", (count, source_id))
        self._memo.clear()
        self._indexes.clear()
        release = self._release_row(parsed.kind, parsed.release)
        assert release is not None
        logger.info("loaded %d %s rows, release %s", count, parsed.kind, parsed.release)
        return LoadResult("replaced" if existing else "loaded", release, "")

    def _insert_rows(self, table: str, source_id: int | None, rows: Iterable[dict[str, Any]]) -> int:
        """Insert rows (a list or a stream read while inserting) in one executemany; return the count."""
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        columns = list(first)
        sql = (
            f"INSERT INTO {table} (source_id, {', '.join(columns)}) "  # noqa: S608 - table comes from KIND_TABLE, columns from our parsers
            f"VALUES (?, {', '.join('?' * len(columns))})"
        )
        count = 0

        def values() -> Iterator[list[Any]]:
            nonlocal count
            for row in itertools.chain((first,), iterator):
                count += 1
                yield [source_id, *(row.get(c) for c in columns)]

        self._db.executemany(sql, values())
        return count

    def release_with_sha256(self, sha256: str) -> Release | None:
        """The loaded release whose file had these bytes, if any (lets an import skip parsing)."""
        row = self._db.execute("SELECT * FROM data_sources WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone()
        return None if row is None else _release(row)

    # ---- releases --------------------------------------------------------------------------

    def releases(self, kind: str | None = None) -> list[Release]:
        """Every loaded release, oldest first within a kind."""
        return list(self._memoised(("releases", kind), lambda: tuple(self._releases(kind))))

    def _releases(self, kind: str | None) -> list[Release]:
        sql = "SELECT * FROM data_sources"
        args: tuple[Any, ...] = ()
        if kind:
            sql, args = sql + " WHERE kind = ?", (kind,)
        rows = self._db.execute(sql + " ORDER BY kind, effective_from, release", args).fetchall()
        return [_release(r) for r in rows]

    def release_in_force(self, kind: str, day: date) -> Release | None:
        """The release of ``kind`` whose effective dates cover ``day`` (the newest if several)."""
        return self._memoised(("in_force", kind, day), lambda: self._release_in_force(kind, day))

    def _release_in_force(self, kind: str, day: date) -> Release | None:
        covering = [r for r in self.releases(kind) if r.covers(day)]
        return covering[-1] if covering else None

    def _release_row(self, kind: str, release: str) -> Release | None:
        row = self._db.execute(
            "SELECT * FROM data_sources WHERE kind = ? AND release = ?", (kind, release)
        ).fetchone()
        return None if row is None else _release(row)

    # ---- crosswalks and codes --------------------------------------------------------------

    def crosswalk_rows(self, release: Release, ndc_11: str) -> tuple[CrosswalkRow, ...]:
        """The ASP crosswalk rows of this release for one NDC (several codes are possible)."""
        return self._crosswalk_rows("asp", release, ndc_11)

    def noc_crosswalk_rows(self, release: Release, ndc_11: str) -> tuple[CrosswalkRow, ...]:
        """The NOC crosswalk rows of this release for one NDC (they name no code)."""
        return self._crosswalk_rows("noc", release, ndc_11)

    def _crosswalk_rows(self, which: str, release: Release, ndc_11: str) -> tuple[CrosswalkRow, ...]:
        key = (which, release.id, ndc_11)
        rows: tuple[CrosswalkRow, ...] | None = self._memo.get(key)
        if rows is None:
            index = self._index((which, release.id), lambda: self._crosswalk_index(which, release))
            found: Sequence[tuple[Any, ...]]
            if index is not None:
                found = index.get(ndc_11, ())
            else:
                found = self._tuples(_CROSSWALK_SQL[which] + " AND ndc_11 = ?", (release.id, ndc_11))
            rows = self._memo[key] = tuple(_crosswalk_row(r, release.release) for r in found)
        return rows

    def _crosswalk_index(self, which: str, release: Release) -> dict[str, tuple[tuple[Any, ...], ...]]:
        """Raw rows of a whole crosswalk release by NDC (turned into CrosswalkRows when asked)."""
        grouped: dict[str, tuple[tuple[Any, ...], ...]] = {}
        for row in self._tuples(_CROSSWALK_SQL[which] + " AND ndc_11 IS NOT NULL", (release.id,)):
            # Tuples of text, not lists: the garbage collector stops scanning them, where it
            # would rescan thousands of lists in every full collection of a batch.
            grouped[row[1]] = (*grouped.get(row[1], ()), row)
        return grouped

    def ndcs_with_several_codes(self, release: Release) -> list[tuple[str, tuple[str, ...]]]:
        """NDCs a crosswalk release lists under more than one code, with those codes."""
        rows = self._db.execute(
            "SELECT ndc_11, group_concat(DISTINCT hcpcs) FROM asp_crosswalk WHERE source_id = ?"
            " AND ndc_11 IS NOT NULL GROUP BY ndc_11 HAVING count(DISTINCT hcpcs) > 1 ORDER BY ndc_11",
            (release.id,),
        ).fetchall()
        return [(r[0], tuple(sorted(r[1].split(",")))) for r in rows]

    def hcpcs_code(self, release: Release, code: str) -> HCPCSCode | None:
        """One code of an HCPCS release (modifiers excluded)."""

        def query() -> HCPCSCode | None:
            rows = self._tuples(
                _HCPCS_SQL + " AND hcpcs = ?",
                (release.id, code),
            )
            return _hcpcs(rows[0]) if rows else None

        return self._memoised(("hcpcs", release.id, code), query)

    def hcpcs_search(self, release: Release, word: str) -> tuple[HCPCSCode, ...]:
        """Codes of an HCPCS release whose long descriptor has ``word`` as a whole word (any case)."""
        word = word.lower()
        key = ("hcpcs_search", release.id, word)
        found: tuple[HCPCSCode, ...] | None = self._memo.get(key)
        if found is None:
            if self._derived_is_current("hcpcs_words"):
                # One indexed read of the words split at import (index_hcpcs_words).
                rows = self._tuples(_HCPCS_BY_WORD_SQL, (release.id, word))
                found = tuple(c for c in map(_hcpcs, rows) if word in _words(c.long_description))
            else:
                found = self._hcpcs_search_unindexed(release, word)
            self._memo[key] = found
        return found

    def _hcpcs_search_unindexed(self, release: Release, word: str) -> tuple[HCPCSCode, ...]:
        """hcpcs_search for a store whose word table is not current: a scan, then words split in memory."""
        # A batch searches hundreds of words: once it has searched a few, every descriptor is
        # split into words once (~50 ms), cheaper than scanning all the descriptors per word.
        texts = self._index(
            ("hcpcs_texts", release.id), lambda: self._hcpcs_texts(release), after=HCPCS_SCAN_AFTER
        )
        if texts is not None:
            return texts.codes_naming(word)
        rows = self._tuples(
            _HCPCS_SQL + " AND long_description LIKE ? ORDER BY hcpcs", (release.id, f"%{word}%")
        )
        return tuple(c for c in map(_hcpcs, rows) if word in _words(c.long_description))

    def index_hcpcs_words(self) -> bool:
        """Split every HCPCS long descriptor into words, once; False when already current.

        ``hcpcs_search`` then reads the codes naming a word with one indexed query instead of
        scanning the descriptors. The importer calls this after loading; until it runs again, a
        store whose HCPCS releases changed searches the descriptors themselves. The table is
        created here, not in schema.sql, so that opening an older store to read never writes to it.
        """
        return self._rebuild_derived("hcpcs_words", self._fill_hcpcs_words)

    def _fill_hcpcs_words(self) -> None:
        self._db.execute(_HCPCS_WORDS_TABLE)
        self._db.execute("DELETE FROM hcpcs_words")
        # OR IGNORE: a code listed twice in one release names each of its words once.
        self._db.executemany("INSERT OR IGNORE INTO hcpcs_words VALUES (?,?,?)", self._hcpcs_words())

    def _hcpcs_words(self) -> Iterator[tuple[int, str, str]]:
        """(release id, word, code) for each word of each code's long descriptor (modifiers excluded)."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        cursor.execute("SELECT source_id, hcpcs, long_description FROM hcpcs_codes WHERE is_modifier = 0")
        for source_id, code, description in cursor:
            for word in _word_set(description or ""):
                yield source_id, word, code

    def _hcpcs_texts(self, release: Release) -> _Descriptors:
        rows = self._tuples(_HCPCS_SQL + " ORDER BY hcpcs", (release.id,))
        return _Descriptors(rows)

    def noc_code_list(self) -> frozenset[str]:
        """Every code on the loaded CMS NOC code lists."""
        return self._memoised(
            ("noc_codes",),
            lambda: frozenset(r[0] for r in self._db.execute("SELECT DISTINCT hcpcs FROM noc_codes")),
        )

    # ---- FDA directory and formulary -------------------------------------------------------

    def product(self, ndc_11: str) -> Product | None:
        """What the loaded FDA files (package first, then product) or the formulary say of an NDC."""
        key = ("product", ndc_11)
        product = self._memo.get(key, _UNKNOWN)
        if product is _UNKNOWN:
            product = self._memo[key] = self._product(ndc_11)
        return product  # type: ignore[no-any-return]

    def _product(self, ndc_11: str) -> Product | None:
        if self._derived_is_current("fda_ndc_products"):
            # One indexed read: the choice below was made at import (index_fda_products).
            rows = self._tuples(_CHOSEN_PRODUCT_SQL, (ndc_11[:9], ndc_11))
            row = next((r for r in rows if r[0] == ndc_11), None)  # the package's own row first
            row = row or next((r for r in rows if r[0] == ndc_11[:9]), None)
            if row is not None:
                return _product(row[1:], source=self._source_label(row[-1]))
        else:
            packages = self._tuples(_PACKAGE_SQL + " ORDER BY rowid", (ndc_11,))
            products = self._tuples(_PRODUCT_SQL + " ORDER BY rowid", (ndc_11[:9],))
            if products:
                best, package = _choose_product(products, packages, self._source_rank)
                return _product(_chosen_columns(best, package), source=self._source_label(best[12]))
        item = self.formulary_entry(ndc_11)
        if item is None:
            return None
        return Product(
            product_ndc=ndc_11[:9],
            proprietary_name=item["drug_name"],  # type: ignore[arg-type]
            route=item["route"],  # type: ignore[arg-type]
            source=self._source_label(item["source_id"]),  # type: ignore[arg-type]
        )

    def index_fda_products(self) -> bool:
        """Choose, once, the FDA product every NDC answers with; False when already current.

        ``product()`` then reads one row instead of choosing among a package's and a product's
        rows of every loaded FDA release. The importer calls this after loading; until it runs
        again, a store whose FDA releases changed answers through the slower queries.
        """
        return self._rebuild_derived("fda_ndc_products", self._fill_fda_ndc_products)

    def _fill_fda_ndc_products(self) -> None:
        self._db.execute("DELETE FROM fda_ndc_products")
        self._db.executemany(
            "INSERT INTO fda_ndc_products VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self._chosen_products()
        )

    def _chosen_products(self) -> Iterator[tuple[Any, ...]]:
        """(key, chosen columns) for each product NDC (9 digits) and each package NDC (11 digits).

        Products and packages are read in NDC order and merged, so memory stays flat however
        large the directory; within an NDC, rowid order breaks ties as the single lookups do.
        """
        ranks = {r.id: r.effective_from.toordinal() if r.effective_from else 0 for r in self.releases()}
        rank = ranks.__getitem__  # the loaded sources only: every row's source_id is one (foreign key)
        packages = self._db.cursor()
        packages.row_factory = None
        packages.execute(_PACKAGE_SQL.replace("ndc_11 = ?", "1") + " ORDER BY ndc_11, rowid")
        package_groups = itertools.groupby(packages, key=lambda r: r[-1])
        pending = next(package_groups, None)
        products = self._db.cursor()
        products.row_factory = None
        products.execute(_PRODUCT_SQL.replace("product_ndc_9 = ?", "1") + " ORDER BY product_ndc_9, rowid")
        for ndc_9, group in itertools.groupby(products, key=lambda r: r[-1]):
            rows = list(group)
            best, _ = _choose_product(rows, [], rank)
            yield (ndc_9, *_chosen_columns(best, None))
            while pending is not None and pending[0][:9] <= ndc_9:
                if pending[0][:9] == ndc_9:
                    best, package = _choose_product(rows, list(pending[1]), rank)
                    yield (pending[0], *_chosen_columns(best, package))
                pending = next(package_groups, None)

    # ---- derived tables: built at import from loaded releases, trusted only while those are loaded ----

    def _rebuild_derived(self, name: str, fill: Callable[[], None]) -> bool:
        """Fill the derived table ``name`` in one transaction unless it is current; False when it was."""
        built_from = self._releases_key(name)
        if self._derived_built_from(name) == built_from:
            return False
        with self._db:
            fill()
            self._db.execute(
                "INSERT OR REPLACE INTO derived_tables (name, built_from) VALUES (?, ?)", (name, built_from)
            )
        self._memo.clear()
        return True

    def _derived_is_current(self, name: str) -> bool:
        """True while ``name`` was built from exactly the releases loaded now (else the slower reads answer)."""
        key = ("derived_is_current", name)
        is_current = self._memo.get(key)
        if is_current is None:
            is_current = self._memo[key] = self._derived_built_from(name) == self._releases_key(name)
        return is_current  # type: ignore[no-any-return]

    def _releases_key(self, name: str) -> str:
        """The loaded releases a derived table is built from, as derived_tables records them."""
        kinds = DERIVED_FROM[name]
        releases = [r for r in self.releases() if r.kind in kinds]
        return " ".join(f"{r.id}:{r.sha256}" for r in sorted(releases, key=lambda r: r.id))

    def _derived_built_from(self, name: str) -> str | None:
        row = self._db.execute("SELECT built_from FROM derived_tables WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def _tuples(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows as plain tuples: several times cheaper to read than sqlite3.Row."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, args).fetchall()

    def _source_label(self, source_id: int) -> str:
        release = self._sources().get(source_id)
        return release.label if release else f"source {source_id}"

    def _source_rank(self, source_id: int) -> int:
        """Newer directories rank higher (by effective date)."""
        release = self._sources().get(source_id)
        return release.effective_from.toordinal() if release and release.effective_from else 0

    def _sources(self) -> dict[int, Release]:
        return self._memoised(("sources",), lambda: {r.id: r for r in self.releases()})

    def formulary_entry(self, ndc_11: str) -> dict[str, Any] | None:
        """The practice formulary row for an NDC (name, strength, route, hcpcs, category)."""
        index = self._memoised(("formulary_index",), self._formulary_index)
        if index is not None:
            return index.get(ndc_11)

        def query() -> dict[str, Any] | None:
            row = self._db.execute("SELECT * FROM formulary WHERE ndc_11 = ? LIMIT 1", (ndc_11,)).fetchone()
            return None if row is None else dict(row)

        return self._memoised(("formulary", ndc_11), query)

    def _formulary_index(self) -> dict[str, dict[str, Any]] | None:
        """A practice formulary is small: read whole, the first row of each NDC (as LIMIT 1 picks)."""
        if sum(r.row_count for r in self.releases("formulary")) > FORMULARY_IN_MEMORY:
            return None
        index: dict[str, dict[str, Any]] = {}
        for row in self._db.execute("SELECT * FROM formulary ORDER BY rowid"):
            index.setdefault(row["ndc_11"], dict(row))
        return index

    def has_fda_directory(self) -> bool:
        return bool(self.releases("fda_products"))

    def known_ndc_11s(self, candidates: Sequence[str]) -> list[str]:
        """The candidates that some loaded file knows as a package (FDA, crosswalk or formulary)."""
        known = []
        for ndc in candidates:
            found = self._db.execute(
                "SELECT 1 FROM fda_packages WHERE ndc_11 = ? UNION ALL SELECT 1 FROM asp_crosswalk WHERE ndc_11 = ?"
                " UNION ALL SELECT 1 FROM noc_crosswalk WHERE ndc_11 = ?"
                " UNION ALL SELECT 1 FROM formulary WHERE ndc_11 = ? LIMIT 1",
                (ndc, ndc, ndc, ndc),
            ).fetchone()
            if found:
                known.append(ndc)
        return known

    # ---- prices ----------------------------------------------------------------------------

    def asp_payment_limit(self, release: Release, hcpcs: str) -> tuple[Decimal, str] | None:
        """(payment limit per HCPCS unit, HCPCS code dosage) from an ASP pricing release."""

        def query() -> tuple[Decimal, str] | None:
            row = self._db.execute(
                "SELECT payment_limit, hcpcs_dosage FROM asp_pricing WHERE source_id = ? AND hcpcs = ?",
                (release.id, hcpcs),
            ).fetchone()
            return None if row is None or row[0] is None else (_decimal(row[0]), row[1] or "")

        return self._memoised(("asp_price", release.id, hcpcs), query)

    def noc_payment_limits(self, release: Release) -> tuple[tuple[str, str, Decimal], ...]:
        """Every (generic name, dosage, payment limit) of a NOC pricing release."""

        def query() -> tuple[tuple[str, str, Decimal], ...]:
            rows = self._db.execute(
                "SELECT generic_name, dosage, payment_limit FROM noc_pricing WHERE source_id = ?",
                (release.id,),
            ).fetchall()
            return tuple((r[0], r[1] or "", _decimal(r[2])) for r in rows if r[2] is not None)

        return self._memoised(("noc_price", release.id), query)

    def opps_entry(self, release: Release, hcpcs: str) -> tuple[str, str, Decimal | None] | None:
        """(status indicator, APC, payment rate) of a code in an OPPS Addendum B release."""

        def query() -> tuple[str, str, Decimal | None] | None:
            row = self._db.execute(
                "SELECT status_indicator, apc, payment_rate FROM opps_addendum_b WHERE source_id = ? AND hcpcs = ?",
                (release.id, hcpcs),
            ).fetchone()
            if row is None:
                return None
            return row[0] or "", row[1] or "", None if row[2] is None else _decimal(row[2])

        return self._memoised(("opps", release.id, hcpcs), query)

    def _index(self, name: Hashable, build: Callable[[], T], *, after: int = BULK_AFTER) -> T | None:
        """The whole-table index ``name`` once this store has been asked ``after`` times, else None."""
        index = self._indexes.get(name)
        if index is None:
            asked = self._lookups[name] = self._lookups.get(name, 0) + 1
            if asked < after:
                return None
            index = self._indexes[name] = build()
        return index  # type: ignore[no-any-return]

    def memoised(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """Compute a value derived from this store's data once (cleared when data is loaded)."""
        return self._memoised(key, compute)

    def _memoised(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._memo[key] = compute()
            return value


def _release(row: sqlite3.Row) -> Release:
    return Release(
        id=row["id"],
        kind=row["kind"],
        release=row["release"],
        effective_from=_date(row["effective_from"]),
        effective_to=_date(row["effective_to"]),
        source_file=row["source_file"],
        sha256=row["sha256"],
        row_count=row["row_count"],
        loaded_at=row["loaded_at"],
        source_url=row["source_url"],
        notes=row["notes"],
    )


# Columns in CrosswalkRow's order (_crosswalk_row relies on it).
_CROSSWALK_SQL = {
    "asp": "SELECT hcpcs, ndc_11, drug_name, labeler, hcpcs_dosage, package_size, package_quantity,"
    " billing_units, billing_units_per_package, short_description FROM asp_crosswalk WHERE source_id = ?",
    "noc": "SELECT NULL AS hcpcs, ndc_11, drug_name, labeler, dosage AS hcpcs_dosage, package_size,"
    " package_quantity, billing_units, billing_units_per_package, generic_name AS short_description"
    " FROM noc_crosswalk WHERE source_id = ?",
}


def _crosswalk_row(row: tuple[Any, ...], release: str) -> CrosswalkRow:
    """A CrosswalkRow from the columns of _CROSSWALK_SQL; empty text for NULL, but for the code."""
    hcpcs, ndc_11, drug_name, labeler, dosage, size, quantity, units, units_per_package, description = row
    return CrosswalkRow(
        hcpcs, ndc_11 or "", drug_name or "", labeler or "", dosage or "", size or "", quantity or "",
        units or "", units_per_package or "", description or "", release,
    )  # fmt: skip


def _words(text: str) -> frozenset[str]:
    """The lower-case words of a descriptor; a biologic suffix is its own word ("vedotin", "tllv")."""
    return frozenset(_WORD.findall(text.lower()))


_WORD = re.compile(r"[a-z0-9]+")


class _Descriptors:
    """An HCPCS release's rows, with the rows each lower-case word of their long descriptors is in."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows
        by_word: defaultdict[str, list[int]] = defaultdict(list)
        for number, row in enumerate(rows):
            for word in _word_set(row[1] or ""):
                by_word[word].append(number)
        # Tuples of ints: the garbage collector stops scanning them, where it rescans lists.
        self.by_word = {word: tuple(numbers) for word, numbers in by_word.items()}
        self.codes: dict[int, HCPCSCode] = {}  # one HCPCSCode per row, shared by every search

    def codes_naming(self, word: str) -> tuple[HCPCSCode, ...]:
        """The codes, in order, whose descriptor has ``word`` (lower case) as a whole word."""
        return tuple(self._code(number) for number in self.by_word.get(word, ()))

    def _code(self, number: int) -> HCPCSCode:
        code = self.codes.get(number)
        if code is None:
            code = self.codes[number] = _hcpcs(self.rows[number])
        return code


def _word_set(text: str) -> set[str]:
    """The words of ``_words`` (a set): ASCII text is split without a regex, several times faster."""
    text = text.lower()
    if text.isascii():
        return set(text.translate(_NOT_WORD_TO_SPACE).split())
    return set(_WORD.findall(text))


_NOT_WORD_TO_SPACE = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


# Columns in HCPCSCode's order (_hcpcs relies on it); modifiers are not codes to bill.
_HCPCS_SQL = (
    "SELECT hcpcs, long_description, short_description, add_date, action_effective_date, termination_date,"
    " action_code, coverage_code, pricing_indicator, betos FROM hcpcs_codes WHERE source_id = ? AND is_modifier = 0"
)
# The same columns of the codes whose descriptor has the word, in the scan's order (code, then rowid).
_HCPCS_BY_WORD_SQL = (
    "SELECT c.hcpcs, c.long_description, c.short_description, c.add_date, c.action_effective_date,"
    " c.termination_date, c.action_code, c.coverage_code, c.pricing_indicator, c.betos"
    " FROM hcpcs_words AS w JOIN hcpcs_codes AS c ON c.hcpcs = w.hcpcs AND c.source_id = w.source_id"
    " WHERE w.source_id = ? AND w.word = ? AND c.is_modifier = 0 ORDER BY c.hcpcs, c.rowid"
)
# Derived, not loaded (Store.index_hcpcs_words): each word of each code's long descriptor, as
# _words splits it. WITHOUT ROWID: the key is the whole row, read in (release, word) order.
_HCPCS_WORDS_TABLE = """CREATE TABLE IF NOT EXISTS hcpcs_words (
    source_id   INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    word        TEXT NOT NULL,
    hcpcs       TEXT NOT NULL,
    PRIMARY KEY (source_id, word, hcpcs)
) WITHOUT ROWID"""


def _hcpcs(row: tuple[Any, ...]) -> HCPCSCode:
    return HCPCSCode(
        row[0],
        row[1] or "",
        row[2] or "",
        _date(row[3]),
        _date(row[4]),
        _date(row[5]),
        *row[6:],
    )


# Tuple rows; each ends with the NDC it was found by (the merge in _chosen_products reads it).
_PACKAGE_SQL = (
    "SELECT product_id, start_marketing_date, end_marketing_date, description, source_id, ndc_11"
    " FROM fda_packages WHERE ndc_11 = ?"
)
_PRODUCT_SQL = (
    "SELECT product_id, product_ndc, proprietary_name, nonproprietary_name, dosage_form, route,"
    " marketing_category, application_number, start_marketing_date, end_marketing_date, pharm_classes,"
    " is_unfinished, source_id, product_ndc_9 FROM fda_products WHERE product_ndc_9 = ?"
)
# The product's row (9 digits) and the package's (11), which sorts just after it: one range
# read, cheaper than two lookups.
_CHOSEN_PRODUCT_SQL = "SELECT * FROM fda_ndc_products WHERE ndc >= ? AND ndc <= ?"


def _choose_product(
    products: list[tuple[Any, ...]], packages: list[tuple[Any, ...]], rank: Callable[[int], int]
) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
    """The package row of the newest directory, and the product row it names, else the best product.

    A product is preferred when the package names it, then when finished, then when it has a
    marketing category, then from the newest directory; the first in rowid order breaks ties.
    """
    package = packages[0] if len(packages) == 1 else max(packages, key=lambda r: rank(r[4]), default=None)
    if len(products) == 1:
        return products[0], package
    wanted_id = package[0] if package is not None else None
    best = min(products, key=lambda r: (r[0] != wanted_id, r[11], r[6] is None, -rank(r[12])))
    return best, package


def _chosen_columns(product: tuple[Any, ...], package: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The columns of fda_ndc_products after its key, from a chosen product and package row."""
    package_columns = package[1:4] if package is not None else (None, None, None)
    return (*product[1:11], *package_columns, product[12])


def _product(row: Sequence[Any], *, source: str) -> Product:
    """A Product from the columns of fda_ndc_products after its key (see _chosen_columns)."""
    return Product(
        product_ndc=row[0],
        proprietary_name=row[1],
        nonproprietary_name=row[2],
        dosage_form=row[3],
        route=row[4],
        marketing_category=row[5],
        application_number=row[6],
        start_marketing_date=_date(row[7]),
        end_marketing_date=_date(row[8]),
        package_start_marketing_date=_date(row[10]),
        package_end_marketing_date=_date(row[11]),
        package_description=row[12],
        pharm_classes=row[9],
        source=source,
    )


@lru_cache(maxsize=65536)
def _date(value: str | None) -> date | None:
    """Read an ISO date (YYYY-MM-DD) or a CMS/FDA compact date (YYYYMMDD); cached: dates repeat."""
    if not value:
        return None
    text = value.strip()
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal(value: float | str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)
