"""latinize: catalogue names in Arabic script written back in their Latin form."""

import json
import pickle
import random
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from arabic_tools.errors import InputError, OptionError, RuleError
from arabic_tools.latinize import (
    Entry,
    Latinizer,
    arabic_key,
    build_index,
    find_matches,
    latin_keys,
    load_index,
    read_catalogue,
    skeleton,
)
from arabic_tools import rulebook
from cli.main import app

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "examples" / "latinize-catalogue.tsv"
CASES = REPO / "tests" / "cases" / "latinize.yaml"


def _cases() -> list:
    params = []
    for case in yaml.safe_load(CASES.read_text(encoding="utf-8")):
        marks = []
        if case.get("expect", "pass") == "fail":
            marks.append(pytest.mark.xfail(strict=True, reason=case.get("comment", "known failure")))
        params.append(pytest.param(case, id=case["label"], marks=marks))
    return params


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Indexes go to a per-session folder, never to the user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def latinizer() -> Latinizer:
    return Latinizer(str(CATALOGUE))


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict, latinizer: Latinizer) -> None:
    if "min_score" in case:
        latinizer = Latinizer(latinizer.catalogue, min_score=case["min_score"])
    assert latinizer(case["input"]) == case["expected"]


# Keys: the model in rules/latinize.yaml


@pytest.mark.parametrize(("latin", "arabic"), [
    ("Sheeran", "شيران"),       # sh, ee, silent vowel
    ("Piaf", "بياف"),            # p is written with beh
    ("Dion", "ديون"),
    ("Thriller", "ثريلر"),       # th, doubled l
    ("Brighton", "برايتون"),     # igh
    ("Slaughter", "سلوتر"),      # augh
    ("Knox", "نوكس"),            # silent initial k
    ("Hunter", "هانتر"),         # u before two consonants as alef (a second English reading)
    ("Daft Punk", "دافت بانك"),
    ("Gustav", "غوستاف"),        # and as waw (the first)
    ("Heine", "هاينه"),          # a German final e as heh
    ("Goethe", "غوته"),          # German oe
    ("Domagoj", "دوماغوي"),      # j as y after a vowel too
    ("Majka", "مايكا"),
    ("Inge", "إنجي"),            # and as yeh
    ("Jacques", "جاك"),          # French qu and silent final es
    ("Rousseau", "روسو"),        # French ou, eau, double s
    ("Wałęsa", "فاونسا"),        # Polish w, ł, nasal ę
    ("Szymborska", "شيمبورسكا"),  # Polish sz
    ("Sienkiewicz", "سينكيفيتش"),  # Polish ie, w, cz
    ("Jiménez", "خيمينيز"),       # Spanish j
    ("Julio Iglesias", "خوليو إغليسياس"),
    ("Juanes", "خوانيس"),
    ("Giménez", "خيمينيز"),        # g before e or i as kh too
    ("José Feliciano", "خوسيه فيليسيانو"),  # c before e or i as s, final é as يه
    ("José Echegaray", "خوسيه إتشيغاراي"),  # ch
    ("Çoban", "جوبان"),          # Turkish ç as ج
    ("Kıvanç", "كيفانج"),
    ("Özcan", "أوزجان"),
    ("Çakır", "تشاكير"),         # and as تش, the English reading
    ("Karlovic", "كارلوفيتش"),     # Slavic -ic as تش (slavic_ic)
    ("Djokovic", "جوكوفيتش"),
    ("Edward", "ادوارد"),         # an initial vowel written as a bare alef (alef_vowels)
    ("Ingrid", "انغريد"),
    ("Oscar", "اسكار"),
    ("Ursula", "ارسولا"),
    ("Alain", "آلان"),            # French nasal vowels as ان
    ("Guérin", "غيران"),
    ("Laurent", "لوران"),
    ("Julien", "جوليان"),          # and -ien as يان
    ("Baudouin", "بودوان"),       # and -ouin as وان
    ("Dupont", "دوبون"),           # French endings with a silent consonant or e
    ("Roxane", "روكسان"),
    ("Albert Camus", "ألبير كامو"),  # an ending on any word of a name gives the reading
    ("Charles de Gaulle", "شارل ديغول"),  # the e of de, le is said
    ("Le Pen", "لوبان"),
    ("Johnson & Johnson", "جونسون آند جونسون"),  # & and n' are "and"
    ("Guns N' Roses", "غانز آند روزز"),
    ("The Rolling Stones", "رولينغ ستونز"),  # a name's "The" left out
    ("Sean Paul", "شون بول"),       # Irish Sean
    ("Bad Guy", "باد غاي"),         # guy
    ("H. G. Wells", "إتش جي ويلز"),  # initials and acronyms spelled out
    ("George W. Bush", "جورج دبليو بوش"),
    ("MC Hammer", "إم سي هامر"),
    ("BBC", "بي بي سي"),
    ("Maillé", "ماييه"),           # French -aill- as ي
    ("Mireille", "ميراي"),
    ("Steinmetz", "شتاينميتز"),    # German st as sht, tz as ts (the German reading)
    ("Stolz", "شتولتس"),
    ("Reich", "رايخ"),             # and ch as kh
    ("Licht", "ليخت"),
    ("Neuer", "نوير"),             # and eu as oi
    ("Luhrmann", "لورمان"),        # and the h that makes a vowel long not written
    ("Nordahl", "نوردال"),
    ("Ronaldinho", "رونالدينيو"),  # Portuguese nh as ny, lh as ly
    ("Carvalho", "كارفاليو"),
    ("Frau", "فراو"),              # vowel pairs said apart: au, ea, oa
    ("Dawson", "داوسون"),
    ("Munteanu", "مونتيانو"),
    ("Pessoa", "بيسوا"),
])
def test_latin_reading_matches_arabic_rendering(latin: str, arabic: str) -> None:
    assert arabic_key(arabic) in latin_keys(latin)


