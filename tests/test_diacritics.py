import unicodedata

import pytest
from casefiles import cases

from arabic_tools import DiacriticRemover, OptionError, remove_diacritics
from arabic_tools.diacritics import _NUMPY_THRESHOLD


def _options(case):
    options = dict(case.get("options", {}))
    keep = options.pop("keep", None)
    if keep == "none":
        keep = []
    return {"keep": keep, **options}


@pytest.mark.parametrize("case", cases("strip_diacritics"))
def test_case(case):
    assert remove_diacritics(case["input"], **_options(case)) == case["expected"]


@pytest.mark.parametrize("case", cases("strip_diacritics"))
def test_case_through_the_vectorised_path(case):
    # Long text takes the numpy path; it must agree with the regex path exactly.
    repeats = _NUMPY_THRESHOLD // max(len(case["input"]), 1) + 1
    text = " ".join([case["input"]] * repeats)
    assert len(text) >= _NUMPY_THRESHOLD
    assert remove_diacritics(text, **_options(case)) == " ".join([case["expected"]] * repeats)


def test_decomposed_input_gives_the_decomposition_of_the_composed_result():
    text = "قَرَأَ مُحَمَّدٌ القُرْآنَ وَسَأَلَ عَنْ إِيمَانِهِ"
    nfd = unicodedata.normalize("NFD", text)
    assert unicodedata.normalize("NFC", remove_diacritics(nfd)) == remove_diacritics(text)


def test_unknown_mark_name_is_an_option_error():
    with pytest.raises(OptionError, match="unknown diacritic shada"):
        remove_diacritics("x", keep=["shada"])


def test_transform_is_picklable_and_equal_after_pickling():
    import pickle

    remover = DiacriticRemover(keep=frozenset({"shadda"}), remove_tatweel=True)
    clone = pickle.loads(pickle.dumps(remover))
    assert clone == remover
    assert clone("مُحَمَّدٌ") == "محمّد"
