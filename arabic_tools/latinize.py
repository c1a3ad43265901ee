"""Write catalogue names that ASR rendered in Arabic script back in their Latin form.

ASR output for Arabic speech writes English and French names (artists, songs, brands)
in Arabic script: "شغل شيب اوف يو لإد شيران". Given a catalogue of the Latin-script
names, :class:`Latinizer` finds the spans that render a catalogue entry and writes the
entry in their place: "شغل Shape of You لـEd Sheeran".

How (the model is data in ``rules/latinize.yaml``):

- Both scripts are read as strings of *sound classes*. Latin letter groups (sh, ch, th,
  ph, gh, ee, ou, eau, oi, gn, silent final e, c and g before e/i, ...) map to classes
  by English and by French rules, and every catalogue word is read both ways; Arabic
  letters map to classes one by one. Letters ASR confuses (ة/ه, ى/ي, hamza seats, س/ص/ز)
  share a class, and doubled letters collapse, so most variation disappears.
- The index maps each entry's consonant skeleton, and every skeleton with one class
  deleted, to the entry (a symmetric-deletion index): a span finds entries whose
  skeleton is within about two edits of its own, with long vowels present or missing,
  and spaces inside or missing between words ignored, with a few dictionary lookups.
- Candidates are scored with rapidfuzz's Indel similarity on the full class string and
  on the skeleton. Precision comes first: a span must beat ``min_score``, plus a margin
  that grows with the span's frequency as Arabic text (wordfreq), and very frequent
  Arabic words are never replaced ("لو" is not "Low", "من" is not "Man"). The margin
  shrinks after words a name often follows (كم عمر "how old is"), and grows at the start
  of a command and for words of commands seldom part of a name (وريني "show me";
  ``latinize_context``). Overlapping
  matches are resolved by score, and the longer span wins a near tie.
- A proclitic glued to a name (و، ف، ب، ل، ال) stays before the Latin form, joined by a
  tatweel by default: "لإد شيران" becomes "لـEd Sheeran".

The index of a catalogue is built once per process and cached on disk, keyed by the
catalogue's content and the rules, in ``$XDG_CACHE_HOME/arabic-tools/latinize`` (or
``~/.cache/arabic-tools/latinize``, or the ``cache_dir`` given).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

from arabic_tools import clitics as clitic_rules
from arabic_tools import latinize_context
from arabic_tools import rulebook, streams
from arabic_tools.chars import ALEF, TATWEEL
from arabic_tools.errors import ArabicToolsError, InputError, OptionError
from arabic_tools.tokenize import pronoun_splitter

FORMATS = ("text", "jsonl")
# Bump when the index layout or the key computation changes, so old caches are not used.
INDEX_VERSION = 11
VOWELS = frozenset("aiu")
_VOWEL_ORDER = tuple(sorted(VOWELS))  # the vowel columns of the index
MIN_SCORE = 0.9
WORD_COUNT_PENALTY = 0.04
READING_PENALTY = 0.02
MAX_SPAN_WORDS = 6
CANDIDATE_MARGIN = 0.15
PRIOR_WEIGHT = 0.002
TIE_WINDOW = 8
NEAR_TIE = 0.01  # entries this close to the best one are ranked by prior() and fit() too
FIT_WEIGHT = 0.05  # of fit() in the order of near ties
FLOOR_SLACK = 0.001  # find_matches rounds floors to three decimals
BOUND_MARGIN = 1e-6  # float32 rounding of scores, far below any score step
OPENING_LENGTHS = (6, 7)  # _Matcher.reachable: lengths of the slot openings it keeps


class CacheError(ArabicToolsError):
    """The index cache cannot be written where it was asked to be."""


# ---------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Precision:
    free_below: float
    per_zipf: float
    never_at: float
    frequent_word: float
    ordinary_at: float
    prior_weight: float
    short_skeleton: int
    short_key: int
    short_score: float
    lexical: float
    function_word_at: float
    function_word_score: float
    function_word_per_word: float
    marked_letter: float
    per_word: float
    alone_never_at: float
    alone_allowance: float
    article: float
    article_word: float
    longer_span: float
    unknown_skeleton: int
    unknown_allowance: float
    context_weight: float
    context_prior: float
    context_most: float
    following_share: float


@dataclass(frozen=True, eq=False)
class LatinizeRules:
    """A compiled ``latinize`` rule file."""

    arabic: Mapping[str, str]  # letter -> subclasses or classes
    subclasses: Mapping[str, str]  # subclass -> its class
    final: Mapping[str, str]
    initial: tuple[tuple[str, str], ...]  # (letters, classes) at the start of a word, longest first
    marked: Mapping[str, tuple[str, ...]]  # Arabic letter -> Latin spellings that license it
    joins: tuple[tuple[str, str], ...]
    silent: frozenset[str]
    readings: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]  # per language: its groups' pattern and sounds
    when: tuple[re.Pattern[str] | None, ...]  # per language: read an entry this way only if it matches
    proclitics: tuple[str, ...]
    alef_vowels: frozenset[str]  # letters a name may start with whose vowel Arabic writes as ALEF
    spelled: re.Pattern[str] | None  # a word said letter by letter (initials, acronyms)
    letter_names: Mapping[str, str]  # lower-case letter -> its name in subclasses or classes
    precision: Precision
    digest: str

    @functools.cached_property
    def word_chars(self) -> frozenset[str]:
        """What an Arabic-script word is made of: mapped letters, silent letters and digits."""
        return frozenset(self.arabic) | self.silent | frozenset(_ARABIC_DIGITS)

    @functools.cached_property
    def word_pattern(self) -> re.Pattern[str]:
        """An Arabic-script word: a run of ``word_chars``."""
        return re.compile("[" + "".join(re.escape(c) for c in sorted(self.word_chars)) + "]+")

    @functools.cached_property
    def unmarked_table(self) -> dict[int, None]:
        """Deletes every character of a word (``word_chars``) but the ``marked`` letters."""
        return {ord(c): None for c in self.word_chars if c not in self.marked}

    @functools.cached_property
    def projection(self) -> dict[int, str]:
        """Writes every subclass as its class."""
        return str.maketrans(dict(self.subclasses))

    @functools.cached_property
    def vowel_letters(self) -> frozenset[str]:
        """The vowel classes and their subclasses: what is a vowel in a key, fine or not."""
        return VOWELS | frozenset(c for c, parent in self.subclasses.items() if parent in VOWELS)

    @functools.cached_property
    def silent_table(self) -> dict[int, None]:
        """Deletes the ``silent`` letters."""
        return dict.fromkeys(map(ord, self.silent))

    @functools.cached_property
    def letter_table(self) -> dict[int, str]:
        table = {ord(c): v for c, v in self.arabic.items()}
        table.update({ord(c): "" for c in self.silent})
        table.update({ord(c): str(unicodedata.digit(c)) for c in _ARABIC_DIGITS})
        return table

    @functools.cached_property
    def prefixes(self) -> tuple[tuple[str, bool], ...]:
        """(written form, whether it ends in the article) of every proclitic combination, longest first."""
        return _proclitic_combinations(self.proclitics)

    @functools.cached_property
    def elided(self) -> tuple[str, ...]:
        """Proclitic stacks whose article lost its alef (li + al is written لل).

        No name's rendering starts with such a doubled letter, so a word that does is
        only ever read with a proclitic split off (للون "for the colour" is not Loan).
        """
        articles = [c.form for c in clitic_rules.clitics().proclitics if c.category == "article"]
        return tuple(written for written, article in self.prefixes
                     if article and not any(written.endswith(form) for form in articles))


_ARABIC_DIGITS = "".join(chr(c) for c in range(0x0660, 0x066A))
_CLASS = re.compile(r"[A-Za-z0-9]*")


def compile_rules(rules: rulebook.RuleFile) -> LatinizeRules:
    """Validate and compile a ``latinize`` rule file."""
    classes = rules.get("classes", Mapping)
    for name in classes:
        if len(name) != 1 or not name.isalpha():
            raise rules.error(f"classes.{name}", "a class name must be one ASCII letter")
    subclasses = {}
    for name, parent in rules.get("subclasses", Mapping, {}).items():
        if len(name) != 1 or not name.isalpha() or name in classes:
            raise rules.error(f"subclasses.{name}", "a subclass name must be one ASCII letter that is not a class")
        if parent not in classes:
            raise rules.error(f"subclasses.{name}", f"{parent!r} is not one of the classes")
        subclasses[name] = parent
    known = set(classes) | set(subclasses)

    def sound(entry: str, value: Any) -> str:
        text = rules.expect(entry, value, str)
        unknown = sorted(set(text) - known)
        if unknown:
            raise rules.error(entry, f"{unknown[0]!r} is not one of the classes or subclasses")
        return text  # type: ignore[no-any-return]

    arabic = {char: sound(f"arabic.{char!r}", value) for char, value in rules.charmap("arabic").items()}
    final = {char: sound(f"final.{char!r}", value) for char, value in rules.charmap("final").items()}
    initial = []
    for letters, value in rules.get("initial", Mapping, {}).items():
        if not letters or any(c not in arabic for c in letters):
            raise rules.error(f"initial.{letters!r}", "must be letters listed under 'arabic'")
        initial.append((letters, sound(f"initial.{letters!r}", value)))
    initial.sort(key=lambda item: -len(item[0]))
    marked = {}
    for letter, spellings in rules.get("marked", Mapping, {}).items():
        if letter not in arabic:
            raise rules.error(f"marked.{letter!r}", "must be a letter listed under 'arabic'")
        marked[letter] = tuple(rules.expect(f"marked.{letter!r}[{i}]", spelling, str)
                               for i, spelling in enumerate(rules.expect(f"marked.{letter!r}", spellings, tuple)))
    silent = rules.charset("silent")
    joins = tuple((sound(f"joins.{seq}", seq), sound(f"joins.{seq}", out)) for seq, out in rules.get("joins", Mapping).items())
    if any(c in subclasses for join in joins for c in "".join(join)):
        raise rules.error("joins", "joins are written in classes, not subclasses")
    groups = rules.get("latin", Mapping)
    common = _compile_groups(rules, "latin.common", groups.get("common", ()), sound)
    languages: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {}
    owned: dict[str, list[tuple[str, str]]] = {}  # each language's groups before the common ones
    for language, spec in groups.items():
        if language == "common":
            continue
        # A reading may be another's with a few groups of its own, tried first:
        # {extends: english, groups: [...]}.
        where, base = f"latin.{language}", []
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"extends", "groups"}
            if unknown:
                raise rules.error(where, f"unknown field {sorted(unknown)[0]!r}")
            parent = spec.get("extends")
            if parent not in owned:
                raise rules.error(f"{where}.extends", f"{parent!r} is not a language listed before {language!r}")
            where, base, spec = f"{where}.groups", owned[parent], spec.get("groups", ())
        own = owned[language] = _compile_groups(rules, where, spec, sound) + base
        patterns = [p for p, _ in own + common]
        # Each group ends in an empty capturing group that tells which one matched
        # (``lastindex``). Before a group, it would hide the group's first letter from
        # the regex engine, which then has to enter every group at every letter.
        languages[language] = (re.compile("|".join(f"(?:{p})()" for p in patterns)), tuple(s for _, s in own + common))
    if not languages:
        raise rules.error("latin", "needs at least one language besides 'common'")
    conditions = rules.get("reading_when", Mapping, {})
    when: list[re.Pattern[str] | None] = []
    for language in languages:
        if language in conditions:
            pattern = rules.expect(f"reading_when.{language}", conditions[language], str)
            try:
                when.append(re.compile(pattern))
            except re.error as error:
                raise rules.error(f"reading_when.{language}", f"not a valid pattern ({error})") from None
        else:
            when.append(None)
    for language in conditions:
        if language not in languages:
            raise rules.error(f"reading_when.{language}", "is not a language under 'latin'")
    inventory = clitic_rules.clitics()
    forms = {c.form for c in inventory.proclitics}
    proclitics = []
    for i, form in enumerate(rules.get("proclitics", tuple)):
        rules.expect(f"proclitics[{i}]", form, str)
        if form not in forms:
            raise rules.error(f"proclitics[{i}]", f"{form!r} is not a proclitic of the clitics rule file")
        proclitics.append(form)
    rules.get("precision", Mapping)
    # Every field a number of the section: whole numbers where the field is an int.
    numbers: dict[str, Any] = {
        field.name: int(rules.get(f"precision.{field.name}", int)) if field.type == "int"
        else float(rules.get(f"precision.{field.name}", (int, float)))
        for field in fields(Precision)}
    precision = Precision(**numbers)
    digest = hashlib.sha256(repr(rules.data).encode("utf-8")).hexdigest()
    alef_vowels = frozenset(rules.get("alef_vowels", str, ""))
    if any(not c.isalpha() or c != c.lower() for c in alef_vowels):
        raise rules.error("alef_vowels", "must be lower-case letters")
    if alef_vowels and arabic.get(ALEF) not in VOWELS:
        raise rules.error("alef_vowels", "needs ALEF listed under 'arabic' with a vowel class")
    spelled, letter_names = None, {}
    spec = rules.get("spelled", Mapping, {})
    if spec:
        unknown = set(spec) - {"words", "letters"}
        if unknown:
            raise rules.error("spelled", f"unknown field {sorted(unknown)[0]!r}")
        try:
            spelled = re.compile(rules.get("spelled.words", str))
        except re.error as error:
            raise rules.error("spelled.words", f"not a valid pattern ({error})") from None
        for letter, value in rules.get("spelled.letters", Mapping).items():
            if len(letter) != 1 or letter != letter.lower():
                raise rules.error(f"spelled.letters.{letter}", "must be one lower-case character")
            letter_names[letter] = sound(f"spelled.letters.{letter}", value)
    return LatinizeRules(arabic, subclasses, final, tuple(initial), marked, joins, silent, tuple(languages.values()), tuple(when),
                         tuple(proclitics), alef_vowels, spelled, letter_names, precision, digest)


def _compile_groups(rules: rulebook.RuleFile, entry: str, spec: Any, sound: Any) -> list[tuple[str, str]]:
    rules.expect(entry, spec, tuple)
    compiled = []
    for i, item in enumerate(spec):
        where = f"{entry}[{i}]"
        rules.expect(where, item, Mapping)
        unknown = set(item) - {"spell", "sound", "before", "after"}
        if unknown:
            raise rules.error(where, f"unknown field {sorted(unknown)[0]!r}")
        spell = rules.expect(f"{where}.spell", item.get("spell"), str)
        pattern = spell
        if "after" in item:
            pattern = f"(?<={rules.expect(f'{where}.after', item['after'], str)})" + pattern
        if "before" in item:
            pattern += f"(?={rules.expect(f'{where}.before', item['before'], str)})"
        try:
            compiled_pattern = re.compile(pattern)
        except re.error as error:
            raise rules.error(where, f"not a valid pattern ({error})") from None
        if compiled_pattern.groups:
            raise rules.error(where, "use (?:...) rather than capturing groups")
        compiled.append((pattern, sound(f"{where}.sound", item.get("sound"))))
    return compiled


def _proclitic_combinations(forms: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """Every way the allowed proclitics stack: conjunction, preposition, then article."""
    inventory = clitic_rules.clitics()
    category = {c.form: c.category for c in inventory.proclitics}
    slots = [[f for f in forms if category[f] == cat] for cat in ("conjunction", "preposition", "article")]
    combinations = set()
    for conjunction in ["", *slots[0]]:
        for preposition in ["", *slots[1]]:
            for article in ["", *slots[2]]:
                stack = conjunction + preposition
                if stack + article:
                    combinations.add((inventory.attach(stack, article) if article else stack, bool(article)))
    return tuple(sorted(combinations, key=lambda c: (-len(c[0]), c[0])))


def rules() -> LatinizeRules:
    """The compiled ``latinize`` rule file on the current search path."""
    return _compiled(rulebook.load("latinize"))


@functools.cache
def _compiled(rule_file: rulebook.RuleFile) -> LatinizeRules:
    return compile_rules(rule_file)


# ---------------------------------------------------------------------------------
# Keys: spellings as sound classes


_REPEATS = re.compile(r"(.)\1+")


def _tidy(key: str, joins: tuple[tuple[str, str], ...]) -> str:
    for sequence, result in joins:
        key = key.replace(sequence, result)
    return _REPEATS.sub(_first_letter, key)


def _first_letter(repeat: re.Match[str]) -> str:
    return repeat[1]  # a function: quicker than the template r"\1" in CPython 3.11


def _concat(parts: Sequence[str], joins: tuple[tuple[str, str], ...]) -> str:
    """Join tidy word keys into one tidy key; only a word boundary can need tidying."""
    key = "".join(parts)
    if any(_seam(before, after, joins) for before, after in zip(parts, parts[1:])):
        return _tidy(key, joins)
    return key


def _seam(before: str, after: str, joins: tuple[tuple[str, str], ...]) -> bool:
    """Whether two tidy keys need tidying where they meet (a repeated class, a join)."""
    return bool(before and after and (before[-1] == after[0] or before[-1] + after[0] in _join_starts(joins)))


@functools.cache
def _join_starts(joins: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset(sequence[:2] for sequence, _ in joins)


def latin_keys(text: str, compiled: LatinizeRules | None = None, fine: bool = False) -> tuple[str, ...]:
    """The sound-class strings of a Latin-script name, one per reading: English, and
    each further language of the rules' ``latin`` whose ``reading_when`` allows it; then,
    for a name that starts with one of the rules' ``alef_vowels``, each of those with its
    first vowel written as ALEF (ادوارد Edward).

    ``fine``: in subclasses where the spelling has them.

    >>> latin_keys("Ed Sheeran")
    ('iDCiRaN', 'aDCiRaN')
    >>> latin_keys("Béraud")
    ('BiRuD', 'BiRu', 'BiRauD')
    >>> latin_keys("Zuzana", fine=True)
    ('ZuZaNa',)
    """
    compiled = compiled or rules()
    return _latin_keys(text, compiled, fine)


@functools.lru_cache(maxsize=1 << 19)
def _latin_word_key(word: str, compiled: LatinizeRules, reading: int, fine: bool = False) -> str:
    """A word's key in the ``reading``-th language (computed only for the readings an entry gets)."""
    pattern, sounds = compiled.readings[reading]
    key = "".join(_CLASS.findall(pattern.sub(lambda m: sounds[m.lastindex - 1], word)))  # type: ignore[operator]
    return _tidy(key if fine else key.translate(compiled.projection), compiled.joins)


