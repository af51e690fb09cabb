"""Fuzz the reader: random bytes and mutated real files give coded issues, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nocrx.x12 import ISSUE_CODES, Issue, ReadLine, read_837

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "x12-samples"
SEEDS = [
    (FIXTURES / "drug_claims_837p.txt").read_bytes(),
    (FIXTURES / "outpatient_837i.txt").read_bytes(),
    (FIXTURES / "outpatient_837i_utf16le.txt").read_bytes(),
    (SAMPLES / "imsweb" / "x12_valid_different_separators.txt").read_bytes(),
    (SAMPLES / "oopfactory" / "HipaaClaims_TestData_InstitutionalClaim5010.txt").read_bytes(),
]
SEPARATOR_BYTES = b"*~:^|\n\r>_ "


def check_reads(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.txt"
        path.write_bytes(content)
        for record in read_837(path):
            assert isinstance(record, ReadLine | Issue)
            if isinstance(record, Issue):
                assert record.code in ISSUE_CODES
            else:
                assert (record.line is None) != (record.error is None)
                assert record.error is None or record.error.code in ISSUE_CODES


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    content = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(content) - 1, 0)))
        if action == "replace" and content:
            content[at] = draw(st.sampled_from(SEPARATOR_BYTES + b"ISA0A\x00\xff"))
        elif action == "delete":
            del content[at : at + draw(st.integers(1, 40))]
        elif action == "insert":
            content[at:at] = draw(st.sampled_from([b"ISA*", b"SV1*HC:J3490*x~", b"SE*1*1~", b"~~", b"LX*9~"]))
        else:
            del content[at:]
    return bytes(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(content: bytes):
    check_reads(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=300).map(
        lambda tail: b"ISA*00*          *00*          *ZZ*A*ZZ*B*1*1*^*00501*1*0*T*:~" + tail
    )
)
def test_random_bytes_after_an_isa(content: bytes):
    check_reads(content)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_real_files(content: bytes):
    check_reads(content)
