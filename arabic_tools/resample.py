"""Template-complexity resampling of slot-annotated NLU utterances.

Each annotated utterance (``set an alarm for [time : nine am]``) becomes a *template*:
its intent plus its text with every slot replaced by ``<slot_name>``. Each slot type has
a *pool* of values: the values the input uses for it, plus optional catalogues. The
resampler gives every template a number of examples that grows with its *complexity*
(more slots, bigger pools), caps it, never asks for more than the template's distinct
fillings, makes the counts add up to the requested total, and generates that many new
utterances by filling the templates with pool values sampled without replacement.

Clitics. A proclitic written inside a slot bracket belongs to the template, not to the
value: ``[person : لمحمد]`` is the template ``ل<person>`` with the value ``محمد``, and
``[event_name : l'anniversaire]`` is ``l'<event_name>`` with ``anniversaire``. Pools
hold bare values, and filling re-attaches the proclitic with the joins of
``rules/clitics.yaml`` (li + al- is written lil-). Whether leading letters are a
proclitic is decided on evidence listed in ``rules/resample.yaml``, because many values
begin with the same letters (بغداد، لندن، فيروز).

The complexity measure, the allocation parameters and the clitic rules are data in
``rules/resample.yaml``; ``arabic-tools rules show resample`` prints them.

This module holds the input in memory (templates and pools are proportional to the
input) but generates its output lazily, so the output can be streamed to a file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arabic_tools import rulebook, streams
from arabic_tools.characters import inventory
from arabic_tools.clitics import Clitics, clitics
from arabic_tools.errors import InputError, OptionError
from arabic_tools.slots import AnnotationError, Part, Slot, annotate, parse, utterance

FORMATS = ("jsonl", "text")
ANNOTATION_KEY = "annot_utt"


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class ResampleRules:
    """The compiled ``resample`` rule file (see ``rules/resample.yaml`` for the reasons)."""

    base: float
    per_slot: float
    per_log2_value: float
    exponent: float
    max_per_template: int
    arabic_detach: tuple[str, ...]          # longest first
    joined_article_min_stem: int
    article_min_count: int
    article_min_stem: int
    first_word_min_count: int
    titles: frozenset[str]
    arabic_keep: frozenset[str]
    french_locales: tuple[str, ...]
    french_vowels: frozenset[str]
    elisions: tuple[tuple[str, str], ...]   # (elided form, written before a consonant), longest first
    french_keep: frozenset[str]

    def complexity(self, pool_sizes: Sequence[int]) -> float:
        """base + sum over slots of (per_slot + per_log2_value * log2(pool size)).

        >>> rules = resample_rules()
        >>> rules.complexity([]), rules.complexity([1]), rules.complexity([8, 4])
        (1.0, 2.0, 8.0)
        """
        return self.base + sum(self.per_slot + self.per_log2_value * math.log2(max(size, 1)) for size in pool_sizes)


def compile_rules(rules: rulebook.RuleFile) -> ResampleRules:
    """Validate and compile a ``resample`` rule file."""
    number = (int, float)

    def non_negative(entry: str, kind: Any = number) -> Any:
        value = rules.get(entry, kind)
        if isinstance(value, bool) or value < 0:
            raise rules.error(entry, f"{value!r} must be a number >= 0")
        return value

    base = float(non_negative("complexity.base"))
    per_slot = float(non_negative("complexity.per_slot"))
    per_log2_value = float(non_negative("complexity.per_log2_value"))
    if base <= 0:
        raise rules.error("complexity.base", "must be greater than 0 (a template without slots needs examples too)")
    exponent = float(non_negative("allocation.exponent"))
    cap = non_negative("allocation.max_per_template", int)
    if cap < 1:
        raise rules.error("allocation.max_per_template", "must be at least 1")

    inventory_forms = {c.form for c in clitics().proclitics if c.category in ("conjunction", "preposition")}
    detach = []
    for i, form in enumerate(rules.get("arabic.detach", tuple)):
        entry = f"arabic.detach[{i}]"
        rules.expect(entry, form, str)
        if not form or any(char not in inventory_forms for char in form):
            raise rules.error(entry, f"{form!r} must be conjunction and preposition proclitics of rules/clitics.yaml")
        detach.append(form)
    keep = frozenset(rules.expect(f"arabic.keep[{i}]", v, str) for i, v in enumerate(rules.get("arabic.keep", tuple, ())))

    locales = tuple(rules.expect(f"french.locales[{i}]", v, str) for i, v in enumerate(rules.get("french.locales", tuple)))
    vowels = rules.charset("french.vowels")
    elisions = []
    for i, spec in enumerate(rules.get("french.elisions", tuple)):
        entry = f"french.elisions[{i}]"
        rules.expect(entry, spec, Mapping)
        form = rules.expect(f"{entry}.form", spec.get("form"), str)
        before = rules.expect(f"{entry}.before_consonant", spec.get("before_consonant"), str)
        if not form:
            raise rules.error(f"{entry}.form", "must not be empty")
        elisions.append((form, before))
    french_keep = frozenset(rules.expect(f"french.keep[{i}]", v, str) for i, v in enumerate(rules.get("french.keep", tuple, ())))
    return ResampleRules(
        base, per_slot, per_log2_value, exponent, int(cap),
        tuple(sorted(detach, key=len, reverse=True)),
        int(non_negative("arabic.joined_article_min_stem", int)), int(non_negative("arabic.article_min_count", int)),
        int(non_negative("arabic.article_min_stem", int)),
        int(non_negative("arabic.first_word_min_count", int)),
        frozenset(rules.expect(f"arabic.titles[{i}]", v, str) for i, v in enumerate(rules.get("arabic.titles", tuple, ()))),
        keep, locales, frozenset(vowels),
        tuple(sorted(elisions, key=lambda e: len(e[0]), reverse=True)), french_keep)


def resample_rules() -> ResampleRules:
    """The resample rules of the current rule search path."""
    return _compiled(rulebook.load("resample"))


@functools.cache
def _compiled(rules: rulebook.RuleFile) -> ResampleRules:
    return compile_rules(rules)


# --------------------------------------------------------------------------- allocation

def allocate(complexities: Sequence[float], capacities: Sequence[int], total: int,
             max_per_template: int, exponent: float = 1.0) -> list[int]:
    """Examples per template: proportional to complexity ** exponent, capped, summing to ``total``.

    Each template gets at most ``min(max_per_template, capacity)``. The shares are found
    by water-filling (templates that reach their cap keep it, the rest share what is
    left in proportion), then rounded down, and the remainder goes one each to the
    largest fractional parts (ties: higher complexity, then earlier template). So the
    result adds up to exactly ``total`` unless the caps add up to less, in which case
    every template gets its cap.

    >>> allocate([1.0, 2.0, 3.0], [100, 100, 100], 12, 50)
    [2, 4, 6]
    >>> allocate([1.0, 2.0, 3.0], [100, 100, 1], 12, 50)
    [4, 7, 1]
    >>> allocate([1.0, 1.0], [3, 2], 100, 50)
    [3, 2]
    """
    if total < 0:
        raise OptionError("the total must not be negative")
    if max_per_template < 1:
        raise OptionError("--max-per-template must be at least 1")
    caps = [min(max_per_template, capacity) for capacity in capacities]
    weights = [c ** exponent for c in complexities]
    if sum(caps) <= total:
        return caps
    result = [0] * len(caps)
    budget = total
    # Water-filling: the templates with the smallest cap per unit of weight reach their
    # caps first; each is fixed at its cap and the rest share the remaining budget.
    order = sorted((i for i in range(len(caps)) if caps[i] > 0),
                   key=lambda i: (caps[i] / weights[i] if weights[i] > 0 else math.inf, i))
    weight = sum(weights[i] for i in order)
    saturated = 0
    for i in order:
        if weight <= 0 or budget * weights[i] < caps[i] * weight:
            break
        result[i] = caps[i]
        budget -= caps[i]
        weight -= weights[i]
        saturated += 1
    active = order[saturated:]
    if not active:
        return result
    weight = sum(weights[i] for i in active)
    shares = {i: budget * weights[i] / weight if weight > 0 else budget / len(active) for i in active}
    for i in active:
        result[i] = min(int(shares[i]), caps[i])
    left = budget - sum(result[i] for i in active)
    order = sorted(active, key=lambda i: (-(shares[i] - int(shares[i])), -complexities[i], i))
    for i in order:
        if left <= 0:
            break
        if result[i] < caps[i]:
            result[i] += 1
            left -= 1
    # Rounding can leave a few examples over when shares were clipped; hand them out in
    # the same order to templates that still have room.
    while left > 0:
        progressed = False
        for i in order:
            if left and result[i] < caps[i]:
                result[i] += 1
                left -= 1
                progressed = True
        if not progressed:
            break
    return result


# --------------------------------------------------------------------------- input

@dataclass(frozen=True)
class Utterance:
    """One parsed input line: where it came from, its intent and its annotated parts."""

    lineno: int
    locale: str
    intent: str
    parts: tuple[Part, ...]
    record: Mapping[str, Any] | None = None   # the JSON object, None for text input

    @property
    def source_id(self) -> str:
        if self.record is not None and "id" in self.record:
            return str(self.record["id"])
        return str(self.lineno)


def read_utterances(lines: Iterable[str], source: str = "-", *, format: str = "jsonl", locale: str = "",
                    skip_invalid: bool = False, invalid: list[InputError] | None = None) -> Iterator[Utterance]:
    """Parse annotated input lines: JSON Lines in the MASSIVE schema, or plain annotated text.

    Blank lines are skipped. A line that cannot be used raises ``InputError`` naming
    ``source`` and the line, or with ``skip_invalid`` is appended to ``invalid`` and skipped.

    >>> [u.parts for u in read_utterances(["wake me at [time : nine]\\n"], format="text")]
    [('wake me at ', Slot(name='time', value='nine'))]
    """
    if format not in FORMATS:
        raise OptionError(f"unknown format {format!r} (choose {', '.join(FORMATS)})")
    for lineno, line in enumerate(lines, 1):
        body = line.rstrip("\r\n")
        if not body.strip():
            continue
        try:
            yield _read_line(body, lineno, format, locale)
        except (AnnotationError, streams.LineProblem) as error:
            problem = InputError(source, lineno, str(error))
            if not skip_invalid:
                raise problem from None
            if invalid is not None:
                invalid.append(problem)


def _read_line(body: str, lineno: int, format: str, locale: str) -> Utterance:
    if format == "text":
        return Utterance(lineno, locale, "", parse(body))
    record, annotated = streams.json_record(body, ANNOTATION_KEY)
    for key in ("intent", "locale"):
        if not isinstance(record.get(key, ""), str):
            raise streams.LineProblem(f"key {key!r} is not a string")
    try:
        parts = parse(annotated)
    except AnnotationError as error:
        raise AnnotationError(f"{ANNOTATION_KEY}: {error}") from None
    return Utterance(lineno, record.get("locale", locale) or locale, record.get("intent", ""), parts, record)


def read_catalogue(lines: Iterable[str], source: str) -> list[str]:
    """Values of a catalogue file: one per line, blank lines skipped, no slot brackets.

    >>> read_catalogue(["Fairouz\\n", "\\n", "Umm Kulthum\\n"], "singers.txt")
    ['Fairouz', 'Umm Kulthum']
    """
    values = []
    for lineno, line in enumerate(lines, 1):
        value = line.strip()
        if not value:
            continue
        if "[" in value or "]" in value:
            raise InputError(source, lineno, "a catalogue value may not contain '[' or ']'")
        values.append(value)
    return values


# --------------------------------------------------------------------------- clitics

@dataclass(frozen=True)
class _Splitter:
    """Decides, on the evidence of the whole input, which slot values carry a proclitic."""

    rules: ResampleRules
    clitics: Clitics
    letters: frozenset[str]
    article: str
    pools: Mapping[tuple[str, str], Counter[str]]   # values as written, and catalogue values, per (locale, slot)
    tokens: Counter[str]
    first_words: Mapping[tuple[str, str], Counter[str]]  # first words of the raw values per (locale, slot)

    def split(self, locale: str, slot: str, value: str) -> tuple[str, str, str]:
        """``(kind, proclitic, bare value)``; kind is "" (nothing detached), "arabic" or "french"."""
        if value[0] in self.letters:
            return self._split_arabic(locale, slot, value)
        if locale.partition("-")[0] in self.rules.french_locales and value not in self.rules.french_keep:
            folded = value.casefold()
            for form, _ in self.rules.elisions:
                rest = value[len(form):]
                if folded.startswith(form) and rest and rest[0].casefold() in self.rules.french_vowels:
                    return "french", value[:len(form)], rest
        return "", "", value

    def _split_arabic(self, locale: str, slot: str, value: str) -> tuple[str, str, str]:
        if value in self.rules.arabic_keep:
            return "", "", value
        pool = self.pools[(locale, slot)]
        for proclitic in self.rules.arabic_detach:
            if not value.startswith(proclitic) or len(value) == len(proclitic):
                continue
            for bare, joined in self._bare_candidates(proclitic, value):
                if bare in pool or self._article_evidence(bare, joined) or self._first_word_evidence(locale, slot, bare):
                    return "arabic", proclitic, bare
        return "", "", value

    def _bare_candidates(self, proclitic: str, value: str) -> Iterator[tuple[str, bool]]:
        """Bare values that ``attach(proclitic, bare)`` writes as ``value``, with whether a join was undone."""
        for (last, before), result in self.clitics.joins.items():
            head = proclitic[:-1] + result
            if proclitic[-1] == last and value.startswith(head) and len(value) > len(head):
                bare = before + value[len(head):]
                if self.clitics.attach(proclitic, bare) == value:
                    yield bare, True
        bare = value[len(proclitic):]
        if bare[0] in self.letters and self.clitics.attach(proclitic, bare) == value:
            yield bare, False

    def _article_evidence(self, bare: str, joined: bool) -> bool:
        if not bare.startswith(self.article):
            return False
        word = bare.split(" ", 1)[0]
        stem = len(word) - len(self.article)
        if joined:
            return stem >= self.rules.joined_article_min_stem
        return stem >= self.rules.article_min_stem and self.tokens[word] >= self.rules.article_min_count

    def _first_word_evidence(self, locale: str, slot: str, bare: str) -> bool:
        if slot in self.rules.titles or not self.rules.first_word_min_count:
            return False
        return self.first_words[(locale, slot)][bare.split(" ", 1)[0]] >= self.rules.first_word_min_count

    def attach(self, kind: str, proclitic: str, value: str) -> str | None:
        """``value`` with the template's proclitic, or None when it cannot fill such a slot."""
        if not kind:
            return value
        if kind == "arabic":
            return self.clitics.attach(proclitic, value) if value[0] in self.letters else None
        if value[0].casefold() in self.rules.french_vowels:
            return proclitic + value
        before = dict(self.rules.elisions).get(proclitic.casefold(), "")
        return before + value if before else None


