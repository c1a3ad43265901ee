"""resample: slot parsing, clitic rules, allocation, generation and the round trip."""

import collections

import pytest
from casefiles import cases
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_tools import InputError, OptionError, resample
from arabic_tools.slots import AnnotationError, Slot, annotate, parse, utterance


def plan_of(lines, total=10, locale="ar-SA", **options):
    return resample.make_plan(resample.read_utterances(lines, format="text", locale=locale), total, **options)


# ---------------------------------------------------------------- slot annotations

@pytest.mark.parametrize("text, message", [
    ("a [time : nine", "'[' at column 3 is never closed"),
    ("a [time : [nine]", "'[' at column 3 is never closed"),
    ("a time : nine] b", "']' at column 14 has no '['"),
    ("a [ : nine]", "empty slot name at column 3"),
    ("a [time nine]", "has no ' : '"),
    ("a [time : ]", "empty value for slot 'time'"),
    ("a [two words : x]", "must be letters, digits and '_'"),
])
def test_bad_annotation_is_reported_with_its_column(text, message):
    with pytest.raises(AnnotationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse(text)


def test_annotation_round_trip_and_plain_utterance():
    text = "صحيني [time : تسعة الصباح] يوم [date : الجمعة]"
    parts = parse(text)
    assert parts[1] == Slot("time", "تسعة الصباح")
    assert annotate(parts) == text
    assert utterance(parts) == "صحيني تسعة الصباح يوم الجمعة"


# ---------------------------------------------------------------- clitic cases

@pytest.mark.parametrize("case", cases("resample_clitics"))
def test_clitic_case(case):
    locale = case.get("locale", "ar-SA")
    plan = plan_of([*case["context"], case["input"]], locale=locale)
    template = plan.templates[-1]
    assert template.text == case["expected"]
    if "fill" in case:
        values = [case["fill"][slot.name] for slot in template.slots]
        assert resample.fill(plan, template, values).annot_utt == case["filled"]


def test_french_l_apostrophe_slot_takes_only_vowel_initial_values():
    plan = plan_of(["rappelle [event_name : réunion]", "rappelle [event_name : orage]",
                    "rappelle-moi [event_name : l'anniversaire]"], locale="fr-FR")
    template = plan.templates[-1]
    assert template.pools == (("anniversaire", "orage"),)
    with pytest.raises(OptionError):
        resample.fill(plan, template, ["réunion"])


def test_arabic_proclitic_slot_takes_only_arabic_values():
    plan = plan_of(["اتصل على [person : محمد]", "اتصل على [person : john]", "رسالة [person : لمحمد]"])
    assert plan.templates[-1].pools == (("محمد",),)


# ---------------------------------------------------------------- allocation

def test_complexity_grows_with_slots_and_pool_sizes():
    rules = resample.resample_rules()
    assert rules.complexity([]) < rules.complexity([1]) < rules.complexity([1, 1])
    assert rules.complexity([2]) < rules.complexity([20]) < rules.complexity([200])


allocation_inputs = st.lists(
    st.tuples(st.floats(min_value=0.5, max_value=60, allow_nan=False), st.integers(min_value=0, max_value=300)),
    min_size=1, max_size=40,
).flatmap(lambda items: st.tuples(st.just(items), st.integers(min_value=0, max_value=3000),
                                  st.integers(min_value=1, max_value=120)))


def allocated(data):
    """complexities, total, the allocation and each template's limit min(cap, capacity)."""
    items, total, cap = data
    complexities, capacities = [c for c, _ in items], [n for _, n in items]
    counts = resample.allocate(complexities, capacities, total, cap)
    return complexities, total, counts, [min(cap, n) for n in capacities]


@settings(max_examples=300, deadline=None)
@given(allocation_inputs)
def test_allocation_adds_up_exactly_and_respects_caps(data):
    complexities, total, counts, limits = allocated(data)
    assert sum(counts) == min(total, sum(limits))
    assert all(0 <= count <= limit for count, limit in zip(counts, limits))


@settings(max_examples=300, deadline=None)
@given(allocation_inputs)
def test_allocation_is_monotone_in_complexity(data):
    complexities, _, counts, limits = allocated(data)
    for i in range(len(counts)):
        for j in range(len(counts)):
            # a template held down by its own limit says nothing about monotonicity
            if counts[j] < limits[j] and complexities[i] < complexities[j]:
                assert counts[i] <= counts[j], (i, j)
            if counts[i] < limits[i] and counts[j] < limits[j] and complexities[i] == complexities[j]:
                assert abs(counts[i] - counts[j]) <= 1


@settings(max_examples=100, deadline=None)
@given(allocation_inputs)
def test_allocation_is_deterministic(data):
    items, total, cap = data
    args = ([c for c, _ in items], [n for _, n in items], total, cap)
    assert resample.allocate(*args) == resample.allocate(*args)


def test_allocation_proportional_to_complexity():
    assert resample.allocate([1.0, 3.0], [100, 100], 40, 50) == [10, 30]


def test_allocation_gives_every_cap_when_the_total_is_too_big():
    assert resample.allocate([1.0, 5.0], [3, 1000], 5000, 50) == [3, 50]


# ---------------------------------------------------------------- generation

SLOT_VALUES = {
    "person": ["محمد", "سارة", "خالد", "المدير", "نورة", "فهد"],
    "time": ["تسعة الصباح", "الظهر", "بعد ساعتين", "خمسة العصر"],
    "house_place": ["المطبخ", "الصالة", "غرفة النوم", "الحمام"],
}
TEMPLATES = [
    "اتصل على [person : {person}]",
    "ارسل رسالة [person : ل{person}] الساعة [time : {time}]",
    "نظف [house_place : {house_place}]",
    "طف اللمبة [house_place : ب{house_place}]",
    "وقف المنبه",
    "حول المكالمة من [person : {person}] إلى [person : {other}]",
]


@st.composite
def small_inputs(draw):
    lines = []
    for template in TEMPLATES:
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            values = {slot: draw(st.sampled_from(pool)) for slot, pool in SLOT_VALUES.items()}
            values["other"] = draw(st.sampled_from(SLOT_VALUES["person"]))
            lines.append(template.format(**values))
    # make sure every bare value is in its pool once, so the clitic evidence holds
    lines += [f"اتصل على [person : {v}]" for v in SLOT_VALUES["person"]]
    return lines


@settings(max_examples=40, deadline=None)
@given(small_inputs(), st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=30),
       st.integers(min_value=0, max_value=2 ** 32))