def test_only_a_vowel_letter_before_a_consonant_gets_the_alef_reading() -> None:
    # The reading adds ALEF's class for the first vowel, and nothing else.
    assert latin_keys("Ingrid") == ("iNGRiD", "aNGRiD")
    # Au and ai are written with waw or yeh (اودري); y and w are consonants there;
    # a vowel before a vowel is not a vowel Arabic writes with a bare alef.
    for name in ("Audrey", "Yvonne", "Wladimir", "Ea"):
        assert all(key[0] != "a" for key in latin_keys(name)), name
    # The same in subclasses, where the y of Young is Y, a subclass of the vowel class i.
    assert latin_keys("E Young") == ("iuNG",) and latin_keys("E Young", fine=True) == ("iYuNG",)


def test_spelled_out_words_are_said_in_a_word_per_letter(tmp_path: Path) -> None:
    # Each letter of an acronym is a word of its own in Arabic, so بي بي سي (three
    # words) is within reach of BBC (one); Roman numerals are not spelled out (Henry
    # VIII is هنري الثامن, a translation).
    from arabic_tools.latinize import _latin_readings, rules

    compiled = rules()
    assert ("BiBiSi", 3) in _latin_readings("BBC", compiled)
    assert ("iCaNDiM", 3) in _latin_readings("H&M", compiled)
    assert ("GuRGDBLiuBuC", 3) in _latin_readings("George W. Bush", compiled)
    assert all(words == 2 for _, words in _latin_readings("Henry VIII", compiled))
    assert build_index([Entry("BBC"), Entry("Bebe")]).max_words == 3
    assert Latinizer(_catalogue(tmp_path, "BBC", "Bebe"))("افتح اخبار بي بي سي") == "افتح اخبار BBC"


@pytest.mark.parametrize(("one", "other"), [
    ("مدرسة", "مدرسه"),          # teh marbuta / heh
    ("ليلى", "ليلا"),            # alef maksura / alef
    ("أنا", "انا"),              # hamza seats
    ("إد شيران", "إدشيران"),     # missing space
])
def test_asr_variants_have_one_key(one: str, other: str) -> None:
    assert arabic_key(one) == arabic_key(other)


def test_subclasses_are_part_of_their_class() -> None:
    # Matching sees only classes: ASR mixes up ز and س, ث and ت.
    assert arabic_key("زوزانا") == arabic_key("سوسانا") == latin_keys("Zuzana")[0] == latin_keys("Susana")[0]
    assert arabic_key("زوزانا", fine=True) == latin_keys("Zuzana", fine=True)[0] != latin_keys("Susana", fine=True)[0]


@pytest.mark.parametrize(("arabic", "latin"), [("زوزانا", "Zuzana"), ("سوسانا", "Susana"), ("ييلا", "Yella"),
                                               ("إيلا", "Ella"), ("سياني", "Siani"), ("زياني", "Ziani")])
def test_subclasses_break_near_ties(tmp_path: Path, arabic: str, latin: str) -> None:
    # Each pair of entries has one key; the letters the Arabic chose tell them apart,
    # whichever comes first in the catalogue or is more frequent.
    catalogue = tmp_path / "names.txt"
    for order in (["Zuzana", "Susana", "Ella", "Yella", "Siani", "Ziani"],
                  ["Susana", "Zuzana", "Yella", "Ella", "Ziani", "Siani"]):
        catalogue.write_text("\n".join(order) + "\n", encoding="utf-8")
        assert Latinizer(str(catalogue), cache_dir=str(tmp_path / "cache"))(arabic) == latin


def test_skeleton_drops_vowel_classes() -> None:
    assert skeleton(arabic_key("سيلين ديون")) == "SLNDN"


# Matching


def test_plain_word_frequencies_are_wordfreqs() -> None:
    # _zipf skips wordfreq's tokenizer for words of plain letters; it must give the
    # same value for frequent, rare and unknown words.
    from wordfreq import top_n_list, zipf_frequency

    latinize_module = sys.modules["arabic_tools.latinize"]
    words = top_n_list("ar", 200_000)[::97] + ["تايلور", "قققققق", "ب", "إد", "آلان", "ئ"]
    plain = [w for w in words if latinize_module._PLAIN_ARABIC.fullmatch(w)]
    assert len(plain) > 1500
    assert [latinize_module._plain_zipf((w,), "ar") for w in plain] == [zipf_frequency(w, "ar") for w in plain]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_plain_latin_frequencies_are_wordfreqs(language: str) -> None:
    # prior() skips the tokenizer for names of ASCII letters and spaces, one word or
    # several, known or not.
    from wordfreq import top_n_list, zipf_frequency

    latinize_module = sys.modules["arabic_tools.latinize"]
    words = [w for w in top_n_list(language, 100_000)[::53] if w.isascii() and w.isalpha()]
    texts = [w.capitalize() for w in words] + [f"{a} {b}" for a, b in zip(words, words[7:])] + \
        ["Ed Sheeran", "Shape of You", "Xyzzyq", "Zuzana Qwfp", "I"]
    assert all(latinize_module._PLAIN_LATIN.fullmatch(t) for t in texts) and len(texts) > 2500
    assert [latinize_module._latin_zipf(t, language) for t in texts] == [zipf_frequency(t, language) for t in texts]