def _spelled_word_key(word: str, compiled: LatinizeRules, fine: bool = False) -> str:
    """A word's key said letter by letter (``word`` lower-cased): the letters' names."""
    key = "".join(compiled.letter_names.get(char, "") for char in word)
    return _tidy(key if fine else key.translate(compiled.projection), compiled.joins)


def _latin_keys(text: str, compiled: LatinizeRules, fine: bool = False) -> tuple[str, ...]:
    return tuple(key for key, _ in _latin_readings(text, compiled, fine))


def _latin_readings(text: str, compiled: LatinizeRules, fine: bool = False) -> tuple[tuple[str, int], ...]:
    """``_latin_keys``, each with the number of words Arabic writes that reading in."""
    lowered = text.lower()
    words = lowered.split()
    readings: dict[str, int] = {}
    for i, condition in enumerate(compiled.when):
        if condition is not None and not condition.search(lowered):
            continue
        key = _concat([_latin_word_key(word, compiled, i, fine) for word in words], compiled.joins)
        if key:
            readings.setdefault(key, len(words))
    if compiled.spelled is not None:
        # Initials and acronyms spelled out, the English way around them: each letter
        # is a word of its own in Arabic (BBC بي بي سي).
        spelled = [compiled.spelled.fullmatch(word) is not None for word in text.split()]
        if any(spelled):
            key = _concat([_spelled_word_key(word, compiled, fine) if spell else _latin_word_key(word, compiled, 0, fine)
                           for word, spell in zip(words, spelled)], compiled.joins)
            said_in = sum(sum(char in compiled.letter_names for char in word) if spell else 1
                          for word, spell in zip(words, spelled))
            if key:
                readings.setdefault(key, said_in)
    if lowered[:1] in compiled.alef_vowels:
        alef, vowel = compiled.arabic[ALEF], compiled.vowel_letters
        for key, said_in in list(readings.items()):
            if key[0] in vowel and key[0] != alef and key[1:2] and key[1] not in vowel:
                readings.setdefault(alef + key[1:], said_in)
    return tuple(readings.items())