def test_generation_round_trip_exact_total_no_duplicates(lines, total, cap, seed):
    plan = plan_of(lines, total, max_per_template=cap)
    items = list(resample.generate(plan, seed))
    assert len(items) == min(total, plan.available)
    assert len({item.utt for item in items}) == len(items)
    for item in items:
        values = resample.match(plan, item.template, item.annot_utt)
        assert values == item.values
        assert all(v in pool for v, pool in zip(values, item.template.pools))
        assert utterance(parse(item.annot_utt)) == item.utt
    assert not any(item.template.repeats_a_value(item.values) for item in items)
    per_template = collections.Counter(item.template.index for item in items)
    assert all(count <= cap for count in per_template.values())


@settings(max_examples=20, deadline=None)
@given(small_inputs(), st.integers(min_value=0, max_value=2 ** 32))
def test_generation_is_deterministic_for_a_seed(lines, seed):
    first = list(resample.records(plan_of(lines, 60), seed))
    second = list(resample.records(plan_of(lines, 60), seed))
    assert first == second


def test_different_seeds_give_different_samples():
    lines = [f"اتصل على [person : {v}] الساعة [time : {t}]" for v in SLOT_VALUES["person"] for t in SLOT_VALUES["time"]]
    first = list(resample.records(plan_of(lines, 10), 1))
    second = list(resample.records(plan_of(lines, 10), 2))
    assert first != second


def test_a_slot_value_goes_back_with_the_proclitic_inside_the_bracket():
    plan = plan_of(["اتصل على [person : محمد]", "اتصل على [person : المدير]", "ارسل [person : لمحمد]"], 10)
    annotated = sorted(item.annot_utt for item in resample.generate(plan) if item.template.index == 1)
    assert annotated == ["ارسل [person : للمدير]", "ارسل [person : لمحمد]"]


def test_duplicate_text_from_another_template_is_replaced():
    # both templates can produce "play x"; the second takes its other filling instead
    lines = ["play [song_name : x]", "play [artist_name : x]", "play [artist_name : y]"]
    plan = plan_of(lines, 3, locale="en-US")
    utts = [item.utt for item in resample.generate(plan)]
    assert sorted(utts) == ["play x", "play y"]
    assert "fewer" not in plan.shortfall() and "dropped" in plan.shortfall()


def test_two_slots_of_one_type_never_get_the_same_value():
    plan = plan_of(["من [place_name : جدة] إلى [place_name : الرياض]", "الطقس في [place_name : أبها]"], 20)
    template = plan.templates[0]
    assert template.product == 9 and template.capacity == 6
    pairs = [item.values for item in resample.generate(plan) if item.template is template]
    assert len(pairs) == 6 and all(a != b for a, b in pairs)


def test_shortfall_says_why():
    plan = plan_of(["stop", "play [song_name : x]"], 100, locale="en-US")
    assert plan.allocated == 2
    assert "only 2 distinct utterances are possible" in plan.shortfall()