def _catalogue(tmp_path: Path, *entries: str) -> str:
    """The path of a catalogue of ``entries``, one a line."""
    path = tmp_path / "c.txt"
    path.write_text("\n".join(entries) + "\n", encoding="utf-8")
    return str(path)


def test_frequent_arabic_words_are_never_replaced(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, "Low", "Man", "Fee")
    assert Latinizer(catalogue)("لو سمحت من في") == "لو سمحت من في"


def test_a_suffixed_word_counts_as_frequent_as_its_stem() -> None:
    # The tokenizer's statistics decide whether a word is a stem and a pronoun suffix:
    # اغنيتي is اغنية + -i "my song", as common as its stem; بيلي (Billy) is no
    # بيل + -i, and keeps its own frequency.
    from arabic_tools.latinize import _matcher, _zipf, rules

    matcher = _matcher(build_index([Entry("Agnetha"), Entry("Billy")]), rules())
    assert matcher.word_frequency("اغنيتي") == _zipf("اغنية") > _zipf("اغنيتي")
    assert matcher.word_frequency("بيلي") == _zipf("بيلي") < _zipf("بيل")


def test_li_and_the_article_are_never_read_as_part_of_a_name(tmp_path: Path) -> None:
    # للون is li + al + lawn "for the colour"; لليونيل is li + Lionel.
    catalogue = _catalogue(tmp_path, "Loan", "Lionel Richie", "On Ritchie")
    latinize = Latinizer(catalogue)
    assert latinize("غير للون") == "غير للون"
    assert latinize("اغنية لليونيل ريتشي") == "اغنية لـLionel Richie"


def test_the_article_and_a_known_word_is_not_a_name_read_whole(tmp_path: Path) -> None:
    # الفين is al + fain, "two thousand"; بيرتو is no word, so البيرتو is Alberto.
    catalogue = _catalogue(tmp_path, "Alvin", "Alberto")
    latinize = Latinizer(catalogue)
    assert latinize("ممكن الفين وخمسطعش ريال") == "ممكن الفين وخمسطعش ريال"
    assert latinize("شغل اغاني البيرتو") == "شغل اغاني Alberto"


def test_unknown_long_strings_need_less(tmp_path: Path) -> None:
    # Neither word is Arabic (wordfreq knows neither); the span scores 0.877, under
    # the default --min-score of 0.9. wordfreq knows بتهوفن (0.836 against Beethoven),
    # so li + بتهوفن is not unknown either.
    catalogue = _catalogue(tmp_path, "Engelbert Humperdinck", "Beethoven")
    latinize = Latinizer(catalogue)
    assert latinize("شغل انجلبرت همبرديك") == "شغل Engelbert Humperdinck"
    assert latinize("اغنية لبتهوفن") == "اغنية لبتهوفن"
    assert Latinizer(catalogue, min_score=0.8)("اغنية لبتهوفن") == "اغنية لـBeethoven"
    # The allowance is taken off --min-score: at 0.97 the span needs 0.89.
    assert Latinizer(catalogue, min_score=0.97)("شغل انجلبرت همبرديك") == "شغل انجلبرت همبرديك"


def test_a_function_word_counts_for_less_in_a_longer_span(tmp_path: Path) -> None:
    # دي (Zipf 5.3) is a function word; أونوريه دي بلزاك scores 0.968 against Honoré de
    # Balzac (a vowel of Balzac is not written), under the 0.97 a span of two words with
    # a function word needs.
    from arabic_tools.latinize import _matcher, rules

    compiled = rules()
    precision = compiled.precision
    catalogue = _catalogue(tmp_path, "Honoré de Balzac")
    assert Latinizer(catalogue)("ابي كتب أونوريه دي بلزاك") == "ابي كتب Honoré de Balzac"
    matcher = _matcher(build_index([Entry("Honoré de Balzac")]), compiled)
    assert matcher.gate(["دي", "بلزاك"], 0.9)[0] == precision.function_word_score
    assert matcher.gate(["أونوريه", "دي", "بلزاك"], 0.9)[0] == pytest.approx(
        precision.function_word_score - precision.function_word_per_word)
    # Never less than the span would need without the function word.
    assert matcher.gate(["أونوريه", "دي", "بلزاك"], 0.99)[0] == 0.99


def test_longest_match_wins(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, "Ed", "Ed Sheeran")
    assert Latinizer(catalogue)("اسمع إد شيران") == "اسمع Ed Sheeran"


def test_one_entry_for_two_words_beats_two_entries(tmp_path: Path) -> None:
    # Ayew (0.986) and Montano (0.966) each fit one word better than Yves Montand
    # (0.956) fits both; the two-word match wins by precision.longer_span.
    catalogue = _catalogue(tmp_path, "Ayew", "Montano", "Yves Montand")
    assert Latinizer(catalogue)("شغل ايف مونتان") == "شغل Yves Montand"


def test_join_option_controls_the_proclitic_form(tmp_path: Path) -> None:
    assert Latinizer(str(CATALOGUE), join=" ")("لإد شيران") == "ل Ed Sheeran"


def test_latin_text_and_digits_pass_through(latinizer: Latinizer) -> None:
    assert latinizer("play Ed Sheeran 2024") == "play Ed Sheeran 2024"


