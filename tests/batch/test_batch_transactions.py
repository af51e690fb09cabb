"""A big interchange cut into runs of transaction sets reads exactly as the whole; odd envelopes are not cut."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from nocrx.batch import ScrubOptions, run_scrub, transactions
from nocrx.batch.scrub import _checker_for, scrub_unit
from nocrx.batch.units import WorkUnit, plan_units
from nocrx.x12 import PayerMap

SHARED = Path(__file__).resolve().parents[3] / "shared"
TEMPLATE = SHARED / "x12-samples" / "linuxforhealth" / "837_005010X222A2__demo.drug.example10.3.837"


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 claims in 3 transaction sets of one interchange (the benchmark's generator)."""
    out = tmp_path_factory.mktemp("x12") / "batch.837"
    command = [sys.executable, str(SHARED / "bench" / "gen_837_batch.py"), str(TEMPLATE), str(out)]
    subprocess.run([*command, "--claims", "30", "--claims-per-st", "10", "--newline"], check=True)
    return out


def whole_unit(path: Path) -> WorkUnit:
    (unit,) = plan_units([path], 1 << 40)
    return unit


def rows_of(unit: WorkUnit, db_path: str) -> str:
    out = io.BytesIO()
    scrub_unit(unit, _checker_for(db_path), PayerMap(), write_bytes=out.write)
    return out.getvalue().decode("utf-8")


def rows_in_pieces(pieces: list[transactions.Piece], folder: Path, db_path: str) -> str:
    texts = []
    for piece in pieces:
        stand_in = folder / f"piece-{piece.number}.x12"
        stand_in.write_bytes(transactions.stand_in(piece))
        texts.append(rows_of(transactions.piece_unit(piece, stand_in), db_path))
    return "".join(texts)


# Faults inside the second transaction set: positions, control numbers and counts must still match.
FAULTS = {
    "clean": ("", ""),
    "bad element": ("*682.50*", "*68X.50*"),
    "wrong SE count": ("SE*542*000000002~", "SE*999*000000002~"),
    "unknown segment": ("LX*2~", "LX*2~\nQQ*1~"),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_pieces_read_as_the_whole_interchange(batch_file: Path, tmp_path: Path, fault: str):
    old, new = FAULTS[fault]
    text = batch_file.read_text(encoding="latin-1")
    second = text.index("ST*837*000000002")
    if old:
        at = text.index(old, second)
        text = text[:at] + new + text[at + len(old) :]
    path = tmp_path / "batch.837"
    path.write_text(text, encoding="latin-1")
    unit = whole_unit(path)
    pieces = transactions.cut(unit, 1)
    assert pieces is not None
    assert len(pieces) == 3
    assert sum(p.stop - p.start for p in pieces) == unit.size
    db_path = str(tmp_path / "store.sqlite3")
    assert rows_in_pieces(pieces, tmp_path, db_path) == rows_of(unit, db_path)


def test_pieces_of_more_than_one_transaction_set(batch_file: Path, tmp_path: Path):
    unit = whole_unit(batch_file)
    pieces = transactions.cut(unit, unit.size // 2)
    assert pieces is not None
    assert len(pieces) == 2
    db_path = str(tmp_path / "store.sqlite3")
    assert rows_in_pieces(pieces, tmp_path, db_path) == rows_of(unit, db_path)


ODD = {
    "ISA16 is not ':'": ("*T*:~", "*T*^~"),
    "an empty segment": ("~\nBHT*", "~\n~\nBHT*"),
    "a segment of latin-1 blanks": ("~\nBHT*", "~\n\xa0\x1c~\nBHT*"),
    "a segment between SE and ST": ("~\nST*837*000000002", "~\nREF*X*1~\nST*837*000000002"),
    "ST03 differs": ("ST*837*000000002*005010X222A2~", "ST*837*000000002~"),
    "two groups": (
        "~\nST*837*000000002",
        "~\nGE*1*1~\nGS*HC*1*2*20131031*1147*2*X*005010X222A2~\nST*837*000000002",
    ),
    "text after IEA": ("IEA*1*000000001~", "IEA*1*000000001~\nTRAILING"),
}


@pytest.mark.parametrize("change", ODD, ids=list(ODD))
def test_an_envelope_read_differently_in_pieces_is_not_cut(batch_file: Path, tmp_path: Path, change: str):
    old, new = ODD[change]
    text = batch_file.read_text(encoding="latin-1")
    assert old in text
    path = tmp_path / "odd.837"
    path.write_text(text.replace(old, new, 1), encoding="latin-1")
    assert transactions.cut(whole_unit(path), 1) is None


@pytest.mark.parametrize("shared_disk", [True, False], ids=["parts on disk", "parts compressed"])
def test_dask_run_of_one_big_interchange_in_pieces(
    batch_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_disk: bool
):
    pytest.importorskip("distributed")
    from nocrx.batch import dask_engine

    if not shared_disk:
        monkeypatch.setattr(dask_engine, "sees_folder", lambda folder, run: False)

    monkeypatch.setattr(dask_engine, "CUT_BIG_INTERCHANGES", True)
    monkeypatch.setattr(dask_engine, "MIN_PIECE_BYTES", 1)  # cut even this small file, into its 3 sets
    pieces: list[int] = []
    real = dask_engine.cut

    def counted(unit, max_bytes):
        cut = real(unit, max_bytes)
        pieces.append(len(cut) if cut else 1)
        return cut

    monkeypatch.setattr(dask_engine, "cut", counted)  # the driver's call: not sent to a worker
    options = ScrubOptions(db_path=str(tmp_path / "store.sqlite3"))
    run_scrub([batch_file, TEMPLATE], tmp_path / "local.jsonl", options)
    dask = ScrubOptions(db_path=options.db_path, engine="dask", workers=2, processes=False)
    run_scrub([batch_file, TEMPLATE], tmp_path / "dask.jsonl", dask)
    assert pieces == [3, 1]  # the batch file went out as its 3 transaction sets
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