# --------------------------------------------------------------------------- plan

@dataclass(frozen=True)
class TemplateSlot:
    """A slot of a template: its type and the proclitic the template writes before it."""

    name: str
    proclitic: str = ""
    kind: str = ""       # "", "arabic" or "french": how the proclitic is attached


@dataclass
class Template:
    """One intent plus text with slots; the unit that examples are allocated to."""

    index: int
    locale: str
    intent: str
    text: str                              # e.g. "call <person>" / "rappelle l'<event_name>"
    literals: tuple[str, ...]              # len(slots) + 1 literal strings around the slots
    slots: tuple[TemplateSlot, ...]
    source: Utterance                      # the first input utterance with this template
    sources: int = 1                       # how many input utterances have this template
    pools: tuple[tuple[str, ...], ...] = ()  # per slot: the bare values that can fill it
    # per slot, per pool value: (the value as written in utt, its "[slot : value]")
    written: tuple[tuple[tuple[str, str], ...], ...] = ()
    complexity: float = 0.0
    allocated: int = 0
    generated: int = 0

    @property
    def product(self) -> int:
        """The number of value combinations, the range that filling indices walk."""
        return math.prod(len(pool) for pool in self.pools)

    @property
    def capacity(self) -> int:
        """The number of distinct fillings: combinations where repeated slot types differ.

        Two slots of one type get different values ("from Riyadh to Jeddah", never
        "from Riyadh to Riyadh"). Exact when the repeated slots share a pool or there
        are two of them; otherwise the product of the pool sizes, an upper bound.
        """
        count = 1
        groups: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for slot, pool in zip(self.slots, self.pools):
            groups[slot.name].append(pool)
        for pools in groups.values():
            if len(pools) == 1:
                count *= len(pools[0])
            elif all(pool == pools[0] for pool in pools):
                count *= math.perm(len(pools[0]), len(pools))
            elif len(pools) == 2:
                count *= len(pools[0]) * len(pools[1]) - len(set(pools[0]) & set(pools[1]))
            else:
                count *= math.prod(len(pool) for pool in pools)
        return count

    def repeats_a_value(self, values: Sequence[str]) -> bool:
        """True when two slots of the same type have the same value."""
        seen = set()
        for slot, value in zip(self.slots, values):
            if (slot.name, value) in seen:
                return True
            seen.add((slot.name, value))
        return False