def test_matches_report_offsets_and_entries(latinizer: Latinizer) -> None:
    index, _ = load_index(CATALOGUE)
    text = "شغل شيب اوف يو لإد شيران"
    matches = find_matches(text, index)
    assert [(m.start, m.end, m.arabic, m.proclitic, m.entry, m.type) for m in matches] == [
        (4, 14, "شيب اوف يو", "", "Shape of You", "song"),
        (15, 24, "لإد شيران", "\u0644", "Ed Sheeran", "artist"),
    ]
    assert all(0.85 <= m.score <= 1.0 for m in matches)


def test_jsonl_format_lists_matches_and_candidates() -> None:
    record = json.loads(Latinizer(str(CATALOGUE), output_format="jsonl", candidates=2)("شغل سترومي"))
    assert record["input"] == "شغل سترومي"
    assert record["output"] == "شغل Stromae"
    (match,) = record["matches"]
    assert (match["start"], match["end"], match["arabic"], match["entry"], match["type"]) == \
        (4, 10, "سترومي", "Stromae", "artist")
    assert 1 <= len(match["candidates"]) <= 2 and match["candidates"][0]["entry"] == "Stromae"


def test_transform_pickles_small(latinizer: Latinizer) -> None:
    latinizer("")  # index loaded in this process
    data = pickle.dumps(latinizer)
    assert len(data) < 500
    assert pickle.loads(data)("ابغى اسمع سيلين ديون") == "ابغى اسمع Céline Dion"



def test_ranking_skips_only_candidates_that_cannot_matter() -> None:
    """_ranked scores the promising candidates only; scoring every one gives the same answer.

    The answer may be empty instead when no entry reaches the floor (find_matches drops
    those). The queries are catalogue keys with one class deleted, inserted or changed,
    against frequent English words (large frequency bonuses) and copies with the same
    key (more near ties than the ranking keeps); known renderings score 1.
    """
    from wordfreq import top_n_list

    latinize_module = sys.modules["arabic_tools.latinize"]
    entries = read_catalogue(CATALOGUE.read_bytes(), str(CATALOGUE))
    entries += [Entry(word) for word in top_n_list("en", 400)]
    entries += [Entry(f"{e.latin}{'!' * n}", e.type) for e in entries[:3] for n in range(1, 40)]
    index = build_index(entries)
    matcher = latinize_module._Matcher(index, latinize_module.rules())
    rng = random.Random(1)
    queries = set()
    for latin in [e.latin for e in entries[:440:2]]:
        key = latin_keys(latin)[0]
        position = rng.randrange(len(key))
        queries |= {key, key[:position] + key[position + 1:], key[:position] + rng.choice("aiuBTDSKLMNR") + key[position:],
                    key[:position] + rng.choice("BTDSKLMNR") + key[position + 1:]}
    compared = 0
    for key in sorted(queries):
        if not skeleton(key):
            continue
        words = rng.choice((1, 1, 2))
        for floor in sorted(rng.sample(range(600, 1001), 12)):
            floor /= 1000
            for width in (1, 3):
                variants = matcher._compared(key, words, floor, index.candidates(key))
                expected = matcher._best(*matcher._scores(key, words, variants), width) if len(variants) else ()
                answer = matcher._ranked(key, words, width, floor)
                if answer != expected:
                    assert not answer and expected[0][0] < floor - latinize_module.FLOOR_SLACK, (key, floor)
                compared += bool(answer)
    assert compared > 1000


def test_the_compiled_loop_runs_where_its_machine_code_cannot_be_cached() -> None:
    """numba caches compiled code next to the source file or in its user cache; where
    it can do neither (here: code with no file), the loop is compiled in the process."""
    import numpy as np

    from arabic_tools.latinize_kernels import _compiled

    namespace: dict[str, object] = {}
    exec("def total(values):\n    result = 0\n    for value in values:\n        result += value\n    return result",
         namespace)
    assert _compiled(namespace["total"])(np.arange(5)) == 10


def test_the_floor_is_what_the_most_frequent_entry_needs() -> None:
    """find_matches asks the ranking for entries reaching what a span needs of the most
    frequent entry it could be, in its context: no entry, in no lesser context, needs less."""
    from wordfreq import top_n_list

    latinize_module = sys.modules["arabic_tools.latinize"]
    entries = [Entry(word) for language in ("en", "fr") for word in top_n_list(language, 300)]
    entries += [Entry("Taylor Swift"), Entry("Céline Dion"), Entry("New York, New York")]
    matcher = latinize_module._Matcher(build_index(entries), latinize_module.rules())
    priors = [matcher.prior(number) for number in range(len(entries))]
    assert max(priors) <= matcher.most_prior < max(priors) + 0.5
    spans = [["تايلور"], ["اغاني"], ["في"], ["سالينكاروس"], ["شغل", "تايلور"], ["لو", "سمحت"], ["يو"],
             ["شيب", "اوف", "يو"]]
    for words in spans:
        for alone in (False, True):
            for unknown in (False, True):
                for context in (-2.0, 0.0, 1.5):
                    reach = matcher.needed(words, 0.9, alone, matcher.most_prior, unknown, context)
                    for prior in sorted(set(priors))[::10]:
                        for lesser in (context - 1.0, 0.0 if context > 0 else context, context):
                            assert matcher.needed(words, 0.9, alone, prior, unknown, lesser) >= reach, \
                                (words, alone, unknown, context, prior)


