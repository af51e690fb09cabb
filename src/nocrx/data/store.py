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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from nocrx.data.records import KIND_TABLE, KINDS, CrosswalkRow, HCPCSCode, ParsedFile, Release
from nocrx.errors import DataFileError
from nocrx.model import Product

logger = logging.getLogger(__name__)

T = TypeVar("T")
BULK_AFTER = 64  # questions to one table before a run reads it whole into memory
LoadStatus = Literal["loaded", "replaced", "unchanged", "skipped"]


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
        self._db.executescript(resources.files("nocrx.data").joinpath("schema.sql").read_text("utf-8"))
        self._memo: dict[tuple[Any, ...], Any] = {}
        # Tables read whole into dicts once a run has asked them BULK_AFTER questions (a batch),
        # so one-off commands stay fast to start and batches avoid a query per line.
        self._indexes: dict[str, dict[Any, Any]] = {}
        self._lookups: dict[str, int] = {}

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
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        index = self._index(f"{which}:{release.id}", lambda: self._crosswalk_index(which, release))
        if index is not None:
            rows = index.get(ndc_11, [])
        else:
            rows = self._db.execute(
                _CROSSWALK_SQL[which] + " AND ndc_11 = ?", (release.id, ndc_11)
            ).fetchall()
        return self._memoised(key, lambda: tuple(_crosswalk_row(r, release.release) for r in rows))

    def _crosswalk_index(self, which: str, release: Release) -> dict[str, list[sqlite3.Row]]:
        """Raw rows of a whole crosswalk release by NDC (turned into CrosswalkRows when asked)."""
        grouped: dict[str, list[sqlite3.Row]] = {}
        for row in self._db.execute(_CROSSWALK_SQL[which] + " AND ndc_11 IS NOT NULL", (release.id,)):
            grouped.setdefault(row["ndc_11"], []).append(row)
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
            row = self._db.execute(
                "SELECT * FROM hcpcs_codes WHERE source_id = ? AND hcpcs = ? AND is_modifier = 0",
                (release.id, code),
            ).fetchone()
            return None if row is None else _hcpcs(row)

        return self._memoised(("hcpcs", release.id, code), query)

    def hcpcs_search(self, release: Release, word: str) -> tuple[HCPCSCode, ...]:
        """Codes of an HCPCS release whose long descriptor has ``word`` as a whole word (any case)."""
        word = word.lower()
        index = self._index(f"hcpcs_words:{release.id}", lambda: self._hcpcs_word_index(release))
        if index is not None:
            return index.get(word, ())  # type: ignore[no-any-return]

        def query() -> tuple[HCPCSCode, ...]:
            rows = self._db.execute(
                "SELECT * FROM hcpcs_codes WHERE source_id = ? AND is_modifier = 0"
                " AND long_description LIKE ? ORDER BY hcpcs",
                (release.id, f"%{word}%"),
            ).fetchall()
            return tuple(c for c in map(_hcpcs, rows) if word in _words(c.long_description))

        return self._memoised(("hcpcs_search", release.id, word), query)

    def _hcpcs_word_index(self, release: Release) -> dict[str, tuple[HCPCSCode, ...]]:
        rows = self._db.execute(
            "SELECT * FROM hcpcs_codes WHERE source_id = ? AND is_modifier = 0 ORDER BY hcpcs", (release.id,)
        ).fetchall()
        grouped: dict[str, list[HCPCSCode]] = {}
        for code in map(_hcpcs, rows):
            for word in _words(code.long_description):
                grouped.setdefault(word, []).append(code)
        return {word: tuple(codes) for word, codes in grouped.items()}

    def noc_code_list(self) -> frozenset[str]:
        """Every code on the loaded CMS NOC code lists."""
        return self._memoised(
            ("noc_codes",),
            lambda: frozenset(r[0] for r in self._db.execute("SELECT DISTINCT hcpcs FROM noc_codes")),
        )

    # ---- FDA directory and formulary -------------------------------------------------------

    def product(self, ndc_11: str) -> Product | None:
        """What the loaded FDA files (package first, then product) or the formulary say of an NDC."""
        return self._memoised(("product", ndc_11), lambda: self._product(ndc_11))

    def _product(self, ndc_11: str) -> Product | None:
        # Plain indexed lookups, chosen in Python: ~15 µs, where one query joining data_sources
        # and sorting took ~50 µs, and reading 100,000+ products whole took a second.
        packages = self._db.execute(_PACKAGE_SQL, (ndc_11,)).fetchall()
        package = max(packages, key=lambda r: self._source_rank(r["source_id"]), default=None)
        products = self._db.execute(_PRODUCT_SQL, (ndc_11[:9],)).fetchall()
        if products:
            wanted_id = package["product_id"] if package is not None else None
            best = min(products, key=lambda r: (
                r["product_id"] != wanted_id, r["is_unfinished"], r["marketing_category"] is None,
                -self._source_rank(r["source_id"]),
            ))  # fmt: skip
            return _product(best, package=package, source=self._source_label(best["source_id"]))
        item = self._db.execute("SELECT * FROM formulary WHERE ndc_11 = ? LIMIT 1", (ndc_11,)).fetchone()
        if item is None:
            return None
        return Product(
            product_ndc=ndc_11[:9],
            proprietary_name=item["drug_name"],
            route=item["route"],
            source=self._source_label(item["source_id"]),
        )

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

        def query() -> dict[str, Any] | None:
            row = self._db.execute("SELECT * FROM formulary WHERE ndc_11 = ? LIMIT 1", (ndc_11,)).fetchone()
            return None if row is None else dict(row)

        return self._memoised(("formulary", ndc_11), query)

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

    def _index(
        self, name: str, build: Callable[[], dict[Any, Any]], *, after: int = BULK_AFTER
    ) -> dict[Any, Any] | None:
        """The whole-table index ``name`` once this store has been asked ``after`` times, else None."""
        index = self._indexes.get(name)
        if index is None:
            asked = self._lookups[name] = self._lookups.get(name, 0) + 1
            if asked < after:
                return None
            index = self._indexes[name] = build()
        return index

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