def arabic_key(text: str, compiled: LatinizeRules | None = None, fine: bool = False) -> str:
    """The sound-class string of Arabic-script text (spaces ignored).

    ``fine``: in subclasses where the letters are of one.

    >>> arabic_key("إد شيران")
    'iDCiRaN'
    >>> arabic_key("بورنه")
    'BuRNa'
    >>> arabic_key("زوزانا", fine=True)
    'ZuZaNa'
    """
    compiled = compiled or rules()
    return _concat([_arabic_word_key(w, compiled, fine) for w in text.split()], compiled.joins)


@functools.lru_cache(maxsize=1 << 17)
def _arabic_word_key(word: str, compiled: LatinizeRules, fine: bool = False) -> str:
    letters = word.translate(compiled.silent_table)
    tail = ""
    if len(letters) > 1 and letters[-1] in compiled.final:
        letters, tail = letters[:-1], compiled.final[letters[-1]]
    head = ""
    for sequence, classes in compiled.initial:
        if letters.startswith(sequence) and len(letters) + len(tail) > len(sequence):
            head, letters = classes, letters[len(sequence):]
            break
    key = head + letters.translate(compiled.letter_table) + tail
    return _tidy(key if fine else key.translate(compiled.projection), compiled.joins)


def skeleton(key: str) -> str:
    """The consonant classes of a key.

    >>> skeleton("iDCiRaN")
    'DCRN'
    """
    a, i, u = _VOWEL_ORDER  # three replace() calls: quicker than translate() on so short a string
    return key.replace(a, "").replace(i, "").replace(u, "")


def _neighbours(skel: str) -> list[str]:
    """The skeleton itself and, for three classes or more, each one-deletion variant, once each."""
    neighbours = [skel]
    if len(skel) >= 3:
        for i in range(len(skel)):
            shorter = skel[:i] + skel[i + 1:]
            if shorter not in neighbours:  # a short list: quicker than a set
                neighbours.append(shorter)
    return neighbours


# ---------------------------------------------------------------------------------
# Catalogue and index


@dataclass(frozen=True)
class Entry:
    latin: str
    type: str = ""
    renderings: tuple[str, ...] = ()


def read_catalogue(data: bytes, source: str) -> list[Entry]:
    """Parse a catalogue: one entry per line, or ``entry<TAB>type<TAB>rendering|rendering``.

    Blank lines are skipped. Entries keep their spelling (accents included).

    >>> read_catalogue("Ed Sheeran\\tartist\\tاد شيران|إد شيرن\\n\\nDaft Punk\\n".encode(), "c.tsv")
    [Entry(latin='Ed Sheeran', type='artist', renderings=('اد شيران', 'إد شيرن')), Entry(latin='Daft Punk', type='', renderings=())]
    """
    entries = []
    for lineno, line in enumerate(streams.decode_lines(io.BytesIO(data), source), start=1):
        line = line.rstrip("\r\n")
        if lineno == 1:
            line = line.lstrip("\N{ZERO WIDTH NO-BREAK SPACE}")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > 3:
            raise InputError(source, lineno, f"{len(fields)} fields; a catalogue line is entry, or entry<TAB>type<TAB>renderings")
        latin = fields[0].strip()
        if not latin:
            raise InputError(source, lineno, "empty entry")
        kind = fields[1].strip() if len(fields) > 1 else ""
        renderings = tuple(r.strip() for r in fields[2].split("|") if r.strip()) if len(fields) > 2 else ()
        entries.append(Entry(latin, kind, renderings))
    return entries


@dataclass(eq=False)
class Index:
    """Catalogue entries, their keys, and the deletion index over their skeletons.

    The index is compressed-sparse-row: ``slots`` maps a skeleton (or a skeleton with
    one class deleted) to a slot, and the variants (readings of entries) filed under it
    are ``members[offsets[2 * slot]:offsets[2 * slot + 2]]`` in two groups: group 0
    (up to ``offsets[2 * slot + 1]``) holds the variants whose skeleton is the slot's
    string, group 1 those whose skeleton is one class longer. A group's members share
    a skeleton length, and the index keeps their longest key and the ranges of their
    word and vowel counts, so a query can bound their scores, and skip the group,
    before reading them (``_Matcher._promising``). Numpy arrays keep it compact, quick to
    save and quick to score.
    """

    entries: list[str]
    types: list[str]
    variant_entry: Any           # variant -> entry number (int32 array)
    variant_words: Any           # variant -> number of words it is said in (int16 array)
    variant_key: list[str]       # variant -> key
    variant_skeleton: list[str]  # variant -> consonant skeleton
    variant_known: Any           # variant comes from a known Arabic rendering (bool array)
    variant_penalty: Any         # subtracted from the variant's score (float32 array)
    variant_length: Any          # length of the variant's key (int16 array)
    variant_skeleton_length: Any  # length of the variant's skeleton (int16 array)
    variant_vowels: Any          # variant -> count of each vowel class, sorted (int16 array, variants x vowels)
    slots: dict[str, int]
    offsets: Any                 # int64 array, two per slot (its groups) and one more
    members: Any                 # int32 array of variants
    longest: Any                 # group -> length of its longest key (int16 array)
    group_low: Any               # group -> least variant word count and vowel counts (int16 array, groups x 4)
    group_high: Any              # group -> greatest of the same
    group_known: Any             # group holds a variant from a known rendering (bool array)
    max_words: int

    def candidates(self, key: str) -> Any:
        """Variants whose skeleton is within the deletion neighbourhood of ``key``'s."""
        import numpy as np

        parts = []
        for neighbour in _neighbours(skeleton(key)):
            slot = self.slots.get(neighbour)
            if slot is not None:
                # Each group is sorted; the two of a slot together are not.
                parts += [self.members[self.offsets[group]:self.offsets[group + 1]]
                          for group in (2 * slot, 2 * slot + 1) if self.offsets[group] < self.offsets[group + 1]]
        if not parts:
            return self.members[:0]
        return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))


