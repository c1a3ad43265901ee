import io

from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_tools import LineMapper, normalize, remove_diacritics
from arabic_tools.diacritics import _NUMPY_THRESHOLD
from arabic_tools.streams import run

# Arabic letters and marks, presentation forms, digits, spaces, invisible characters,
# Latin and a few combining marks: the characters the rules touch, and their neighbours.
ARABIC_HEAVY = st.text(
    st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0x08D3, max_codepoint=0x08FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.sampled_from(" \u00A0\u200C\u200D\u200F\u2009\t0123456789abcé\u0301"),
    ),
    max_size=60,
)
NON_ARABIC = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n\r").filter(
    lambda c: not ("\u0600" <= c <= "\u06FF" or "\u0750" <= c <= "\u08FF" or "\uFB50" <= c <= "\uFEFF")))


@given(ARABIC_HEAVY)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@given(ARABIC_HEAVY, st.sampled_from(["latin", "arabic", "keep"]), st.booleans(), st.booleans())
def test_normalize_is_idempotent_in_every_setting(text, digits, teh, maksura):
    settings_ = {"digits": digits, "teh_marbuta": teh, "alef_maksura": maksura}
    once = normalize(text, **settings_)
    assert normalize(once, **settings_) == once


@given(ARABIC_HEAVY)
def test_strip_diacritics_is_idempotent_and_never_lengthens(text):
    once = remove_diacritics(text)
    assert len(once) <= len(text)
    assert remove_diacritics(once) == once


@given(ARABIC_HEAVY)
def test_strip_diacritics_paths_agree(text):
    padded = text + " " * _NUMPY_THRESHOLD  # forces the numpy path
    assert remove_diacritics(padded) == remove_diacritics(text) + " " * _NUMPY_THRESHOLD


@given(NON_ARABIC)
def test_text_without_arabic_is_unchanged_by_strip_diacritics(text):
    assert remove_diacritics(text) == text
    assert remove_diacritics(text, keep=[]) == text


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(lambda c: c not in "0123456789 ")))
def test_ascii_without_digits_and_spaces_is_unchanged_by_normalize(text):
    assert normalize(text) == text


LINES = st.lists(st.tuples(ARABIC_HEAVY.map(lambda s: s.replace("\t", " ")), st.sampled_from(["\n", "\r\n"])),
                 max_size=30)


@settings(max_examples=50)
@given(LINES, st.booleans())
def test_stream_keeps_line_count_and_endings(lines, final_ending):
    data = "".join(body + ending for body, ending in lines)
    if not final_ending and lines:
        data = data[: -len(lines[-1][1])]
    out = io.BytesIO()
    run(LineMapper(remove_diacritics), "-", io.BytesIO(data.encode()), out, block_size=64)
    result = out.getvalue().decode()
    assert result.count("\n") == data.count("\n")
    assert result.count("\r\n") == data.count("\r\n")
    assert result.endswith("\n") == data.endswith("\n")


@settings(max_examples=50)
@given(st.lists(st.lists(ARABIC_HEAVY.map(lambda s: s.replace("\t", " ")), min_size=3, max_size=3), max_size=20))
def test_tsv_keeps_field_count_and_other_fields(rows):
    data = "".join("\t".join(row) + "\n" for row in rows)
    out = io.BytesIO()
    run(LineMapper(normalize, field=2), "-", io.BytesIO(data.encode()), out)
    for row, line in zip(rows, out.getvalue().decode().splitlines()):
        fields = line.split("\t")
        assert len(fields) == 3
        assert fields[0] == row[0] and fields[2] == row[2]