def template_text(literals: Sequence[str], slots: Sequence[TemplateSlot]) -> str:
    """The display form of a template: slots as ``<name>`` after their proclitic.

    >>> template_text(["call ", ""], [TemplateSlot("person", "\\u0644", "arabic")])
    'call ل<person>'
    """
    out = [literals[0]]
    for slot, literal in zip(slots, literals[1:]):
        out.append(f"{slot.proclitic}<{slot.name}>{literal}")
    return "".join(out)


@dataclass
class Plan:
    """Templates with their pools, complexities and allocations, ready to generate."""

    templates: list[Template]
    pools: dict[tuple[str, str], tuple[str, ...]]
    total: int
    max_per_template: int
    detached: int = 0                      # slot values whose proclitic went to the template
    invalid: list[InputError] = field(default_factory=list)
    splitter: _Splitter | None = None

    @property
    def allocated(self) -> int:
        return sum(t.allocated for t in self.templates)

    @property
    def available(self) -> int:
        """How many examples the caps and the distinct fillings allow at most."""
        return sum(min(self.max_per_template, t.capacity) for t in self.templates)

    def shortfall(self) -> str:
        """Why fewer than ``total`` utterances were allocated or generated, or ""."""
        generated = sum(t.generated for t in self.templates)
        if self.allocated < self.total:
            return (f"only {self.allocated} distinct utterances are possible: the {len(self.templates)} templates "
                    f"have at most min(--max-per-template {self.max_per_template}, distinct fillings) each; "
                    f"raise --max-per-template or add values with --values")
        if generated < self.allocated:
            return (f"{self.allocated - generated} allocated utterances were dropped because other templates "
                    f"had already produced the same text and no template had fillings left")
        return ""