def build_index(entries: Sequence[Entry], compiled: LatinizeRules | None = None) -> Index:
    """Index catalogue entries by the deletion neighbourhoods of their skeletons."""
    import numpy as np

    compiled = compiled or rules()
    latin: list[str] = []
    types: list[str] = []
    variant_entry: list[int] = []
    variant_words: list[int] = []
    variant_key: list[str] = []
    variant_skeleton: list[str] = []
    variant_known: list[bool] = []
    variant_penalty: list[float] = []
    slots: dict[str, int] = {}
    filed_group: list[int] = []
    filed_variant: list[int] = []
    filing: dict[str, list[int]] = {}  # skeleton -> the groups its variants are filed in
    for number, entry in enumerate(entries):
        latin.append(entry.latin)
        types.append(entry.type)
        # The first reading (English) is the default; a later one loses a near tie, so
        # its silent letters do not make ordinary words match English entries.
        variants = [(k, n, False, READING_PENALTY * (i > 0))
                    for i, (k, n) in enumerate(_latin_readings(entry.latin, compiled))]
        variants += [(arabic_key(r, compiled), len(r.split()), True, 0.0) for r in entry.renderings]
        for key, said_in, known, penalty in variants:
            skel = skeleton(key)
            if not skel:
                continue
            variant = len(variant_key)
            variant_entry.append(number)
            variant_words.append(said_in)
            variant_key.append(key)
            variant_skeleton.append(skel)
            variant_known.append(known)
            variant_penalty.append(penalty)
            # Variants often share a skeleton (readings, renderings, entries of one name).
            groups = filing.get(skel)
            if groups is None:
                groups = filing[skel] = [2 * slots.setdefault(neighbour, len(slots)) + (neighbour != skel)
                                         for neighbour in _neighbours(skel)]
            filed_group += groups
            filed_variant += [variant] * len(groups)
    # The word keys served this build. Each of the cache's entries holds a tuple the
    # garbage collector tracks: left there, they would make every full collection
    # of a process that goes on to match text walk a hundred thousand of them.
    _latin_word_key.cache_clear()
    group_array = np.asarray(filed_group, dtype=np.int64)
    order = np.argsort(group_array, kind="stable")
    offsets = np.zeros(2 * len(slots) + 1, dtype=np.int64)
    np.cumsum(np.bincount(group_array, minlength=2 * len(slots)), out=offsets[1:])
    members = np.asarray(filed_variant, dtype=np.int32)[order]
    lengths = np.asarray([len(k) for k in variant_key], dtype=np.int16)
    word_array = np.asarray(variant_words, dtype=np.int16)
    entry_array = np.asarray(variant_entry, dtype=np.int32)
    known_array = np.asarray(variant_known, dtype=bool)
    # Each key's count of each vowel class, summed over the keys' code points at once
    # (every key has a consonant, so none is empty).
    codes = np.frombuffer("".join(variant_key).encode("utf-32-le"), dtype=np.uint32)
    starts = np.zeros(len(variant_key), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    vowel_counts = np.zeros((len(variant_key), len(VOWELS)), dtype=np.int16)
    if len(variant_key):
        for column, vowel in enumerate(sorted(VOWELS)):
            vowel_counts[:, column] = np.add.reduceat((codes == ord(vowel)).astype(np.int16), starts)
    # Each group's longest key, range of variant word counts and vowel counts, and
    # whether it holds a known rendering: what _promising bounds a group's scores by.
    low, high = _group_ranges(np.column_stack([lengths, word_array, vowel_counts])[members], offsets)
    known = _group_ranges(known_array[members], offsets)[1]
    return Index(latin, types, entry_array, word_array, variant_key, variant_skeleton, known_array,
                 np.asarray(variant_penalty, dtype=np.float32), lengths,
                 np.asarray([len(k) for k in variant_skeleton], dtype=np.int16), vowel_counts,
                 slots, offsets, members, high[:, 0].copy(), low[:, 1:].copy(), high[:, 1:].copy(), known,
                 max(variant_words, default=1))


def _group_ranges(values: Any, offsets: Any) -> tuple[Any, Any]:
    """The least and the greatest of ``values`` (sorted by group) in each group; 0 in empty groups."""
    import numpy as np

    low = np.zeros((len(offsets) - 1, *values.shape[1:]), dtype=values.dtype)
    high = low.copy()
    filled = offsets[:-1] < offsets[1:]
    # reduceat reads each filled group up to the start of the next one, so empty
    # groups in between do not matter.
    low[filled] = np.minimum.reduceat(values, offsets[:-1][filled], axis=0)
    high[filled] = np.maximum.reduceat(values, offsets[:-1][filled], axis=0)
    return low, high


def default_cache_dir() -> Path:
    """Where catalogue indexes are cached: ``$XDG_CACHE_HOME/arabic-tools/latinize``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "arabic-tools" / "latinize"


def _digest(data: bytes, compiled: LatinizeRules) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"\0{compiled.digest}\0{INDEX_VERSION}".encode())
    return digest.hexdigest()[:32]


def _cache_file(digest: str, cache_dir: str | os.PathLike[str] | None) -> Path:
    return Path(cache_dir or default_cache_dir()) / f"{digest}.npz"


def _save_index(index: Index, stream: Any) -> None:
    """Write ``index`` as a numpy ``.npz`` archive of plain arrays.

    Not a pickle: loading a pickle runs whatever code it names, and a cache directory
    may be shared. String lists become one newline-terminated UTF-8 byte array each
    (entries, types and keys never contain a newline); ``slots`` is stored as its
    strings in slot order.
    """
    import numpy as np

    arrays: dict[str, Any] = {}
    for field in fields(Index):
        value = getattr(index, field.name)
        if isinstance(value, dict):
            value = sorted(value, key=value.__getitem__)
        if isinstance(value, list):
            value = np.frombuffer("".join(f"{item}\n" for item in value).encode("utf-8"), dtype=np.uint8)
        arrays[field.name] = np.asarray(value)
    np.savez(stream, **arrays)


def _read_index(path: Path) -> Index:
    """Read an index written by :func:`_save_index` (a defective file raises)."""
    import numpy as np

    with np.load(path, allow_pickle=False) as archive:
        values: dict[str, Any] = {}
        for field in fields(Index):
            value = archive[field.name]
            if field.type in ("list[str]", "dict[str, int]"):
                strings = value.tobytes().decode("utf-8").split("\n")[:-1]
                value = dict(zip(strings, range(len(strings)))) if field.type.startswith("dict") else strings
            elif field.type == "int":
                value = int(value)
            values[field.name] = value
    return Index(**values)


def build_latinize_index(catalogue: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Build the index of ``catalogue`` and write it to the disk cache; return the cache file.

    Unlike the implicit build of :class:`Latinizer`, failing to write the cache is an error.
    """
    index, path = load_index(catalogue, cache_dir, rebuild=True, must_write=True)
    del index
    return path


def load_index(catalogue: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None,
               *, rebuild: bool = False, must_write: bool = False) -> tuple[Index, Path]:
    """The index of ``catalogue``, read from the disk cache or built (and then cached).

    A cache that cannot be written (read-only home, say) is not an error: the index is
    then built in every process that needs it.
    """
    compiled = rules()
    data = Path(catalogue).read_bytes()
    path = _cache_file(_digest(data, compiled), cache_dir)
    if not rebuild:
        try:
            return _read_index(path), path
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            pass  # missing, or written by another version: build it again
    index = build_index(read_catalogue(data, str(catalogue)), compiled)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".latinize-", delete=False) as written:
            _save_index(index, written)
        os.replace(written.name, path)
    except OSError as error:
        if must_write:
            raise CacheError(f"{path.parent}: cannot write the index cache ({error.strerror or error})") from None
    return index, path


@functools.cache
def _process_index(catalogue: str, stamp: tuple[int, int], cache_dir: str | None) -> Index:
    # Keyed on the file's identity and modification stamp; load_index itself keys the
    # disk cache on the content.
    return load_index(catalogue, cache_dir)[0]


def _index_for(catalogue: str, cache_dir: str | None) -> Index:
    status = os.stat(catalogue)
    return _process_index(os.path.realpath(catalogue), (status.st_mtime_ns, status.st_size), cache_dir)


# ---------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class Candidate:
    entry: str
    type: str
    score: float


@dataclass(frozen=True)
class Match:
    """One replaced span: ``start``/``end`` are character offsets into the input line."""

    start: int
    end: int
    arabic: str
    proclitic: str
    entry: str
    type: str
    score: float
    candidates: tuple[Candidate, ...] = ()


@functools.lru_cache(maxsize=1 << 17)
def _zipf(word: str) -> float:
    """``word``'s Zipf frequency as Arabic text (wordfreq's ``zipf_frequency``)."""
    if _PLAIN_ARABIC.fullmatch(word):
        return _plain_zipf((word,), "ar")
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "ar"))


def _latin_zipf(text: str, language: str) -> float:
    """``text``'s Zipf frequency as English or French text (wordfreq's ``zipf_frequency``)."""
    if _PLAIN_LATIN.fullmatch(text):
        return _plain_zipf(text.lower().split(" "), language)
    from wordfreq import zipf_frequency

    return float(zipf_frequency(text, language))


# Text that wordfreq's tokenizer splits only at its spaces and changes in no other way
# than wordfreq would (Arabic: no marks, tatweel or digits, nothing NFKC changes;
# English and French: ASCII letters, which it lower-cases).
_PLAIN_ARABIC = re.compile("[\u0621-\u063a\u0641-\u064a]+")
_PLAIN_LATIN = re.compile("[A-Za-z]+(?: [A-Za-z]+)*")