def test_two_consonants_need_more_unless_vowel_letters_make_a_longer_word(tmp_path: Path) -> None:
    """A span of two consonant classes needs ``short_score`` (0.97) while its key is
    ``short_key`` classes or fewer: عتال (Attal, 0.955) stays, يوسبيو (Eusébio, 0.965)
    does not need it."""
    catalogue = tmp_path / "catalogue.txt"
    catalogue.write_text("Eusébio\nAttal\n", encoding="utf-8")
    latinizer = Latinizer(str(catalogue), output_format="jsonl", candidates=1, min_score=0.5)
    records = {text: json.loads(latinizer(text)) for text in ("شغل يوسبيو", "شغل عتال")}
    assert records["شغل يوسبيو"]["output"] == "شغل Eusébio"
    assert records["شغل عتال"]["output"] == "شغل عتال"
    assert [(m["entry"], m["score"] < 0.97) for m in records["شغل يوسبيو"]["matches"]] == [("Eusébio", True)]
    assert Latinizer(str(catalogue), min_score=0.9)("شغل عتال وصل") == "شغل عتال وصل"


def test_marked_letters_cost_unless_the_spelling_licenses_them() -> None:
    """A letter for a sound English and French lack (QAF, KHAH, AIN...) costs ``marked_letter``
    once for each time it occurs, unless the entry's spelling has a group that renders it
    (``marked`` in rules/latinize.yaml); a known rendering pays nothing."""
    import numpy as np

    latinize_module = sys.modules["arabic_tools.latinize"]
    compiled = latinize_module.rules()
    entries = [Entry(latin) for latin in ("Qasim", "Khaled", "Tom", "Gary", "Othman", "Saad")]
    matcher = latinize_module._Matcher(build_index(entries), compiled)
    numbers = np.arange(len(entries), dtype=np.int32)
    cost = compiled.precision.marked_letter
    for marks, expected in [("\u0642", [0, 1, 1, 0, 1, 1]),                 # QAF: q or g
                            ("\u062e", [1, 0, 1, 1, 0, 1]),                 # KHAH: kh, h...
                            ("\u0642\u062e\u0642", [1, 2, 3, 1, 2, 3]),
                            ("\u063a\u062b\u0639", [3, 3, 3, 2, 2, 2])]:   # GHAIN, THEH, AIN
        for _ in range(2):  # worked out, then remembered
            assert matcher.unlicensed(marks, numbers, np.zeros(len(entries), dtype=bool)).tolist() == \
                pytest.approx([cost * n for n in expected]), marks
    known = np.array([True, False, True, False, False, False])
    assert matcher.unlicensed("\u0642", numbers, known).tolist() == pytest.approx([0, cost, 0, 0, cost, cost])


def test_reachable_rejects_only_skeletons_near_no_slot() -> None:
    """_Matcher.reachable may let through a skeleton near no slot, never reject one near a slot.

    The queries are slot strings of entries of one to three words, some with classes
    added, with one class deleted, inserted or changed; a rejected one must have no
    deletion neighbour among the slots.
    """
    from wordfreq import top_n_list

    latinize_module = sys.modules["arabic_tools.latinize"]
    rng = random.Random(2)
    words = top_n_list("en", 3000)
    entries = [Entry(" ".join(rng.sample(words, rng.choice((1, 2, 3))))) for _ in range(3000)]
    index = build_index(entries)
    matcher = latinize_module._Matcher(index, latinize_module.rules())
    classes = "BTDSCGKHFLMNR"
    rejected = passed = 0
    for slot in rng.sample(sorted(s for s in index.slots if len(s) >= 5), 4000):
        skel = slot + "".join(rng.choice(classes) for _ in range(rng.randrange(3)))
        position = rng.randrange(len(skel))
        for query in (skel, skel[:position] + skel[position + 1:], skel[:position] + rng.choice(classes) + skel[position:],
                      skel[:position] + rng.choice(classes) + skel[position + 1:]):
            if matcher.reachable(query):
                passed += not matcher.index.slots.keys().isdisjoint(latinize_module._neighbours(query))
            else:
                rejected += 1
                assert matcher.index.slots.keys().isdisjoint(latinize_module._neighbours(query)), query
    assert rejected > 1000 and passed > 1000


@pytest.mark.parametrize("options", [{"min_score": 1.5}, {"output_format": "xml"}, {"candidates": -1}])
def test_bad_options_are_option_errors(options: dict) -> None:
    with pytest.raises(OptionError):
        Latinizer(str(CATALOGUE), **options)


# Catalogue and index


def test_catalogue_tsv_with_known_renderings() -> None:
    entries = read_catalogue("Netflix\tapp\tنتفليكس|نيتفلكس\nZaz\n".encode(), "c.tsv")
    assert [(e.latin, e.type, e.renderings) for e in entries] == [
        ("Netflix", "app", ("نتفليكس", "نيتفلكس")), ("Zaz", "", ())]


def test_catalogue_errors_name_file_and_line() -> None:
    with pytest.raises(InputError, match=r"^c.tsv:2: 4 fields"):
        read_catalogue(b"Zaz\na\tb\tc\td\n", "c.tsv")
    with pytest.raises(InputError, match=r"^c.tsv:1: not valid UTF-8"):
        read_catalogue(b"\xff\n", "c.tsv")


def test_index_is_cached_by_content(tmp_path: Path) -> None:
    catalogue = tmp_path / "c.txt"
    catalogue.write_text("Zaz\n", encoding="utf-8")
    _, first = load_index(catalogue, tmp_path / "cache")
    assert first.is_file()
    catalogue.write_text("Zaz\nIndila\n", encoding="utf-8")
    index, second = load_index(catalogue, tmp_path / "cache")
    assert second != first and index.entries == ["Zaz", "Indila"]