_CROSSWALK_SQL = {
    "asp": "SELECT hcpcs, ndc_11, drug_name, labeler, hcpcs_dosage, package_size, package_quantity,"
    " billing_units, billing_units_per_package, short_description FROM asp_crosswalk WHERE source_id = ?",
    "noc": "SELECT NULL AS hcpcs, ndc_11, drug_name, labeler, dosage AS hcpcs_dosage, package_size,"
    " package_quantity, billing_units, billing_units_per_package, generic_name AS short_description"
    " FROM noc_crosswalk WHERE source_id = ?",
}


def _crosswalk_row(row: sqlite3.Row, release: str) -> CrosswalkRow:
    values = {key: row[key] or "" for key in row.keys()}  # noqa: SIM118 - sqlite3.Row iterates values
    return CrosswalkRow(**values | {"hcpcs": row["hcpcs"], "release": release})


def _words(text: str) -> frozenset[str]:
    """The lower-case words of a descriptor; a biologic suffix is its own word ("vedotin", "tllv")."""
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def _hcpcs(row: sqlite3.Row) -> HCPCSCode:
    return HCPCSCode(
        hcpcs=row["hcpcs"],
        long_description=row["long_description"] or "",
        short_description=row["short_description"] or "",
        add_date=_date(row["add_date"]),
        action_effective_date=_date(row["action_effective_date"]),
        termination_date=_date(row["termination_date"]),
        action_code=row["action_code"],
        coverage_code=row["coverage_code"],
        pricing_indicator=row["pricing_indicator"],
        betos=row["betos"],
    )


_PACKAGE_SQL = (
    "SELECT product_id, start_marketing_date AS pkg_start, end_marketing_date AS pkg_end,"
    " description AS pkg_description, source_id FROM fda_packages WHERE ndc_11 = ?"
)
_PRODUCT_SQL = (
    "SELECT product_id, product_ndc, proprietary_name, nonproprietary_name, dosage_form, route,"
    " marketing_category, application_number, start_marketing_date, end_marketing_date, pharm_classes,"
    " is_unfinished, source_id FROM fda_products WHERE product_ndc_9 = ?"
)


def _product(row: sqlite3.Row, *, package: sqlite3.Row | None, source: str) -> Product:
    return Product(
        product_ndc=row["product_ndc"],
        proprietary_name=row["proprietary_name"],
        nonproprietary_name=row["nonproprietary_name"],
        dosage_form=row["dosage_form"],
        route=row["route"],
        marketing_category=row["marketing_category"],
        application_number=row["application_number"],
        start_marketing_date=_date(row["start_marketing_date"]),
        end_marketing_date=_date(row["end_marketing_date"]),
        package_start_marketing_date=_date(package["pkg_start"]) if package else None,
        package_end_marketing_date=_date(package["pkg_end"]) if package else None,
        package_description=package["pkg_description"] if package else None,
        pharm_classes=row["pharm_classes"],
        source=source,
    )


def _date(value: str | None) -> date | None:
    """Read an ISO date (YYYY-MM-DD) or a CMS/FDA compact date (YYYYMMDD)."""
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