def _plain_zipf(tokens: Sequence[str], language: str) -> float:
    """zipf_frequency(" ".join(tokens), language) for ``_PLAIN_ARABIC`` or ``_PLAIN_LATIN``
    text, in wordfreq's tokens, step for step.

    It skips wordfreq's tokenizer, which took a third of the time of the look-ups a
    new line makes; tests/test_latinize.py checks it against zipf_frequency.
    """
    from wordfreq import freq_to_zipf, get_frequency_dict, zipf_to_freq

    least = zipf_to_freq(0.0)
    frequencies = get_frequency_dict(language, "best")
    # _word_frequency: combine the tokens' frequencies (1/f = 1/f1 + 1/f2 + ...; the
    # least if any is unknown), keep three significant digits.
    inverse = 0.0
    for token in tokens:
        frequency = frequencies.get(token)
        if frequency is None:
            inverse = math.inf
            break
        inverse += 1.0 / frequency
    unrounded = max(1.0 / inverse, least)
    frequency = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return float(round(freq_to_zipf(frequency), 2))


def _length_bound(key_length: int, skeleton_length: int, lengths: Any, skeleton_lengths: Any, penalties: Any,
                  word_gaps: Any) -> Any:
    """The most the variants of key ``lengths`` and ``skeleton_lengths`` can score against a key.

    The lengths of two strings bound their Indel similarity (1 - |a - b| / (a + b)).
    ``latinize_kernels`` has the same bound inline for ``_promising``: compiled code
    cannot call this function.
    """
    return 1.0 - 0.5 * abs(lengths - key_length) / (lengths + key_length) \
        - 0.5 * abs(skeleton_lengths - skeleton_length) / (skeleton_lengths + skeleton_length) \
        - penalties - WORD_COUNT_PENALTY * word_gaps


