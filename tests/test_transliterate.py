import pytest

from arabic_tools import OptionError, Transliterator, transliterate
from arabic_tools.transliterate import schemes

SENTENCE = "قَرَأَ مُحَمَّدٌ القُرْآنَ فِي المَسْجِدِ، وَسَأَلَ: أَيْنَ الكُتُبُ؟ إِنَّهُ مُؤْمِنٌ بِاللّٰهِ"


def test_buckwalter_reference():
    assert transliterate("مَرْحَبًا بِكُمْ") == "maroHabFA bikumo"


@pytest.mark.parametrize("scheme", sorted(schemes()))
def test_arabic_round_trips_through_every_scheme(scheme):
    romanized = transliterate(SENTENCE, "ar", scheme)
    assert romanized != SENTENCE
    assert transliterate(romanized, scheme, "ar") == SENTENCE


ROMAN = ["bw", "safebw", "xmlbw", "hsb"]


@pytest.mark.parametrize(("source", "target"), [(s, t) for s in ROMAN for t in ROMAN if s != t])
def test_scheme_to_scheme_goes_through_arabic(source, target):
    text = transliterate(SENTENCE, "ar", source)
    assert transliterate(text, source, target) == transliterate(SENTENCE, "ar", target)


def test_agrees_with_camel_tools_charmap():
    from camel_tools.utils.charmap import CharMapper

    assert transliterate(SENTENCE, "ar", "safebw") == CharMapper.builtin_mapper("ar2safebw")(SENTENCE)


def test_unknown_scheme_is_an_option_error():
    with pytest.raises(OptionError, match="unknown scheme 'buckwalter'"):
        transliterate("x", "ar", "buckwalter")


def test_same_source_and_target_is_an_option_error():
    with pytest.raises(OptionError):
        Transliterator("bw", "bw")("x")