def test_cached_index_reads_back_equal(tmp_path: Path) -> None:
    import numpy as np

    catalogue = tmp_path / "c.tsv"
    catalogue.write_text("Zaz\tartist\tزاز\nEd Sheeran\nIndila\tsinger\n", encoding="utf-8")
    built, path = load_index(catalogue, tmp_path / "cache")
    read, again = load_index(catalogue, tmp_path / "cache")
    assert again == path and read is not built
    for name, value in vars(built).items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(getattr(read, name), value) and getattr(read, name).dtype == value.dtype, name
        else:
            assert getattr(read, name) == value, name


def test_a_pickle_in_the_cache_is_never_loaded(tmp_path: Path) -> None:
    # Someone who can write to the cache directory must not be able to run code.
    catalogue = tmp_path / "c.txt"
    catalogue.write_text("Zaz\n", encoding="utf-8")
    _, path = load_index(catalogue, tmp_path / "cache")
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (Path.write_text, (marker, "x"))

    path.write_bytes(pickle.dumps(Payload()))
    index, _ = load_index(catalogue, tmp_path / "cache")
    assert not marker.exists() and index.entries == ["Zaz"]


def test_build_index_keeps_entry_order() -> None:
    index = build_index(read_catalogue(b"Zaz\nIndila\n", "c"))
    assert index.entries == ["Zaz", "Indila"] and index.max_words == 1