class _Matcher:
    """Scores spans against one index; memoizes span keys, which repeat across lines."""

    def __init__(self, index: Index, compiled: LatinizeRules) -> None:
        import numpy as np
        from rapidfuzz.distance import Indel

        self.index = index
        self.rules = compiled
        self.similarity = Indel.normalized_similarity
        self.ranked = functools.lru_cache(maxsize=1 << 17)(self._ranked)
        # Load wordfreq's lists with the index, not on the first line that needs them
        # (half a second): _zipf reads the Arabic one, prior() the English and French.
        # The tokenizer's statistics decide which words carry a pronoun suffix
        # (word_frequency).
        from wordfreq import zipf_frequency

        for language in ("ar", "en", "fr"):
            zipf_frequency("a", language)
        self.pronoun_split = pronoun_splitter()
        # For _promising: each variant's integer columns in one row (skeleton length, key
        # length, variant words, vowel counts, known rendering), its score before any
        # distance (1 less its penalty), and the compiled loop that reads them.
        from arabic_tools import latinize_kernels

        self.kernel = latinize_kernels.promising
        self.profile = np.column_stack([index.variant_skeleton_length, index.variant_length,
                                        index.variant_words, index.variant_vowels,
                                        index.variant_known]).astype(np.int16)
        self.unpenalized = 1.0 - index.variant_penalty.astype(np.float64)
        # For reachable(): the first classes of every slot string (50 MiB for 1M slots).
        # A dict, not a set: CPython leaves a dict of strings out of garbage collection,
        # whereas every full collection would walk a set's million strings.
        self.openings = dict.fromkeys(s[:n] for s in index.slots for n in OPENING_LENGTHS if len(s) >= n)
        self.opened: dict[str, bool] = {}  # reachable()'s answers by opening
        # For unlicensed(): a bit per marked letter, and per entry the bits of those its
        # spelling licenses, worked out when the entry is first scored (-1 before).
        self.mark_bits = {mark: bit for bit, mark in enumerate(compiled.marked)}
        licensing: dict[str, int] = {}  # letter group -> the bits of the marked letters it licenses
        for mark, groups in compiled.marked.items():
            for group in groups:
                licensing[group] = licensing.get(group, 0) | 1 << self.mark_bits[mark]
        self.licensing = tuple(licensing.items())
        self.licences = np.full(len(index.entries), -1, dtype=np.int32)
        # The group bounds of _promising allow for a penalty below 0 (a bonus).
        self.least_penalty = min(0.0, float(index.variant_penalty.min(initial=0.0)))
        # The highest prior() of any entry: the Zipf frequency of wordfreq's most
        # frequent English or French word (a text of several words is rarer than each).
        # It bounds the prior bonus of near ties (_ranked, _promising) and sets the
        # floor a span is ranked against (find_matches).
        from wordfreq import freq_to_zipf, get_frequency_dict

        self.most_prior = max(float(freq_to_zipf(max(get_frequency_dict(language, "best").values())))
                              for language in ("en", "fr"))
        # numba compiles _read_groups' loop, or loads it from its cache, on its first call:
        # here, with the index, rather than on the first line.
        self._read_groups(np.empty((0, 3), dtype=np.int64), False, 1, 1, 1, np.zeros(3, dtype=np.int64), 0.0, 0.0, 1.0)

    def _ranked(self, key: str, words: int, width: int, floor: float, marks: str = "",
                fine: str = "") -> tuple[tuple[float, int], ...]:
        """The best ``width`` entries for ``key`` (spread over ``words`` Arabic words) scoring ``floor`` or more.

        The score is the mean Indel similarity of the class strings and of their
        skeletons, less a little for each word the reading is said in more or fewer than the
        span (a space inside a name or missing between words is an ASR slip, not the
        rule), and less a little for a reading after the first (English) one. Near ties go to the
        entry whose spelling fits ``fine``, the span's key in subclasses, better
        (زوزانا Zuzana before Susana), and to the entry that is more frequent as
        English or French text (Julia before Golias), then to the entry listed first.

        When no entry can reach ``floor`` (less ``FLOOR_SLACK``), even with the largest
        frequency bonus, the answer is empty: find_matches would discard it anyway.
        """
        import numpy as np

        promising = self._promising(key, words, floor)
        if not len(promising):
            return ()
        if width == 1:
            # Every variant left out of ``promising`` scores more than a near tie below
            # the best one whenever the best can reach ``floor``: it cannot be the
            # answer, nor change it. That holds while all the near ties are among the
            # variants _best keeps; with more, which ones it keeps depends on the order
            # of all the variants, so they are all scored.
            scores, numbers = self._scores(key, words, promising)
            # Marked letters only lower scores: an answer out of reach without their
            # cost is out of reach with it, and most are.
            if float(scores.max()) + PRIOR_WEIGHT * self.most_prior < floor - FLOOR_SLACK:
                return ()
            self._charge_marks(scores, numbers, promising, marks)
            top = float(scores.max())
            if top + PRIOR_WEIGHT * self.most_prior < floor - FLOOR_SLACK:
                return ()
            if np.count_nonzero(scores >= top - NEAR_TIE - BOUND_MARGIN) <= 4 * (width + TIE_WINDOW):
                return self._best(scores, numbers, width, fine)
        variants = self._compared(key, words, floor, self.index.candidates(key))
        scores, numbers = self._scores(key, words, variants)
        self._charge_marks(scores, numbers, variants, marks)
        return self._best(scores, numbers, width, fine)

    def reachable(self, skel: str) -> bool:
        """Whether a slot may be within one deletion of ``skel``; if not, no entry is.

        Such a slot starts with the first n + 1 classes of ``skel`` less one, for any n
        below the length of ``skel``. Testing that for one n up to 7 is a few look-ups
        where _promising makes one per class, and it rejects most spans of three words
        or more; a span and its longer versions share the answer.
        """
        if len(skel) <= OPENING_LENGTHS[0]:
            return True
        head = skel[:OPENING_LENGTHS[-1] + 1]
        answer = self.opened.get(head)
        if answer is None:
            # Keyed by strings alone, the cache holds no object the garbage collector
            # tracks: new entries on every line would make it run full collections.
            if len(self.opened) >= 1 << 16:
                self.opened.clear()
            answer = self.opened[head] = not self.openings.keys().isdisjoint([head[:i] + head[i + 1:] for i in range(len(head))])
        return answer

    def _compared(self, key: str, words: int, floor: float, variants: Any) -> Any:
        """The ``variants`` whose lengths leave them a chance to reach ``floor``, and known renderings."""
        import numpy as np

        index = self.index
        # Before any string is compared: the lengths of two strings bound their Indel
        # similarity (1 - |a - b| / (a + b)), so candidates whose bound, less their
        # penalties, stays under ``floor`` are dropped with a few array operations.
        # Variants said in more than one word more or fewer than the span are dropped too.
        # Known renderings are always compared.
        word_gap = np.abs(index.variant_words[variants] - words)
        bound = _length_bound(len(key), len(skeleton(key)), index.variant_length[variants],
                              index.variant_skeleton_length[variants], index.variant_penalty[variants], word_gap)
        return variants[((bound >= floor) & (word_gap <= 1)) | index.variant_known[variants]]

    def _promising(self, key: str, words: int, floor: float) -> Any:
        """The compared variants (``_compared``) whose score may come within a near tie of ``floor``.

        That is, within ``FLOOR_SLACK``, the largest frequency bonus and ``NEAR_TIE``. The
        score bound is the one of ``_compared`` made tighter by two facts about Indel
        distance: two different skeletons of one length are at least 2 apart, and
        since vowels pair only with vowels, two keys are at least as far apart as their
        skeletons plus the vowels of each class one has more of than the other. A group
        of the index is skipped unread when its skeleton length, longest key and ranges
        of word and vowel counts bound the scores of all its members below that, and the
        deletions of the span's skeleton are not looked up when no group they can lead
        to could pass.
        """
        import numpy as np

        index = self.index
        lowest = floor - FLOOR_SLACK - PRIOR_WEIGHT * self.most_prior - NEAR_TIE - BOUND_MARGIN
        skel = skeleton(key)
        key_length, skeleton_length = len(key), len(skel)
        # The bound of a group (see the docstring and latinize_kernels) is ``ceiling``
        # less terms that depend on the group.
        ceiling = 1.0 - self.least_penalty
        # With no longest key known, a deletion of the span's skeleton leads to groups at
        # distance 1 (one class shorter; member length key_length - 1) or 2 (the same length,
        # a substitution; member length key_length). The second bound is the lower.
        far = ceiling - 1.0 / (2 * key_length) - 1.0 / (2 * skeleton_length) < lowest if skel else True
        if skeleton_length >= 3 and ceiling - 0.5 / (2 * key_length - 1) - 0.5 / (2 * skeleton_length - 1) < lowest:
            neighbours = [skel]
        else:
            neighbours = _neighbours(skel)
        slot_of = index.slots.get
        found = [(neighbour, slot) for neighbour in neighbours if (slot := slot_of(neighbour)) is not None]
        # Most spans are near no slot at all.
        if not found:
            return index.members[:0]
        return self._read_groups(np.array([(slot, len(neighbour), neighbour == skel) for neighbour, slot in found],
                                          dtype=np.int64),
                                 far, skeleton_length, key_length, words,
                                 np.array([key.count(v) for v in _VOWEL_ORDER], dtype=np.int64), lowest, floor, ceiling)

    def _read_groups(self, found: Any, far: bool, skeleton_length: int, key_length: int, words: int, key_vowels: Any,
                     lowest: float, floor: float, ceiling: float) -> Any:
        """The rest of _promising, for the ``found`` slots (rows of slot, skeleton length, and
        whether it is the span's own skeleton): the members of their groups that may pass.

        Compiled code reads the groups and members (latinize_kernels): a few dozen groups
        and about a hundred members per span are too few for numpy's fixed cost per
        operation, too many for a Python loop.
        """
        index = self.index
        return self.kernel(found, far, skeleton_length, key_length, words, key_vowels, lowest, floor, ceiling,
                           WORD_COUNT_PENALTY, index.offsets, index.longest, index.group_known, index.group_low,
                           index.group_high, index.members, self.profile, self.unpenalized)

    def _scores(self, key: str, words: int, variants: Any) -> tuple[Any, Any]:
        """The score of each of ``variants`` (float32 array) and its entry number (int32 array),
        before the cost of marked letters (``_charge_marks``)."""
        import numpy as np
        from rapidfuzz import process

        index = self.index
        listed = variants.tolist()
        keys = [index.variant_key[v] for v in listed]
        skeletons = [index.variant_skeleton[v] for v in listed]
        scores = 0.5 * process.cdist([key], keys, scorer=self.similarity, dtype=np.float32)[0]
        scores += 0.5 * process.cdist([skeleton(key)], skeletons, scorer=self.similarity, dtype=np.float32)[0]
        numbers = index.variant_entry[variants]
        scores -= index.variant_penalty[variants]
        scores -= WORD_COUNT_PENALTY * np.abs(index.variant_words[variants] - words)
        known = np.flatnonzero(index.variant_known[variants])
        for position in known.tolist():
            if keys[position] == key:
                scores[position] = 1.0
        return scores, numbers

    def _charge_marks(self, scores: Any, numbers: Any, variants: Any, marks: str) -> None:
        """Take the cost of the marked letters ``marks`` off ``scores`` (those of ``_scores``).

        Arabic letters for sounds English and French lack cost a little unless the
        entry's spelling has a letter group they render (q for QAF, kh for KHAH); known
        renderings pay nothing.
        """
        if marks:
            scores -= self.unlicensed(marks, numbers, self.index.variant_known[variants])

    def _best(self, scores: Any, numbers: Any, width: int, fine: str = "") -> tuple[tuple[float, int], ...]:
        """The best ``width`` entries by score, near ties ordered by ``fit`` to ``fine`` and ``prior``.

        A near tie's score gains its prior bonus; its fit only orders it.
        """
        import numpy as np

        keep = min(len(scores), 4 * (width + TIE_WINDOW))
        if keep < len(scores):
            top = np.argpartition(-scores, keep - 1)[:keep]
            scores, numbers = scores[top], numbers[top]
        order = np.lexsort((numbers, -scores))
        best: dict[int, float] = {}
        for position in order.tolist():
            number = int(numbers[position])
            if number not in best:
                best[number] = float(scores[position])
                if len(best) == width + TIE_WINDOW:
                    break
        ranked = list(best.items())
        top_score = ranked[0][1]
        # fit() only matters, and is only worth computing, between two near ties or more.
        fitted = bool(fine) and len(ranked) > 1 and top_score - ranked[1][1] < NEAR_TIE
        near = []
        for number, score in ranked:
            rank = score
            if top_score - score < NEAR_TIE:
                score += PRIOR_WEIGHT * self.prior(number)
                rank = score + (FIT_WEIGHT * self.fit(fine, number) if fitted else 0.0)
            near.append((rank, score, number))
        near.sort(key=lambda item: (-item[0], item[2]))
        return tuple((min(score, 1.0), number) for _, score, number in near[:width])

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 (one matcher per index and process)
    def fit(self, fine: str, number: int) -> float:
        """How well entry ``number``'s spelling fits ``fine``, a span's key in subclasses (0-1)."""
        readings = _latin_keys(self.index.entries[number], self.rules, fine=True)
        return max((self.similarity(fine, reading) for reading in readings), default=0.0)

    def unlicensed(self, marks: str, numbers: Any, known: Any) -> Any:
        """The cost of the marked letters ``marks`` that the spellings of entries ``numbers``
        do not license (float32 array); none for a variant from a known rendering (``known``).
        """
        import numpy as np

        bits = self.licences[numbers]
        missing = numbers[bits < 0]
        if len(missing):
            for number in np.unique(missing).tolist():
                self.licences[number] = self.licence(number)
            bits = self.licences[numbers]
        unlicensed = np.zeros(len(numbers), dtype=np.int64)
        for mark in marks:
            unlicensed += (bits >> self.mark_bits[mark]) & 1 == 0
        costs = self.rules.precision.marked_letter * unlicensed
        costs[known] = 0.0
        return costs.astype(np.float32)

    def licence(self, number: int) -> int:
        """The marked letters entry ``number``'s spelling licenses, one bit each (``mark_bits``)."""
        spelling = self.index.entries[number].lower()
        bits = 0
        for group, licensed in self.licensing:
            if group in spelling:
                bits |= licensed
        return bits

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 (one matcher per index and process)
    def prior(self, number: int) -> float:
        """How common the entry is as English or French text (wordfreq Zipf, 0-8)."""
        text = self.index.entries[number]
        return max(_latin_zipf(text, "en"), _latin_zipf(text, "fr"))

    def needed(self, words: Sequence[str], min_score: float, alone: bool = False,
               prior: float | None = None, unknown: bool = False, context: float = 0.0) -> float:
        """The score a span must reach to be replaced by an entry of frequency ``prior``.

        Above 1 means never. Without ``prior``, the least any entry could need.

        What counts is how much more frequent the span is as Arabic text than the entry
        is as English or French text (Zipf units, ``prior_weight`` per unit of the
        entry's): a popular name is frequent in both (تايلور Taylor), an Arabic word
        that happens to sound like an entry only in Arabic (اغاني "songs", Adjani).

        ``alone``: the span is a line of one word. With no sentence around it a word is
        more often a name (a list of names, a slot value), so its frequency as Arabic
        counts for less.

        ``unknown``: the span looks like a foreign name by itself (see ``known``); it
        needs ``unknown_allowance`` less.

        ``context``: how much likelier a name is after the word before the span than
        after any word, plus how much likelier the span's words are to be part of a
        name than any word, plus ``following_share`` of how much likelier a name is
        before the word after the span (log odds, ``latinize_context``); each unit
        counts as ``context_weight`` Zipf units of frequency less (كم عمر X "how old
        is X") or, below 0, more (وريني "show me" is rarely part of a name).
        """
        gate = self.gate(words, min_score, unknown)
        return gate[0] if prior is None else self.needed_of(gate, prior, alone, context)

    def gate(self, words: Sequence[str], min_score: float, unknown: bool = False) -> tuple[float, float, float, bool]:
        """What ``needed`` reads of the span ``words`` whatever the entry: the least any entry
        needs (above 1: never), the span's frequency as Arabic text, the score its margin
        is added to, and whether it is one word."""
        precision = self.rules.precision
        least = min_score
        if len(words) == 1:
            frequency = self.word_frequency(words[0])
            if frequency >= precision.ordinary_at:
                return 2.0, frequency, min_score, True
        else:
            # Several words that each fit part of one entry are much stronger evidence
            # than one: the rarest word counts, less ``per_word`` Zipf units per further
            # word. A span with a function word (هل، ما، كل) must match almost exactly:
            # it is rarely part of a name, but it can be (لا in La Vie en rose), and
            # the more words a span has, the more of it the other words explain.
            zipfs = [_zipf(w) for w in words]
            frequency = min(zipfs) - precision.per_word * (len(zipfs) - 1)
            if max(zipfs) >= precision.function_word_at:
                further = len(words) - 2
                least = max(least, precision.function_word_score - precision.function_word_per_word * further)
        if unknown:
            min_score = least = min_score - precision.unknown_allowance
        return least, frequency, min_score, len(words) == 1

    def needed_of(self, gate: tuple[float, float, float, bool], prior: float, alone: bool = False,
                  context: float = 0.0) -> float:
        """``needed`` for an entry of frequency ``prior``, from the span's ``gate``."""
        precision = self.rules.precision
        least, frequency, min_score, one_word = gate
        frequency -= precision.prior_weight * prior + precision.context_weight * context
        if one_word and frequency >= (precision.alone_never_at if alone else precision.never_at):
            return 2.0
        margin = precision.per_zipf * max(0.0, frequency - precision.free_below)
        if alone:
            margin = max(0.0, margin - precision.alone_allowance)
        return max(least, min_score + margin)

    @functools.lru_cache(maxsize=1 << 17)  # noqa: B019 (one matcher per index and process)
    def known(self, word: str) -> bool:
        """Whether wordfreq knows ``word`` as Arabic: whole, without a pronoun suffix
        (``word_frequency``) or without a proclitic (لمندلسون is li + مندلسون, a spelling of
        Mendelssohn it knows).

        A span of words it does not know, with a skeleton of ``unknown_skeleton`` classes
        or more, looks like a foreign name by itself: no Arabic word, and long enough to
        be evidence (سالينكاروس Salingaros). It needs ``unknown_allowance`` less (see
        ``needed``). Shorter unknown strings are as often misspelt or dialect words.
        """
        # _zipf first: word_frequency is never less, and asks the tokenizer too.
        return bool(_zipf(word) or self.word_frequency(word)) or any(_zipf(rest) for _, _, rest in _proclitic_splits(word, self.rules))

    @functools.lru_cache(maxsize=1 << 17)  # noqa: B019 (one matcher per index and process)
    def word_frequency(self, word: str) -> float:
        """A one-word span's Zipf frequency, or its stem's when that is a frequent word.

        A frequent word (Zipf ``frequent_word`` or more) with a pronoun suffix is an ordinary
        word however rare the whole form is (is'al-hu "ask him" is not Assala, ughniyati
        "my song" is not Agnetha); a rarer stem is no evidence (Stromae is written stromy,
        not strom + -i "my"). Whether a word is a stem and a suffix is the tokenizer's
        decision (``tokenize.pronoun_splitter``), not its last letters: بيلي is Billy, not
        بيل + -i, and الرشيدي, with the article, takes no possessive.
        """
        frequency = _zipf(word)
        split = self.pronoun_split(word) if _PLAIN_ARABIC.fullmatch(word) else None
        if split is not None:
            stem = _zipf(split[1])
            if stem >= self.rules.precision.frequent_word:
                frequency = max(frequency, stem)
        return frequency


