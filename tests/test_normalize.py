import pickle

import pytest
from casefiles import cases

from arabic_tools import Normalizer, OptionError, normalize
from arabic_tools.normalize import groups


@pytest.mark.parametrize("case", cases("normalize"))
def test_case(case):
    assert normalize(case["input"], **case.get("settings", {})) == case["expected"]


@pytest.mark.parametrize("case", cases("normalize"))
def test_case_is_idempotent(case):
    once = normalize(case["input"], **case.get("settings", {}))
    assert normalize(once, **case.get("settings", {})) == once


def test_every_group_is_documented_with_its_default():
    for name, group in groups().items():
        assert group.description.strip(), name
        assert group.default is not None, name


def test_unknown_group_is_an_option_error():
    with pytest.raises(OptionError, match="unknown normalize group 'alif'"):
        normalize("x", alif=True)


def test_unknown_choice_is_an_option_error():
    with pytest.raises(OptionError, match="digits"):
        normalize("x", digits="roman")


def test_switching_off_an_on_off_group_with_a_choice_name_is_rejected():
    with pytest.raises(OptionError):
        normalize("x", alef="latin")


def test_transform_pickles():
    normalizer = Normalizer((("digits", "arabic"),))
    assert pickle.loads(pickle.dumps(normalizer))("2") == "\u0662"


def test_agrees_with_camel_tools_on_the_letter_groups():
    # Differential: camel-tools' normalizers and ours must agree where both apply.
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar

    text = "أحمد إلى آخر مدرسة على مستشفى"
    camel = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(text)))
    assert normalize(text, alef_maksura=True, teh_marbuta=True) == camel