def test_rule_file_errors_name_the_entry() -> None:
    text = (REPO / "rules" / "latinize.yaml").read_text(encoding="utf-8")
    broken = text.replace("  english:\n", '  english:\n    - {spell: "zz", sound: "J"}\n', 1)
    with pytest.raises(RuleError, match=r"latin\.english\[0\]\.sound: 'J' is not one of the classes"):
        rulebook.check(rulebook.parse(broken, "latinize.yaml"))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("extends: english", "extends: french", r"latin\.english_short_u\.extends: 'french' is not a language listed before"),
    ("extends: english", "base: english", r"latin\.english_short_u: unknown field 'base'"),
    ('{2}", sound: "a"}', '{2}", sound: "J"}', r"latin\.english_short_u\.groups\[0\]\.sound: 'J' is not one of the classes"),
    ("  Z: S ", "  S: S ", r"subclasses\.S: a subclass name must be one ASCII letter that is not a class"),
    ("  Z: S ", "  Z: J ", r"subclasses\.Z: 'J' is not one of the classes"),
    ("  TC: C", "  EC: C", r"joins: joins are written in classes, not subclasses"),
    ('alef_vowels: "eiou', 'alef_vowels: "Eiou', r"alef_vowels: must be lower-case letters"),
    ('alef_vowels: "eiou', 'alef_vowels: "-eiou', r"alef_vowels: must be lower-case letters"),
    ('alef_vowels: "eiou', "alef_vowels: [e]\n#", r"alef_vowels: .*str"),
    ('    w: "DBLiu"', '    W: "DBLiu"', r"spelled\.letters\.W: must be one lower-case character"),
    ('    w: "DBLiu"', '    w: "DBLJu"', r"spelled\.letters\.w: 'J' is not one of the classes"),
    ('  words: "(?![IVX]', '  words: "(?![IVX', r"spelled\.words: not a valid pattern"),
    ("  letters:\n    a:", "  names:\n    a:", r"spelled: unknown field 'names'"),
])
def test_structure_errors_name_the_entry(old: str, new: str, message: str) -> None:
    text = (REPO / "rules" / "latinize.yaml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(RuleError, match=message):
        rulebook.check(rulebook.parse(text.replace(old, new, 1), "latinize.yaml"))


# Command line

runner = CliRunner()


def test_cli_replaces_names_line_by_line() -> None:
    result = runner.invoke(app, ["latinize", "--catalogue", str(CATALOGUE)],
                           input="شغل شيب اوف يو لإد شيران\r\nوش الطقس\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "شغل Shape of You لـEd Sheeran\r\nوش الطقس\n".encode()


def test_cli_tsv_field() -> None:
    result = runner.invoke(app, ["latinize", "-c", str(CATALOGUE), "-f", "2"], input="1\tشغل زاز\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "1\tشغل Zaz\n".encode()


def test_cli_missing_catalogue_is_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["latinize", "-c", str(tmp_path / "none.txt")], input=b"x\n")
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {tmp_path / 'none.txt'}: No such file or directory\n"
    assert result.stdout_bytes == b""


def test_cli_bad_catalogue_line_is_exit_1(tmp_path: Path) -> None:
    catalogue = tmp_path / "c.tsv"
    catalogue.write_text("Zaz\n\nA\tB\tC\tD\n", encoding="utf-8")
    result = runner.invoke(app, ["latinize", "-c", str(catalogue), "--cache-dir", str(tmp_path)], input=b"x\n")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"arabic-tools: {catalogue}:3: 4 fields")


def test_cli_bad_min_score_is_usage_error() -> None:
    result = runner.invoke(app, ["latinize", "-c", str(CATALOGUE), "--min-score", "2"], input=b"x\n")
    assert result.exit_code == 2
    assert "--min-score must be between 0 and 1" in result.stderr


def test_cli_catalogue_is_required() -> None:
    result = runner.invoke(app, ["latinize"], input=b"x\n")
    assert result.exit_code == 2


def test_cli_index_command_writes_the_cache(tmp_path: Path) -> None:
    result = runner.invoke(app, ["latinize-index", str(CATALOGUE), "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.parent == tmp_path and path.suffix == ".npz" and path.is_file()


def test_cli_index_command_reports_unwritable_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["latinize-index", str(CATALOGUE), "--cache-dir", str(blocker / "sub")])
    assert result.exit_code == 1
    assert result.stderr.startswith("arabic-tools: ") and "cannot write the index cache" in result.stderr


def test_cli_missing_lexicon_is_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["latinize", "-c", str(CATALOGUE), "--lexicon", str(tmp_path / "none.db")],
                           input="شغل زاز\n".encode())
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {tmp_path / 'none.db'}: No such file or directory\n"
    assert result.stdout_bytes == b""


def test_cli_lexicon_by_a_name_camel_tools_does_not_list_is_usage_error(camel_catalogue) -> None:
    camel_catalogue({})
    result = runner.invoke(app, ["latinize", "-c", str(CATALOGUE), "--lexicon", "calima-xyz"], input="شغل زاز\n".encode())
    assert result.exit_code == 2
    assert "calima-xyz: not a file, nor a database name camel-tools lists" in " ".join(result.stderr.split())
    assert result.stdout_bytes == b""


# Accuracy on the development data (benchmarks/eval_latinize.py measures all of it).
# A sample keeps these fast; the issue's thresholds are not reached yet, so they are
# known failures, and the achieved levels are guarded against regressions.


def _recovery_rate(shared_data: Path, count: int) -> float:
    import random

    pairs: dict[str, set[str]] = {}
    for line in (shared_data / "translit" / "dev_pairs.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        latin, arabic, _, _ = line.split("\t")
        pairs.setdefault(arabic, set()).add(latin)
    names = sorted(pairs)
    random.Random(4).shuffle(names)
    latinize = Latinizer(str(shared_data / "translit" / "dev_catalogue.txt"))
    return sum(latinize(a) in pairs[a] for a in names[:count]) / count


def test_name_recovery_does_not_regress(shared_data: Path) -> None:
    assert _recovery_rate(shared_data, 600) >= 0.74


@pytest.mark.xfail(strict=True, reason="top-1 name recovery is about 0.76 on this sample, the issue asks for 0.85")
def test_name_recovery_meets_issue_threshold(shared_data: Path) -> None:
    assert _recovery_rate(shared_data, 600) >= 0.85


def test_ordinary_words_are_left_alone_in_massive(shared_data: Path) -> None:
    """False positives on MASSIVE ar-SA lines without name slots (a sample; issue: <= 0.5%)."""
    import re

    slot = re.compile(r"\[(\w+) : ")
    lines = []
    with open(shared_data / "massive" / "ar-SA.train-dev.jsonl", encoding="utf-8") as stream:
        for record in map(json.loads, stream):
            if not slot.search(record["annot_utt"]):
                lines.append(record["utt"])
    latinize = Latinizer(str(shared_data / "translit" / "dev_catalogue.txt"))
    changed = sum(latinize(u) != u for u in lines[:1500])
    assert changed / 1500 <= 0.015  # 14 lines (0.9%) now; the issue asks for 0.5% (with 10,000 English words)


def test_a_french_final_e_sound_is_yeh_heh(tmp_path: Path) -> None:
    # Arabic writes the e of Olivier, Jacquet and Doré with YEH + HEH (أوليفييه، جاكيه،
    # دوريه); the English reading (olivyer, jakwet) does not come close enough.
    latinize = Latinizer(_catalogue(tmp_path, "Olivier", "Jacquet", "Doré"))
    assert latinize("كم عمر أوليفييه") == "كم عمر Olivier"
    assert latinize("جاكيه") == "Jacquet"
    assert latin_keys("Doré")[-1].endswith("ia")


def test_a_french_final_ault_is_o(tmp_path: Path) -> None:
    assert latin_keys("Foucault")[:2] == ("FuKuLT", "FuKu")  # the French reading, after the English one
    assert Latinizer(_catalogue(tmp_path, "Foucault"))("كتب فوكو") == "كتب Foucault"


def test_a_lexicon_counts_only_readings_with_attested_lexemes(tmp_path: Path, shared_data: Path) -> None:
    # CALIMA MSA reads كورشين as ka + warish "like a dabbler" and ماكولي as ma'kul + -i,
    # lexemes its corpus never attested (pos_lex_logprob -99): no evidence against the
    # names. الفين "two thousand" is an attested word and stays Arabic.
    database = str(shared_data / "camel" / "calima-msa-r13.db")
    latinize = Latinizer(_catalogue(tmp_path, "Courchesne", "Macaulay", "Alvin"), lexicons=(database,))
    assert latinize("كورشين") == "Courchesne"
    assert latinize("شغل ماكولي") == "شغل Macaulay"
    assert latinize("في الفين") == "في الفين"


def test_the_context_counts_unless_the_lexicon_knows_every_word_of_a_span(tmp_path: Path, shared_data: Path) -> None:
    # كروز "cruise" is an ordinary word to the databases and مونيكا is not: after كم عمر
    # "how old is" the span is Mónica Cruz. بيتي "my house" is ordinary, and no context
    # makes it Petty.
    databases = tuple(str(shared_data / "camel" / name) for name in ("calima-glf-01.db", "calima-msa-r13.db"))
    latinize = Latinizer(_catalogue(tmp_path, "Mónica Cruz", "Monica", "Petty"), lexicons=databases)
    assert latinize("كم عمر مونيكا كروز") == "كم عمر Mónica Cruz"
    assert latinize("كم عمر بيتي") == "كم عمر بيتي"


# --- where names occur (latinize_context)

NEUTRAL_CONTEXT = """kind: latinize-context
description: No word says more than any other.
source: tests
slots: [person]
total: [1, 20]
line_start: [1, 20]
line_end: [1, 20]
in_names: [1, 20]
words: {}
"""


@pytest.mark.parametrize(("entry", "line", "shipped", "neutral"), [
    # سميرة is a common word of Arabic text (Samira, a common name); after كم عمر "how
    # old is", a name is far likelier than after any word.
    ("Samira", "كم عمر سميرة", "كم عمر Samira", "كم عمر سميرة"),
    # نكتة "joke" sounds like Nikita. It is a rare word of Arabic text, but a common one
    # of commands (قول لي نكتة), and the annotated commands never had it in a name.
    ("Nikita", "نكتة", "نكتة", "Nikita"),
    # The word after a span counts too: كلم "call" says little, but وقول "and tell"
    # follows names far more often than other words.
    ("Samira", "كلم سميرة وقول لها اني جاي", "كلم Samira وقول لها اني جاي", "كلم سميرة وقول لها اني جاي"),
])
def test_where_names_occur_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str, line: str,
                                  shipped: str, neutral: str) -> None:
    """The shipped latinize-context counts decide, against counts that favour no word."""
    catalogue = _catalogue(tmp_path, entry, "Leila")
    assert Latinizer(catalogue)(line) == shipped
    overlay = tmp_path / "rules"
    overlay.mkdir()
    (overlay / "latinize-context.yaml").write_text(NEUTRAL_CONTEXT, encoding="utf-8")
    monkeypatch.setenv("ARABIC_TOOLS_RULES", str(overlay))
    assert Latinizer(catalogue)(line) == neutral


def test_context_counts_make_a_rule_file() -> None:
    from arabic_tools.latinize_context import LINE_END, compile_context, count, rule_file
    from arabic_tools.slots import parse

    utterances = [parse(text) for text in (
        "كم عمر [person : سميرة]", "كم عمر [person : ليلى]", "كم عمر البرج", "[person : سميرة] عمرها كم",
        "قول لي [time : الساعة]", "قول لي نكتة", "شغل [song_name : فوق]")]
    counts = count(utterances, ["person"])
    assert (counts.names_after["عمر"], counts.words_after["عمر"]) == (2, 3)
    assert (counts.names_after["شغل"], counts.words_after["شغل"]) == (0, 1)  # song_name is not asked for
    assert (counts.in_names["سميره"], counts.seen["سميره"]) == (2, 2)  # folded: teh marbuta as heh
    assert (counts.in_names["فوق"], counts.seen["فوق"]) == (0, 1)
    assert (counts.names_before["عمرها"], counts.words_before["عمرها"]) == (1, 1)
    assert (counts.names_before[LINE_END], counts.words_before[LINE_END]) == (2, 7)  # lines ending in a name
    context = compile_context(rulebook.parse(rule_file(counts, "tests", ["person"], min_count=1), "c.yaml"))
    assert context.evidence("عمر", 1.0, 3.0) > 0 > context.evidence("قول", 1.0, 3.0)
    assert context.evidence("أغنية", 1.0, 3.0) == 0.0  # a word the counts do not know
    assert context.evidence("عمر", 1.0, 0.1) == 0.1  # capped
    assert context.name_word("سميرة", 1.0, 3.0) > 0 > context.name_word("نكتة", 1.0, 3.0)
    assert context.name_word("أغنية", 1.0, 3.0) == 0.0
    assert context.evidence_before("عمرها", 1.0, 3.0) > 0 > context.evidence_before("كم", 1.0, 3.0)
    assert context.evidence_before(None, 1.0, 3.0) > 0  # two lines of seven end in a name


@pytest.mark.parametrize("words, message", [
    ('{"عمر": [3, 2, 0, 2, 0, 2]}', "counts more names than words"),
    ('{"عمر": [0, 2, 3, 2, 0, 2]}', "counts more names than words"),
    ('{"عمر": [0, 2, 0, 2, 3, 2]}', "counts more names than words"),
    ('{"عمر": [1, 2, 0, 2]}',
     "must be [names after, words after, in names, seen, names before, words before], 6 counts"),
    ('{"أغنية": [1, 2, 0, 2, 0, 2]}', "must be a word as context_word writes it"),
])
def test_context_rule_errors_name_the_entry(words: str, message: str) -> None:
    from arabic_tools.latinize_context import compile_context

    text = NEUTRAL_CONTEXT.replace("words: {}", f"words: {words}")
    with pytest.raises(RuleError, match=rf"c\.yaml: words\.\S+: {re.escape(message)}"):
        compile_context(rulebook.parse(text, "c.yaml"))


def test_cli_context_command_counts_annotated_text(tmp_path: Path) -> None:
    source = tmp_path / "utterances.txt"
    source.write_text("كم عمر [person : سميرة]\nكم عمر [person : ليلى]\nكم عمر البرج\nشغل [artist_name : فيروز]\n",
                      encoding="utf-8")
    out = tmp_path / "latinize-context.yaml"
    result = runner.invoke(app, ["latinize-context", str(source), "--format", "text", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    written = rulebook.parse(out.read_text(encoding="utf-8"), str(out))
    assert written.kind == "latinize-context" and written.get("words", Mapping)["عمر"] == (2, 3, 0, 3, 0, 3)
    rulebook.check(written)


def test_cli_context_command_bad_line_is_exit_1(tmp_path: Path) -> None:
    source = tmp_path / "utterances.txt"
    source.write_text("كم عمر [person : سميرة]\nكم عمر [person سميرة\n", encoding="utf-8")
    result = runner.invoke(app, ["latinize-context", str(source), "--format", "text"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"arabic-tools: {source}:2: ")