def _ordinary_share(words: Sequence[str], lexicons: tuple[str, ...]) -> float:
    """The share of ``words`` that a lexicon knows as ordinary Arabic words."""
    return sum(_is_ordinary(w, lexicons) for w in words) / len(words)


@functools.lru_cache(maxsize=1 << 17)
def _is_ordinary(word: str, lexicons: tuple[str, ...]) -> bool:
    """Whether a morphology database analyses ``word`` as something other than a name.

    Proper nouns and words the database marks as foreign are names, not evidence
    against a match; every other analysis (noun, verb, particle, ...) is, unless the
    database gives lexeme probabilities (CALIMA MSA does) and its corpus never attested
    the lexeme: that is how an analyser reads a foreign name as clitics around a rare
    stem (كورشين Courchesne as ka + warish, سنجو Senju as sa + jawiya).
    """
    from arabic_tools.tokenize_morphology import analyzer

    for database in lexicons:
        for analysis in analyzer(database).analyze(word):
            if analysis.get("pos") not in _NAME_TAGS and analysis.get("pos_lex_logprob", 0.0) != _UNATTESTED:
                return True
    return False


_NAME_TAGS = frozenset({"noun_prop", "foreign"})
_UNATTESTED = -99.0  # camel-tools' pos_lex_logprob for a lexeme its corpus never saw


@functools.cache
def _matcher(index: Index, compiled: LatinizeRules) -> _Matcher:
    return _Matcher(index, compiled)