def test_catalogue_values_join_the_pool():
    plan = resample.make_plan(resample.read_utterances(["play [artist_name : x]"], format="text"), 5,
                              catalogues={"artist_name": ["a", "b"]})
    assert plan.pools[("", "artist_name")] == ("a", "b", "x")
    assert plan.templates[0].capacity == 3


def test_catalogue_for_an_unknown_slot_is_an_option_error():
    with pytest.raises(OptionError, match="no slot called 'artist'"):
        resample.make_plan(resample.read_utterances(["play [artist_name : x]"], format="text"), 5,
                           catalogues={"artist": ["a"]})


# ---------------------------------------------------------------- input errors

def test_jsonl_record_without_annotation_names_the_line():
    lines = ['{"id": "1", "intent": "a", "annot_utt": "x"}\n', '{"id": "2", "intent": "a"}\n']
    with pytest.raises(InputError, match=r"^in.jsonl:2: no key 'annot_utt'$"):
        list(resample.read_utterances(lines, "in.jsonl"))


def test_skip_invalid_collects_the_errors():
    invalid = []
    lines = ["ok [a : b]\n", "bad [a : b\n", "\n", "also [ : b]\n"]
    items = list(resample.read_utterances(lines, "in.txt", format="text", skip_invalid=True, invalid=invalid))
    assert len(items) == 1
    assert [str(e) for e in invalid] == [
        "in.txt:2: unbalanced brackets: '[' at column 5 is never closed",
        "in.txt:4: empty slot name at column 6",
    ]


# ---------------------------------------------------------------- the MASSIVE data

@pytest.fixture(scope="module")
def massive_plans(request):
    from conftest import SHARED_DATA
    if not (SHARED_DATA / "massive").is_dir():
        pytest.skip(f"development data not found at {SHARED_DATA}")
    plans = {}
    for locale in ("ar-SA", "en-US", "fr-FR"):
        with open(SHARED_DATA / "massive" / f"{locale}.train-dev.jsonl", encoding="utf-8") as stream:
            plans[locale] = resample.make_plan(resample.read_utterances(stream, locale), 20000)
    return plans


@pytest.mark.parametrize("locale", ["ar-SA", "en-US", "fr-FR"])
def test_massive_exact_total_round_trip_no_duplicates(massive_plans, locale):
    plan = massive_plans[locale]
    items = list(resample.generate(plan, 7))
    assert len(items) == 20000
    assert len({item.utt for item in items}) == 20000
    for item in items:
        assert resample.match(plan, item.template, item.annot_utt) == item.values


def test_massive_arabic_proclitics_are_detached_with_precision(massive_plans):
    plan = massive_plans["ar-SA"]
    assert plan.detached >= 500
    texts = {t.text for t in plan.templates}
    # a value that begins with proclitic letters but is one word stays whole
    pools = plan.pools
    assert "بكرة" in pools[("ar-SA", "date")]
    assert "محمد" in pools[("ar-SA", "person")] and "لمحمد" not in pools[("ar-SA", "person")]
    assert any(text.endswith("ل<person>") for text in texts)


def test_massive_french_elision_is_detached(massive_plans):
    plan = massive_plans["fr-FR"]
    assert plan.detached >= 200
    assert "aujourd'hui" in plan.pools[("fr-FR", "date")]
    assert "d'aujourd'hui" not in plan.pools[("fr-FR", "date")]


@pytest.mark.parametrize("slot, value, template_clitic, bare", [
    ("person", "لمحمد", "ل", "محمد"),
    ("event_name", "للإجتماع", "ل", "الإجتماع"),
    ("currency_name", "بالدرهم الإماراتي", "ب", "الدرهم الإماراتي"),
    ("list_name", "لقائمة عملائي", "ل", "قائمة عملائي"),
    ("time", "بنص ساعة", "ب", "نص ساعة"),
    ("date", "بكرة", "", "بكرة"),
    ("person", "فيصل", "", "فيصل"),
    ("person", "لجين عمران", "", "لجين عمران"),
    ("event_name", "بتغني", "", "بتغني"),
    ("artist_name", "وعد", "", "وعد"),
    ("weather_descriptor", "برد", "", "برد"),
    ("news_topic", "ولي العهد", "", "ولي العهد"),
    ("relation", "والدي", "", "والدي"),
])
def test_massive_arabic_clitic_decisions(massive_plans, slot, value, template_clitic, bare):
    plan = massive_plans["ar-SA"]
    assert plan.splitter is not None
    kind, proclitic, found = plan.splitter.split("ar-SA", slot, value)
    assert (proclitic, found) == (template_clitic, bare)
