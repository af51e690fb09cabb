"""ICD-10-CM lookups through the simple-icd-10-cm package (its bundled code set is one release).

The package ships the CMS ICD-10-CM files of one update (April 1, 2026, i.e. FY2026); a code
that was valid in another fiscal year may be reported invalid, so findings say which set was used.

Importing the package parses its 9.7 MB tabular XML (3-4 s, in every process that checks a
diagnosis). What this module reads from it (each code's billable status and description) is
therefore written once to a small cache file in the user's cache folder, named after the
installed package (version, data files' names, sizes and times); a process loads that in
milliseconds and imports the package only when the file is missing, stale or unreadable (then
it writes the file for the next process).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import warnings
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import ModuleType

logger = logging.getLogger(__name__)

CODE_SET = "ICD-10-CM April 1, 2026 update (FY2026), as bundled with simple-icd-10-cm"
# FY2026 runs 2025-10-01 to 2026-09-30; the April update applies from 2026-04-01.
CODE_SET_FROM = date(2025, 10, 1)
CODE_SET_TO = date(2026, 9, 30)
PACKAGE = "simple_icd_10_cm"
CACHE_FORMAT = 2  # bump when the file layout or what is derived from the package changes
CACHE_PREFIX = "icd10cm-"
END_MARK = b"end\n"
STATUS_NAMES = {b"B": "billable", b"N": "not-billable", b"X": "invalid"}


@lru_cache(maxsize=1)
def _icd() -> ModuleType:
    # The package reads its data with importlib.resources.read_text, deprecated since 3.11;
    # the warning is the package's, not ours, so keep it from failing strict warning filters.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    module: ModuleType = simple_icd_10_cm
    return module


@dataclass(frozen=True, slots=True)
class CodeSet:
    """What this module reads from the package, as the cache file's bytes (searched as they are).

    A header line (format and package key), then one line per item the package knows (chapters,
    blocks, categories, codes), sorted: ``CODE<TAB>STATUS<TAB>"description"`` with STATUS B
    (billable: a leaf), N (a heading with codes beneath it) or X (a chapter or block: not a code)
    and the description as a JSON string; then ``end``. Looking a code up is a binary search on
    the bytes; nothing is parsed or copied at load, so loading costs the read of about 8 MB.
    """

    data: bytes = field(repr=False)
    start: int  # the first item line (after the header)
    stop: int  # where the end mark starts

    @classmethod
    def of(cls, data: bytes) -> CodeSet:
        return cls(data, data.index(b"\n") + 1, len(data) - len(END_MARK))

    def _fields(self, dotted: str) -> list[bytes] | None:
        """The item's line split into code, status and description: a binary search on the sorted lines."""
        data, key = self.data, dotted.encode("utf-8", "replace")
        low, high = self.start, self.stop  # both always the start of a line
        while low < high:
            line = data.rfind(b"\n", low - 1, (low + high) // 2) + 1
            end = data.index(b"\n", line)
            fields = data[line:end].split(b"\t", 2)
            if fields[0] == key:
                return fields
            if fields[0] < key:
                low = end + 1
            else:
                high = line
        return None

    def status(self, dotted: str) -> str:
        fields = self._fields(dotted)
        return STATUS_NAMES[fields[1]] if fields else "invalid"

    def description(self, dotted: str) -> str:
        fields = self._fields(dotted)
        return str(json.loads(fields[2])) if fields else ""

    @classmethod
    def from_package(cls, icd: ModuleType, key: str) -> CodeSet:
        """Ask the package about every item it knows (the questions status() used to ask it)."""
        lines: dict[str, str] = {}
        for item in icd.get_all_codes(with_dots=True):
            letter = "X" if icd.is_chapter_or_block(item) else "B" if icd.is_leaf(item) else "N"
            description = json.dumps(str(icd.get_description(item)), ensure_ascii=False)
            lines[item] = f"{item}\t{letter}\t{description}\n"
        header = json.dumps({"format": CACHE_FORMAT, "key": key}) + "\n"
        return cls.of((header + "".join(lines[item] for item in sorted(lines))).encode("utf-8") + END_MARK)

    @classmethod
    def loads(cls, data: bytes, key: str) -> CodeSet | None:
        """The code set in ``data`` if it was written whole for ``key``, else None."""
        header, newline, _ = data[:4096].partition(b"\n")
        if not newline or not data.endswith(END_MARK):  # not ours, or a file cut short
            return None
        try:
            if json.loads(header) != {"format": CACHE_FORMAT, "key": key}:
                return None
        except ValueError:
            return None
        return cls.of(data)


def package_key() -> str | None:
    """What the cache depends on: the package's version and its code and data files (name, size, time)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = [folder / "simple_icd_10_cm.py", *sorted((folder / "data").iterdir())]
    stamps = [f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files if f.is_file()]
    # The dist-info folder name carries the version without importing importlib.metadata (~30 ms).
    versions = sorted(p.name for p in folder.parent.glob(f"{PACKAGE}-*.dist-info"))
    return " ".join([*versions, *stamps])


def cache_folder() -> Path:
    """The user's cache folder for nocrx (platformdirs), or ~/.cache/nocrx."""
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency of nocrx
        return Path.home() / ".cache" / "nocrx"
    return Path(user_cache_dir("nocrx", appauthor=False))


def cache_file(folder: Path, key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return folder / f"{CACHE_PREFIX}{CACHE_FORMAT}-{digest}.txt"


def load_code_set(folder: Path | None = None) -> CodeSet:
    """The code set from the cache file, or from the package (then written to the cache)."""
    key = package_key()
    if key is None:  # the package is not installed: importing it raises, as it always did
        return CodeSet.from_package(_icd(), "")
    path = cache_file(cache_folder() if folder is None else folder, key)
    try:
        cached = CodeSet.loads(path.read_bytes(), key)
    except OSError:
        cached = None
    if cached is not None:
        return cached
    code_set = CodeSet.from_package(_icd(), key)
    _save(code_set, path)
    return code_set


def _save(code_set: CodeSet, path: Path) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(code_set.data)
        os.replace(temporary, path)  # atomic: a concurrent reader sees no file or the whole file
    except OSError as error:  # e.g. a read-only home: each process reads the package, as before
        logger.info("ICD-10-CM cache not written to %s: %s", path.parent, error.strerror)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _code_set() -> CodeSet:
    return load_code_set()


@lru_cache(maxsize=4096)
def normalise(code: str) -> str:
    """Upper case with the dot after the category (c3490 -> C34.90)."""
    text = code.strip().upper().replace(".", "")
    return text if len(text) <= 3 else f"{text[:3]}.{text[3:]}"


@lru_cache(maxsize=4096)
def status(code: str) -> str:
    """ "billable", "not-billable" (a category with children) or "invalid" (chapters and blocks too)."""
    return _code_set().status(normalise(code))


@lru_cache(maxsize=4096)
def description(code: str) -> str:
    return _code_set().description(normalise(code))


@lru_cache(maxsize=4096)
def is_neoplasm(code: str) -> bool:
    """ICD-10-CM chapter 2, Neoplasms: C00-D49."""
    text = normalise(code)
    return text[:1] == "C" or (text[:1] == "D" and text[1:3].isdigit() and int(text[1:3]) <= 49)


def covers(day: date) -> bool:
    return CODE_SET_FROM <= day <= CODE_SET_TO


def warm() -> None:
    """Load the code set now (milliseconds from the cache; about 4 s the first time)."""
    _code_set()