def find_matches(text: str, index: Index, *, min_score: float = MIN_SCORE, candidates: int = 0,
                 lexicons: tuple[str, ...] = (), compiled: LatinizeRules | None = None) -> list[Match]:
    """The non-overlapping catalogue matches in ``text``, left to right.

    ``lexicons`` are camel-tools morphology databases: a span whose words they analyse
    as ordinary Arabic words (not proper nouns) needs a higher score. The words before
    and after a span, and how often its words are part of names, make it need more or
    less (``rules/latinize-context.yaml``).
    """
    compiled = compiled or rules()
    precision = compiled.precision
    counts = latinize_context.context()
    matcher = _matcher(index, compiled)
    words = [(m.start(), m.end(), m[0]) for m in compiled.word_pattern.finditer(text)]
    if not words:
        return []
    # Per word, once a line: what every span it is in needs of it.
    plain = [w for _, _, w in words]
    known = [matcher.known(w) for w in plain]
    # How much likelier each word is to be part of a name than any word (latinize_context);
    # a span's words count by their mean: one word of a name may well be an ordinary
    # word too (Gide جيد "good"), most of them rarely are.
    name_words = [counts.name_word(w, precision.context_prior, precision.context_most) for w in plain]
    keys, fines, marked = zip(*[_word_parts(w, compiled) for w in plain])
    seams = [_seam(before, after, compiled.joins) for before, after in zip(keys, keys[1:])]
    alone = len(words) == 1 and not (text[:words[0][0]] + text[words[0][1]:]).strip()
    # What the word after each word says about a name ending there (latinize_context):
    # nothing when something other than spaces follows it.
    following = []
    for number, (_, end, _) in enumerate(words):
        after = text[end:words[number + 1][0]] if number + 1 < len(words) else text[end:]
        if after.strip():
            following.append(0.0)
        else:
            following.append(precision.following_share * counts.evidence_before(
                plain[number + 1] if number + 1 < len(words) else None, precision.context_prior,
                precision.context_most))
    # One word more than the longest entry (a space ASR put inside a name), but never
    # more than MAX_SPAN_WORDS: longer names are matched by their parts' spans only.
    longest = min(index.max_words + 1, MAX_SPAN_WORDS)
    found: list[tuple[float, int, Match]] = []
    for first in range(len(words)):
        # The first word whole, or split after a proclitic: (written proclitic, whether
        # it ends in the article, rest, its key, its key in subclasses, its marked
        # letters, and whether the key needs tidying where the next word's meets it).
        heads = []
        splits = _proclitic_splits(plain[first], compiled)
        # Read whole, a word that is the article and a word wordfreq knows is taken as
        # having the article too (الفين "two thousand" is not Alvin); not for words of
        # two letters, which wordfreq knows by chance (اليو is Alliot, not al + يو).
        article_word = any(article and len(rest) >= 3 and _zipf(rest) >= precision.article_word
                           for _, article, rest in splits)
        whole = [] if plain[first].startswith(compiled.elided) else [("", article_word, plain[first])]
        for written, article, head in [*whole, *splits]:
            head_key, head_fine, head_marks = _word_parts(head, compiled)
            heads.append((written, article, head, head_key, head_fine, head_marks,
                          first + 1 < len(words) and _seam(head_key, keys[first + 1], compiled.joins)))
        # What the word before the span says about a name after it (latinize_context):
        # nothing when the span's first word is glued to something, or is a one-word line.
        before = text[:words[first][0]]
        if alone or before[-1:] and not before[-1].isspace():
            first_context = 0.0
        else:
            previous = before.split()
            first_context = counts.evidence(previous[-1] if previous else None, precision.context_prior,
                                             precision.context_most)
        # The keys and marked letters of the span's further words, joined as _concat
        # joins them: ``rest_seams`` if a seam between two of them needs tidying.
        rest = rest_marks = ""
        rest_seams = False
        unreachable: set[int] = set()  # heads that no longer span can use
        span_known = False  # whether wordfreq knows a word of the span
        span_names = 0.0  # the sum of the span's name_words
        for last in range(first, min(len(words), first + longest)):
            if len(unreachable) == len(heads):
                break
            if last > first:
                if text[words[last - 1][1]:words[last][0]].strip() or plain[last].startswith(compiled.elided):
                    break  # something other than spaces between the words, or a proclitic
                rest += keys[last]
                rest_marks += marked[last]
                rest_seams = rest_seams or (last > first + 1 and seams[last - 1])
            span_words = plain[first:last + 1]
            span_known = span_known or known[last]
            span_names += name_words[last]
            # A span that is the whole line has no context (but its words still count).
            span_context = span_names / (last - first + 1) + (
                0.0 if first == 0 and last == len(words) - 1 and not text[words[last][1]:].strip()
                and not before.strip() else first_context + following[last])
            gates = None  # gate and reach (below) unless the span is unknown
            for head_number, (written, article, head, head_key, head_fine, head_marks, head_seam) in enumerate(heads):
                if head_number in unreachable:
                    continue
                # In a one-word span, a proclitic is split off only when what remains is
                # not itself a frequent Arabic word (bi + al-miyya is "by the hundred",
                # not "by Mia"); in longer spans the other words are the evidence.
                if written and last == first and _zipf(head) >= precision.frequent_word:
                    continue
                key = head_key + rest
                tidied = rest_seams or (last > first and head_seam)
                if tidied:
                    key = _tidy(key, compiled.joins)
                skel = skeleton(key)
                # (reachable() says yes to short skeletons: it is not asked.)
                if not skel or len(skel) > OPENING_LENGTHS[0] and not matcher.reachable(skel):
                    # reachable() reads the skeleton's first classes only, and a longer
                    # span changes the key at its last seam only (_tidy): when the
                    # skeleton is long enough for the two to be apart, no longer span
                    # of this head is reachable either.
                    if len(skel) > OPENING_LENGTHS[-1] + 2:
                        unreachable.add(head_number)
                    continue
                # What the span needs whatever the entry (its ``gate``; the first item is the
                # least any entry needs), and ``reach``, what it needs of the most frequent
                # entry it could be, in this context: the least it needs of any, as an
                # entry's prior and the context only lower what it needs (the test below).
                # ``reach`` is the score to reach; with --candidates, weaker entries are
                # listed too, as far as the least. Only the length of the skeleton may
                # differ between heads, through ``unknown``.
                unknown = not span_known and len(skel) >= precision.unknown_skeleton
                if unknown or gates is None:
                    gate = matcher.gate(span_words, min_score, unknown)
                    reach = gate[0] if candidates or gate[0] > 1.0 else \
                        matcher.needed_of(gate, matcher.most_prior, alone, span_context)
                    if not unknown:
                        gates = gate, reach
                else:
                    gate, reach = gates
                # Over 1 only for a span of words wordfreq knows: never unknown, the same for
                # every head.
                if reach > 1.0:
                    break
                short = len(skel) <= precision.short_skeleton and len(key) <= precision.short_key
                floor = max(reach, precision.short_score if short else 0.0) + (0.02 if written else 0.0)
                if candidates:
                    floor -= CANDIDATE_MARGIN
                # The key in subclasses: a seam in them is one in classes too (joins
                # are in classes).
                fine = head_fine + "".join(fines[first + 1:last + 1])
                if tidied:
                    fine = _tidy(fine, compiled.joins)
                ranked = matcher.ranked(key, last - first + 1, max(1, candidates), round(floor, 3), head_marks + rest_marks,
                                        fine)
                if not ranked:
                    continue
                score, number = ranked[0]
                reported = score
                if written:
                    score -= 0.02  # the reading without a proclitic wins a tie
                if article:
                    score -= precision.article  # foreign names rarely take the article
                if short and score < precision.short_score:
                    continue
                # Words the lexicons all know as ordinary words are ordinary wherever they
                # stand: the context only ever counts against them (في بيتي "in my house" is
                # not "in Petty"). One word of a name may be one (كروز "cruise" in مونيكا
                # كروز Mónica Cruz); the others are not.
                context = span_context
                if lexicons and context > 0 and _ordinary_share(span_words, lexicons) == 1.0:
                    context = 0.0
                if score < matcher.needed_of(gate, matcher.prior(number), alone, context):
                    continue
                # An entry written in lower case is an ordinary English or French word.
                # Arabic borrows such words (إيميل email, تاكسي taxi) and uses them as
                # nouns, with the article: a borrowed word alone, outside a line of its
                # own, or with the article, is Arabic text and stays.
                if (article or last == first) and index.entries[number] == index.entries[number].lower():
                    continue
                if lexicons and score < gate[0] + \
                        precision.lexical * _ordinary_share(span_words, lexicons):
                    continue
                start, end = words[first][0], words[last][1]
                match = Match(start, end, text[start:end], written, index.entries[number], index.types[number],
                              round(reported, 4), tuple(Candidate(index.entries[n], index.types[n], round(s, 4))
                                                     for s, n in ranked[:candidates]))
                found.append((score + precision.longer_span * (last - first), -(end - start), match))
    found.sort(key=lambda f: (-f[0], f[1], f[2].start))
    chosen: list[Match] = []
    for _, _, match in found:
        if all(match.end <= other.start or match.start >= other.end for other in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


@functools.lru_cache(maxsize=1 << 17)
def _word_parts(word: str, compiled: LatinizeRules) -> tuple[str, str, str]:
    """A word's key, its key in subclasses, and its marked letters."""
    return _arabic_word_key(word, compiled), _arabic_word_key(word, compiled, True), word.translate(compiled.unmarked_table)


@functools.lru_cache(maxsize=1 << 17)
def _proclitic_splits(word: str, compiled: LatinizeRules) -> tuple[tuple[str, bool, str], ...]:
    """(written proclitic, whether it ends in the article, rest) for each proclitic
    ``word`` starts with that leaves two letters or more."""
    return tuple((written, article, word[len(written):]) for written, article in compiled.prefixes
                 if word.startswith(written) and len(word) - len(written) >= 2)


def apply_matches(text: str, matches: Sequence[Match], join: str = TATWEEL) -> str:
    """``text`` with every match replaced by its proclitic, ``join`` and the Latin entry."""
    parts = []
    position = 0
    for match in matches:
        parts.append(text[position:match.start])
        parts.append(f"{match.proclitic}{join}{match.entry}" if match.proclitic else match.entry)
        position = match.end
    parts.append(text[position:])
    return "".join(parts)


@dataclass(frozen=True)
class Latinizer:
    """A picklable transform writing catalogue names in Arabic script in their Latin form.

    Options (defaults and why):

    - ``catalogue``: path of the catalogue file (one entry a line, or
      ``entry<TAB>type<TAB>rendering|...``). Only the path travels to worker processes;
      each process loads the index once, from the disk cache when it can.
    - ``min_score`` = 0.9 (``MIN_SCORE``): the least similarity (0-1) a span needs; frequent Arabic
      words need more (``rules/latinize.yaml``, ``precision``).
    - ``join`` = tatweel: written between a kept proclitic and the Latin form (``لـEd``).
    - ``output_format`` = ``"text"``: or ``"jsonl"``, one JSON object a line with the
      input, the output and each match.
    - ``candidates`` = 0: with jsonl, also list the K best entries of each match.
    - ``cache_dir`` = None: where indexes are cached (default ``default_cache_dir()``).
    - ``lexicons`` = (): camel-tools morphology databases (CALIMA Gulf, MSA); words they
      analyse as ordinary Arabic need a higher score. None by default: the databases
      are not shipped, but with them far fewer ordinary words are replaced.
    """

    catalogue: str
    min_score: float = MIN_SCORE
    join: str = TATWEEL
    output_format: str = "text"
    candidates: int = 0
    cache_dir: str | None = None
    lexicons: tuple[str, ...] = ()

    blockwise: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_score <= 1.0:
            raise OptionError(f"--min-score must be between 0 and 1, not {self.min_score}")
        if self.output_format not in FORMATS:
            raise OptionError(f"--format must be one of {', '.join(FORMATS)}, not {self.output_format!r}")
        if self.candidates < 0:
            raise OptionError(f"--candidates must be 0 or more, not {self.candidates}")
        if "\n" in self.join or "\r" in self.join:
            raise OptionError("--join cannot contain a line break")
        from arabic_tools.tokenize_morphology import database_path

        for database in self.lexicons:
            database_path(database)  # a missing file or an unknown name fails here, not on a line

    @functools.cached_property
    def index(self) -> Index:
        """The catalogue's index, looked up on first use: one run reads one index throughout,
        even if the catalogue file changes while it runs (and the file is not looked at
        again for every line)."""
        return _index_for(self.catalogue, self.cache_dir)

    def __getstate__(self) -> dict[str, Any]:
        # Only the options travel to worker processes. Each looks the index up itself: a
        # forked worker finds the one its parent loaded (_process_index), others load it.
        return {name: value for name, value in self.__dict__.items() if name != "index"}

    def matches(self, text: str) -> list[Match]:
        return find_matches(text, self.index, min_score=self.min_score, candidates=self.candidates,
                            lexicons=self.lexicons, compiled=rules())

    def __call__(self, text: str) -> str:
        found = self.matches(text)
        output = apply_matches(text, found, self.join)
        if self.output_format == "text":
            return output
        record = {"input": text, "output": output, "matches": [_match_record(m, self.candidates) for m in found]}
        return json.dumps(record, ensure_ascii=False)


def _match_record(match: Match, candidates: int) -> dict[str, Any]:
    record: dict[str, Any] = {"start": match.start, "end": match.end, "arabic": match.arabic,
                              "proclitic": match.proclitic, "entry": match.entry, "type": match.type,
                              "score": match.score}
    if candidates:
        record["candidates"] = [{"entry": c.entry, "type": c.type, "score": c.score} for c in match.candidates]
    return record


def latinize(text: str, catalogue: str, **options: Any) -> str:
    """Replace catalogue names written in Arabic script in ``text`` by their Latin form."""
    return Latinizer(catalogue, **options)(text)