def make_plan(utterances: Iterable[Utterance], total: int, *, max_per_template: int | None = None,
              catalogues: Mapping[str, Sequence[str]] | None = None) -> Plan:
    """Group utterances into templates, build the value pools and allocate ``total`` examples.

    ``catalogues`` maps a slot type to extra values for its pool (in every locale).

    >>> plan = make_plan(read_utterances(["call [person : sara]", "ring [person : omar]"], format="text"), 3)
    >>> [(t.text, t.complexity, t.allocated) for t in plan.templates]
    [('call <person>', 3.0, 2), ('ring <person>', 3.0, 1)]
    >>> [item.annot_utt for item in generate(plan, seed=1)]
    ['call [person : omar]', 'call [person : sara]', 'ring [person : omar]']
    """
    rules = resample_rules()
    cap = rules.max_per_template if max_per_template is None else max_per_template
    if cap < 1:
        raise OptionError("--max-per-template must be at least 1")
    if total < 0:
        raise OptionError("--total must not be negative")
    items = list(utterances)
    raw: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    tokens: Counter[str] = Counter()
    for item in items:
        tokens.update(utterance(item.parts).split())
        for part in item.parts:
            if isinstance(part, Slot):
                raw[(item.locale, part.name)][part.value] += 1
    # Catalogue values are evidence too: with a catalogue of rooms, bi-ghurfat al-ma'isha
    # is bi- + ghurfat al-ma'isha even if the input never uses the bare value.
    names = {name for _, name in raw}
    for name, values in (catalogues or {}).items():
        if name not in names:
            raise OptionError(f"--values {name}: no slot called {name!r} in the input")
        for locale, slot_name in list(raw):
            if slot_name == name:
                raw[(locale, slot_name)].update(values)
    letters = inventory().letter_classes["arabic_letters"]
    article = next(c.form for c in clitics().proclitics if c.category == "article")
    first_words: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for pool_key, value_counts in raw.items():
        for value, count in value_counts.items():
            first_words[pool_key][value.split(" ", 1)[0]] += count
    splitter = _Splitter(rules, clitics(), frozenset(letters), article, raw, tokens, first_words)

    bare_values: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_key: dict[tuple[str, str, str], Template] = {}
    detached = 0
    for item in items:
        literals, slots = [""], []
        for part in item.parts:
            if isinstance(part, str):
                literals[-1] += part
                continue
            kind, proclitic, bare = splitter.split(item.locale, part.name, part.value)
            detached += bool(kind)
            bare_values[(item.locale, part.name)].add(bare)
            slots.append(TemplateSlot(part.name, proclitic, kind))
            literals.append("")
        text = template_text(literals, slots)
        key = (item.locale, item.intent, text)
        if key in by_key:
            by_key[key].sources += 1
        else:
            by_key[key] = Template(len(by_key), item.locale, item.intent, text, tuple(literals), tuple(slots), item)

    for name, values in (catalogues or {}).items():
        for locale, slot_name in list(bare_values):
            if slot_name == name:
                bare_values[(locale, slot_name)].update(values)
    pools = {key: tuple(sorted(values)) for key, values in bare_values.items()}

    templates = list(by_key.values())
    # Pools and written forms are shared by every template slot with the same proclitic.
    eligible: dict[tuple[str, str, str, str], tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {}
    for template in templates:
        for slot in template.slots:
            shared_key = (template.locale, slot.name, slot.kind, slot.proclitic)
            if shared_key not in eligible:
                pool = pools[(template.locale, slot.name)]
                pairs = [(v, splitter.attach(slot.kind, slot.proclitic, v)) for v in pool]
                usable = [(v, w) for v, w in pairs if w is not None]
                eligible[shared_key] = (tuple(v for v, _ in usable),
                                 tuple((w, annotate([Slot(slot.name, w)])) for _, w in usable))
        shared = [eligible[(template.locale, s.name, s.kind, s.proclitic)] for s in template.slots]
        template.pools = tuple(pool for pool, _ in shared)
        template.written = tuple(written for _, written in shared)
        template.complexity = rules.complexity([len(p) for p in template.pools])
    counts = allocate([t.complexity for t in templates], [t.capacity for t in templates], total, cap, rules.exponent)
    for template, count in zip(templates, counts):
        template.allocated = count
    return Plan(templates, pools, total, cap, detached, splitter=splitter)


# --------------------------------------------------------------------------- generation

@dataclass(frozen=True)
class Generated:
    """One generated utterance: its template, the bare values, and its two texts."""

    template: Template
    values: tuple[str, ...]
    utt: str
    annot_utt: str


def fill(plan: Plan, template: Template, values: Sequence[str]) -> Generated:
    """Fill ``template`` with bare ``values``, re-attaching each slot's proclitic.

    The proclitic goes inside the bracket, as in the input (``[person : لمحمد]``).
    """
    assert plan.splitter is not None
    parts: list[Part] = [template.literals[0]]
    for slot, value, literal in zip(template.slots, values, template.literals[1:]):
        written = plan.splitter.attach(slot.kind, slot.proclitic, value)
        if written is None:
            raise OptionError(f"{value!r} cannot fill {slot.proclitic}<{slot.name}>")
        parts.append(Slot(slot.name, written))
        parts.append(literal)
    return Generated(template, tuple(values), utterance(parts), annotate(parts))


def _indices(count: int, rng: random.Random) -> Iterator[int]:
    """Every filling index of range(count) once, in random order, lazily.

    Small ranges are shuffled; large ones are drawn by rejection with a set of the
    indices seen, which stays as small as the number of examples taken.
    """
    seen: set[int] = set()
    while 2 * len(seen) < count:
        index = rng.randrange(count)
        if index not in seen:
            seen.add(index)
            yield index
    rest = [i for i in range(count) if i not in seen]
    rng.shuffle(rest)
    yield from rest


def _filling(template: Template, index: int) -> Generated:
    """The filling number ``index`` of ``template`` (mixed radix over its pools)."""
    positions = []
    for pool in reversed(template.pools):
        index, position = divmod(index, len(pool))
        positions.append(position)
    positions.reverse()
    utt = [template.literals[0]]
    annot = [template.literals[0]]
    for written, position, literal in zip(template.written, positions, template.literals[1:]):
        value, annotated = written[position]
        utt += (value, literal)
        annot += (annotated, literal)
    values = tuple(pool[position] for pool, position in zip(template.pools, positions))
    return Generated(template, values, "".join(utt), "".join(annot))


class _SeenTexts:
    """A Bloom filter of the texts produced so far: 8 to 16 bytes per expected text.

    An exact set of a million texts costs about 70 MB; this costs 8 to 16 MB and keeps
    memory proportional to the input. A false positive (at most about 1 in 75,000
    texts at the sized load) only makes a template skip one filling and take its next.
    Four probes, each a byte index plus a bit, from one 128-bit blake2b digest.
    """

    def __init__(self, expected: int) -> None:
        bits = 1 << max(16, (64 * max(expected, 1) - 1).bit_length())
        self.shift = bits.bit_length() - 1
        self.array = bytearray(bits // 8)

    def add(self, text: str) -> bool:
        """Record ``text``; False when it was (probably) recorded before."""
        digest = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest(), "little")
        mask = (1 << self.shift) - 1
        a = digest & mask
        b = (digest >> 32) & mask
        c = (digest >> 64) & mask
        d = (digest >> 96) & mask
        array = self.array
        if (array[a >> 3] >> (a & 7) & array[b >> 3] >> (b & 7) & array[c >> 3] >> (c & 7)
                & array[d >> 3] >> (d & 7) & 1):
            return False
        array[a >> 3] |= 1 << (a & 7)
        array[b >> 3] |= 1 << (b & 7)
        array[c >> 3] |= 1 << (c & 7)
        array[d >> 3] |= 1 << (d & 7)
        return True


def generate(plan: Plan, seed: int = 0) -> Iterator[Generated]:
    """Generate the allocated utterances, template by template, without duplicate texts.

    Values are sampled without replacement: each template walks its distinct fillings in
    a random order fixed by ``seed`` and the template, so output is deterministic. An
    utterance whose text was already produced (by another template) is skipped and the
    template takes its next filling; what is still missing at the end (templates that
    ran out of fillings) is made up by templates with room under their caps, most
    complex first. ``Template.generated`` counts what each template produced.
    """
    seen = _SeenTexts(plan.allocated)

    def take(template: Template, count: int) -> Iterator[Generated]:
        # A fresh walk replays the same order; fillings produced before are skipped as seen.
        rng = random.Random(f"{seed}\x00{template.locale}\x00{template.intent}\x00{template.text}")
        check_repeats = len({slot.name for slot in template.slots}) < len(template.slots)
        taken = 0
        for index in _indices(template.product, rng):
            if taken >= count:
                return
            item = _filling(template, index)
            if check_repeats and template.repeats_a_value(item.values):
                continue
            if seen.add(item.utt):
                taken += 1
                template.generated += 1
                yield item

    for template in plan.templates:
        template.generated = 0
    exhausted = set()
    for template in plan.templates:
        yield from take(template, template.allocated)
        if template.generated < template.allocated:
            exhausted.add(template.index)
    missing = plan.allocated - sum(t.generated for t in plan.templates)
    for template in sorted(plan.templates, key=lambda t: (-t.complexity, t.index)):
        if missing <= 0:
            break
        room = min(plan.max_per_template, template.capacity) - template.generated
        if room > 0 and template.index not in exhausted:
            before = template.generated
            yield from take(template, min(room, missing))
            missing -= template.generated - before


_FIELDS = ("id", "utt", ANNOTATION_KEY)
_PLACEHOLDER = "\ue000{}\ue000"   # private-use characters: never in input, kept by json.dumps


def _record_layout(template: Template) -> list[str]:
    """The JSON text of a template's records split around the id, utt and annot_utt values.

    Literal text and field names alternate: ``[text, name, text, name, text, name, text]``,
    in the order the fields appear in the record.

    Equal to ``json.dumps(record, ensure_ascii=False)`` once the values are put back
    JSON-encoded; built once per template, which makes writing a record string joins.
    """
    assert template.source.record is not None
    record = dict(template.source.record)
    for name in _FIELDS:
        record[name] = _PLACEHOLDER.format(name)
    record["source_id"] = template.source.source_id
    record["template"] = template.text
    text = json.dumps(record, ensure_ascii=False)
    marks = sorted((text.index(json.dumps(_PLACEHOLDER.format(name), ensure_ascii=False)), name) for name in _FIELDS)
    layout: list[str] = []
    position = 0
    for start, name in marks:
        layout += (text[position:start], name)
        position = start + len(json.dumps(_PLACEHOLDER.format(name), ensure_ascii=False))
    layout.append(text[position:])
    return layout


def records(plan: Plan, seed: int = 0, id_prefix: str = "r") -> Iterator[str]:
    """Output lines (with ``\\n``): MASSIVE records, or annotated text for text input.

    A record keeps the keys of its template's first source record, with a new ``id``,
    the generated ``utt`` and ``annot_utt``, and ``source_id`` and ``template`` added.
    """
    encode = json.encoder.encode_basestring
    layouts: dict[int, list[str]] = {}
    for number, item in enumerate(generate(plan, seed), 1):
        template = item.template
        if template.source.record is None:
            yield item.annot_utt + "\n"
            continue
        layout = layouts.get(template.index)
        if layout is None:
            layouts.clear()  # templates are generated one after another
            layout = layouts[template.index] = _record_layout(template)
        values = {"id": f"{id_prefix}{number}", "utt": item.utt, ANNOTATION_KEY: item.annot_utt}
        yield "".join((layout[0], encode(values[layout[1]]), layout[2], encode(values[layout[3]]), layout[4],
                       encode(values[layout[5]]), layout[6], "\n"))


def match(plan: Plan, template: Template, annot_utt: str) -> tuple[str, ...] | None:
    """The bare pool values that fill ``template`` to give ``annot_utt``, or None.

    The round trip of generation: every generated utterance matches its template with
    values from the template's pools.
    """
    assert plan.splitter is not None
    try:
        parts = parse(annot_utt)
    except AnnotationError:
        return None
    literals, slots = [""], []
    for part in parts:
        if isinstance(part, str):
            literals[-1] += part
        else:
            slots.append(part)
            literals.append("")
    if tuple(literals) != template.literals or [s.name for s in slots] != [s.name for s in template.slots]:
        return None
    values = []
    for slot, found, pool in zip(template.slots, slots, template.pools):
        bare = [v for v in pool if plan.splitter.attach(slot.kind, slot.proclitic, v) == found.value]
        if not bare:
            return None
        values.append(bare[0])
    return tuple(values)


# --------------------------------------------------------------------------- report

def report(plan: Plan) -> dict[str, Any]:
    """The plan and what was generated, as JSON-ready data (``--report``)."""
    intents: dict[str, dict[str, int]] = {}
    for t in plan.templates:
        entry = intents.setdefault(t.intent, {"templates": 0, "sources": 0, "allocated": 0, "generated": 0})
        entry["templates"] += 1
        entry["sources"] += t.sources
        entry["allocated"] += t.allocated
        entry["generated"] += t.generated
    return {
        "total_requested": plan.total,
        "total_allocated": plan.allocated,
        "total_generated": sum(t.generated for t in plan.templates),
        "max_per_template": plan.max_per_template,
        "shortfall": plan.shortfall(),
        "templates_count": len(plan.templates),
        "invalid_records": [str(e) for e in plan.invalid],
        "detached_proclitics": plan.detached,
        "pools": {f"{locale}:{slot}" if locale else slot: len(values)
                  for (locale, slot), values in sorted(plan.pools.items())},
        "intents": dict(sorted(intents.items())),
        "templates": [
            {"intent": t.intent, "locale": t.locale, "template": t.text, "source_id": t.source.source_id,
             "sources": t.sources, "complexity": round(t.complexity, 4),
             "pools": [{"slot": f"{s.proclitic}<{s.name}>", "values": len(p)} for s, p in zip(t.slots, t.pools)],
             "capacity": t.capacity if t.capacity < 2 ** 53 else str(t.capacity),
             "allocated": t.allocated, "generated": t.generated}
            for t in plan.templates
        ],
    }


def report_table(plan: Plan, *, per_template: bool = True) -> str:
    """A plain-text table: per template its complexity, pool sizes and counts; totals per intent."""
    lines = []
    if per_template:
        lines.append("complexity\tallocated\tgenerated\tpools\tintent\ttemplate")
        for t in sorted(plan.templates, key=lambda t: (t.intent, -t.complexity, t.index)):
            pools = ",".join(str(len(p)) for p in t.pools) or "-"
            lines.append(f"{t.complexity:.2f}\t{t.allocated}\t{t.generated}\t{pools}\t{t.intent or '-'}\t{t.text}")
        lines.append("")
    data = report(plan)
    lines.append("intent\ttemplates\tsources\tallocated\tgenerated")
    for intent, entry in data["intents"].items():
        lines.append(f"{intent or '-'}\t{entry['templates']}\t{entry['sources']}\t{entry['allocated']}\t{entry['generated']}")
    lines.append(f"total\t{data['templates_count']}\t{sum(t.sources for t in plan.templates)}\t"
                 f"{data['total_allocated']}\t{data['total_generated']}")
    if plan.invalid:
        lines.append(f"skipped {len(plan.invalid)} invalid line{'s' if len(plan.invalid) != 1 else ''}")
    if data["shortfall"]:
        lines.append(f"fewer than --total {plan.total}: {data['shortfall']}")
    return "\n".join(lines) + "\n"
