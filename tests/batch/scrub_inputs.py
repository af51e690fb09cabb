"""The 837 files the scrub tests read: our own fixtures and real samples with their oddities."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures" / "x12"
SAMPLES = TESTS.parents[1] / "shared" / "x12-samples"
# What each real sample exercises: ../shared/x12-samples/README.md.
INPUTS = [
    FIXTURES / "drug_claims_837p.txt",
    FIXTURES / "outpatient_837i.txt",
    SAMPLES / "linuxforhealth" / "837_005010X222A2__demo.drug.example10.3.837",
    SAMPLES / "imsweb" / "x12_multiple_isa.txt",
    SAMPLES / "imsweb" / "x12_no_isa_line.txt",
    SAMPLES / "oopfactory" / "837P_5010_UnicodeExample.txt",
]
