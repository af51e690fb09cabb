"""NDC forms: label 10-digit layouts, 11-digit billing form, N4 prefix, and the bare 10-digit ambiguity."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrx.codes.ndc import format_542, parse_ndc, ten_digit_candidates
from nocrx.errors import InvalidNDC


@pytest.mark.parametrize(
    ("given_form", "ndc_11"),
    [
        pytest.param("0006-3026-02", "00006302602", id="4-4-2 Keytruda label"),
        pytest.param("81298-855-03", "81298085503", id="5-3-2"),
        pytest.param("50242-0040-6", "50242004006", id="5-4-1"),
        pytest.param("00006-3026-02", "00006302602", id="5-4-2 hyphenated"),
        pytest.param("00006302602", "00006302602", id="11 digits"),
        pytest.param("N400006302602", "00006302602", id="N4 prefix as on CMS-1500 24A"),
        pytest.param("n4 00006-3026-02", "00006302602", id="lowercase N4 with space"),
        pytest.param(" 0006 3026 02 ", "00006302602", id="spaces as separators"),
        pytest.param("*0006-3026-02", "00006302602", id="asterisk for a leading zero"),
    ],
)
def test_reads_every_common_form(given_form: str, ndc_11: str) -> None:
    assert parse_ndc(given_form).ndc_11 == ndc_11


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("0006-3026-0A", "only digits", id="letter"),
        pytest.param("123-45-6", "segments of 3-2-1", id="wrong segments"),
        pytest.param("123456789", "expected 10 digits", id="9 digits"),
        pytest.param("000006302602", "2033-03-07", id="12-digit future NDC"),
    ],
)
def test_rejects_with_a_clear_message(bad: str, words: str) -> None:
    with pytest.raises(InvalidNDC, match=words):
        parse_ndc(bad)


def test_bare_ten_digits_is_ambiguous_without_a_directory() -> None:
    with pytest.raises(InvalidNDC, match="could be 00006-3026-02, 00063-0026-02, 00063-0260-02"):
        parse_ndc("0006302602")


def test_bare_ten_digits_resolved_when_exactly_one_candidate_is_known() -> None:
    known = {"00006302602"}
    ndc = parse_ndc("0006302602", resolve=lambda cands: [c for c in cands if c in known])
    assert ndc.ndc_11 == "00006302602"


def test_bare_ten_digits_with_two_known_candidates_is_still_ambiguous() -> None:
    with pytest.raises(InvalidNDC, match="more than one"):
        parse_ndc("0006302602", resolve=lambda cands: list(cands[:2]))


LAYOUTS = [(4, 4, 2), (5, 3, 2), (5, 4, 1)]


@given(st.sampled_from(LAYOUTS), st.data())
def test_label_form_to_billing_form_round_trip(layout: tuple[int, int, int], data: st.DataObject) -> None:
    segments = [data.draw(st.text("0123456789", min_size=n, max_size=n)) for n in layout]
    ndc = parse_ndc("-".join(segments))
    assert len(ndc.ndc_11) == 11
    # Each segment survives, left-padded to its 5-4-2 width.
    assert format_542(ndc.ndc_11).split("-") == [s.zfill(w) for s, w in zip(segments, (5, 4, 2), strict=True)]
    assert ndc.ndc_11 in ten_digit_candidates("".join(segments))
