"""Rule-based conversion of (diacritized) MSA into Gulf Arabic for text-to-speech.

The rules are data: ``rules/khaleeji/gulf.yaml`` is the shared core, and each
sub-dialect profile (``kuwaiti``, ``najdi``, ``omani``...) inherits from it and overrides
settings, word lists and lexicon entries. Every rule and entry names the fact in
``docs/gulf-arabic-rules.md`` it comes from. ``arabic-tools rules show khaleeji/gulf``
prints the core.

Three output forms:

- ``pronunciation``: Arabic script with Gulf short vowels, and گ چ ي where the profile
  changes the sound of ق ك ج; no case endings, no tanween. A sukun is written where
  Gulf speech drops a vowel (كْتَاب) and inside the word as the MSA input had it; a
  word-final sukun is not written.
- ``spelling``: how Gulf speakers write: words, morphology and function words changed,
  etymological letters (ق ك ج) kept, no diacritics.
- ``phonemes``: one IPA string per word (inventory in ``PHONEMES`` below).

Rules that need vowels (case endings, pronoun suffixes, imperfect vowels, syncope)
apply only where the input has them; no vowel is invented. Words no rule touches pass
through byte for byte, as do punctuation, digits and Latin text. The rule order is the
fact sheet's §7: multi-word and function-word rules, the lexicon, case endings and
suffixes, hamza, then (pronunciation only) ق, ك, ج, and the vowel rules.

>>> Khaleeji("kuwaiti")("قَالَ لِي")
'گَال لِي'
>>> Khaleeji("kuwaiti", form="spelling")("سوف أذهب الآن")
'بروح الحين'
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from arabic_tools import rulebook
from arabic_tools.chars import (
    AIN,
    ALEF,
    ALEF_MAKSURA,
    ALEF_WASLA,
    ALEF_WITH_HAMZA_ABOVE,
    ALEF_WITH_HAMZA_BELOW,
    ALEF_WITH_MADDA_ABOVE,
    BEH,
    DAL,
    DAMMA,
    DAMMATAN,
    FATHA,
    FATHATAN,
    GAF,
    GHAIN,
    HAH,
    HAMZA,
    HEH,
    JEEM,
    KAF,
    KASRA,
    KASRATAN,
    KHAH,
    LAM,
    NOON,
    QAF,
    QAF_WITH_THREE_DOTS_ABOVE,
    SAD,
    SEEN,
    SHADDA,
    SHEEN,
    SUKUN,
    TATWEEL,
    TCHEH,
    TEH,
    TEH_MARBUTA,
    THAL,
    WAW,
    WAW_WITH_HAMZA_ABOVE,
    YEH,
    YEH_WITH_HAMZA_ABOVE,
    ZAIN,
)
from arabic_tools.clitics import clitics
from arabic_tools.errors import OptionError

FORMS = ("pronunciation", "spelling", "phonemes")
PROFILE_PREFIX = "khaleeji/"
CORE = "gulf"

SHORT_VOWELS = frozenset((FATHA, DAMMA, KASRA))
TANWEEN = frozenset((FATHATAN, DAMMATAN, KASRATAN))
VOWEL_MARKS = SHORT_VOWELS | TANWEEN | {SUKUN}


# Where the 2nd person feminine suffix consonant goes until the form is chosen: the
# profile writes it چ/ك/ش (pronunciation) and ك/ش (spelling). Private use, never output.
FEM2 = "\uE000"

ALEF_FORMS = {ALEF_WITH_HAMZA_ABOVE: ALEF, ALEF_WITH_HAMZA_BELOW: ALEF, ALEF_WITH_MADDA_ABOVE: ALEF, ALEF_WASLA: ALEF}
LONG_VOWEL_LETTERS = frozenset((ALEF, WAW, YEH, ALEF_MAKSURA))
# §2.4: gutturals block a-raising and keep the imperfect prefix vowel a.
GUTTURALS = frozenset((HAH, AIN, KHAH, GHAIN, HEH, HAMZA, ALEF_WITH_HAMZA_ABOVE))
# §1.3: j -> y is blocked beside sibilants and post-alveolars.
SIBILANTS = frozenset((SEEN, SAD, ZAIN, SHEEN))
IMPERFECT_PREFIXES = frozenset((YEH, TEH, NOON, ALEF_WITH_HAMZA_ABOVE))
WEAK_LETTERS = frozenset((ALEF, WAW, YEH, ALEF_MAKSURA, HAMZA, ALEF_WITH_HAMZA_ABOVE, ALEF_WITH_HAMZA_BELOW,
                          ALEF_WITH_MADDA_ABOVE, WAW_WITH_HAMZA_ABOVE, YEH_WITH_HAMZA_ABOVE))

# Last letters of the MSA pronoun suffixes (-ī -nī -nā -ka -kum -kumā -kunna -hu -hā -hum -humā -hunna).
_ENCLITIC_FINALS = frozenset((YEH, ALEF, KAF, "\N{ARABIC LETTER MEEM}", HEH, NOON))

# Arabic letters and marks; everything else (punctuation, digits, Latin) passes through.
_WORD = re.compile("[\u0621-\u063A\u0640-\u065F\u0670-\u06D3]+")


# --------------------------------------------------------------------------- cells

class Cell:
    """One letter with its vowel mark, shadda and any other marks."""

    __slots__ = ("letter", "vowel", "shadda", "extra")

    def __init__(self, letter: str, vowel: str = "", shadda: bool = False, extra: str = "") -> None:
        self.letter = letter
        self.vowel = vowel
        self.shadda = shadda
        self.extra = extra

    def copy(self) -> Cell:
        return Cell(self.letter, self.vowel, self.shadda, self.extra)


def _cells(text: str) -> list[Cell]:
    cells: list[Cell] = []
    append = cells.append
    last = None
    for char in text:
        if char < "\u064B" or char > "\u065F" and char != "\u0670":
            if char != TATWEEL:
                last = Cell(char)
                append(last)
        elif last is None:
            continue
        elif char in VOWEL_MARKS:
            last.vowel = char
        elif char == SHADDA:
            last.shadda = True
        else:
            last.extra += char
    return cells


def _render(cells: Iterable[Cell], marks: bool = True) -> str:
    if not marks:
        return "".join(c.letter for c in cells)
    return unicodedata.normalize("NFC", "".join(
        c.letter + c.vowel + (SHADDA if c.shadda else "") + c.extra for c in cells))


def _bare(cells: Iterable[Cell]) -> str:
    return "".join([c.letter for c in cells])


_MARKS = re.compile("[\u0610-\u061A\u0640\u064B-\u065F\u0670\u06D6-\u06ED]+")
_ALEFS = re.compile("[" + "".join(ALEF_FORMS) + "]")


@functools.lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    """Matching key: letters only, alef variants unified (fact sheet §7 step 1)."""
    text = _MARKS.sub("", text)
    return _ALEFS.sub(ALEF, text) if _ALEFS.search(text) else text


def _spaces(gap: str) -> bool:
    """Words separated only by spaces belong together (phrases, function words, drops)."""
    return bool(gap) and not gap.strip(" ")


def _has_article(cells: list[Cell]) -> bool:
    return len(cells) > 2 and cells[0].letter in (ALEF, ALEF_WASLA) and cells[1].letter == LAM


def _marked(cells: Iterable[Cell]) -> bool:
    return any(c.vowel or c.shadda for c in cells)


def _strip_marks(cells: list[Cell]) -> list[Cell]:
    return [Cell(c.letter) for c in cells]


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class Entry:
    """A lexicon entry: an MSA word (or phrase) and its Gulf replacement."""

    name: str
    msa: tuple[str, ...]
    gulf: str
    spelling: str
    source: str
    suffixes: bool = False
    strict: bool = False
    sound: bool = True
    action: str = ""
    drops_next: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verb:
    """A verb replaced by a Gulf verb in every person (fact sheet §3.3, §4)."""

    name: str
    source: str
    gulf: Mapping[str, str]          # perfect, perfect_1_2, imperfect, imperative
    drops_next: frozenset[str] = frozenset()


ACTIONS = ("", "drop", "future", "perfect", "indicative")
SETTINGS: dict[str, tuple[type, tuple[Any, ...]]] = {
    "q": (str, ("g", "q")),
    "j": (str, ("y", "j", "g")),
    "k_ch": (bool, ()),
    "fem2_pronunciation": (str, ()),
    "fem2_spelling": (str, ()),
    "hu_vowel": (str, ("a", "i", "u")),
    "at_syncope": (bool, ()),
    "a_raise": (str, ("general", "list", "off")),
    "monophthongs": (bool, ()),
    "final_a_raising": (bool, ()),
    "article_vowel": (str, ("i", "a")),
    "perfect_3p": (str, ("u", "aw")),
    "ghawa": (bool, ()),
}
LISTS = ("keep_q", "q_j", "k_ch_words", "j_keep", "j_force", "a_raise_words", "stem_u_keep",
         "future_block", "protected", "tanween_keep")
PERSONS = ("1s", "2ms", "2fs", "3ms", "3fs", "1p", "2p", "3p")


@dataclass(frozen=True)
class Profile:
    """A compiled khaleeji profile (core merged with its overrides)."""

    name: str
    description: str
    settings: Mapping[str, Any]
    lists: Mapping[str, frozenset[str]]
    sources: Mapping[str, str]
    lexicon: Mapping[str, tuple[Entry, ...]]      # key -> entries
    phrases: Mapping[str, tuple[tuple[tuple[str, ...], Entry], ...]]  # first key -> (keys, entry)
    verb_forms: Mapping[str, tuple[tuple[Verb, str, str], ...]]  # bare MSA form -> (verb, tense, person)
    aliases: Mapping[str, str]


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for section, value in override.items():
        if section in ("settings", "lexicon", "phrases", "verbs", "lists", "aliases") and isinstance(value, Mapping):
            inner = dict(merged.get(section, {}))
            for key, item in value.items():
                if section == "lists" and isinstance(item, Mapping) and isinstance(inner.get(key), Mapping):
                    words = list(inner[key].get("words", ()))
                    words += [w for w in item.get("add", ()) if w not in words]
                    words = [w for w in words if w not in set(item.get("remove", ()))]
                    inner[key] = {**inner[key], **{k: v for k, v in item.items() if k not in ("add", "remove")}}
                    if "words" not in item:
                        inner[key]["words"] = words
                else:
                    inner[key] = item
            merged[section] = inner
        else:
            merged[section] = value
    return merged


def _resolved(rules: rulebook.RuleFile, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The file's data with its ``inherits`` chain merged in (parent first)."""
    data = dict(rules.data)
    parent = data.pop("inherits", None)
    if parent is None:
        return data
    parent = rules.expect("inherits", parent, str)
    if parent in seen:
        raise rules.error("inherits", f"inheritance cycle through {parent!r}")
    base = rulebook.load(parent)
    if base.kind != "khaleeji":
        raise rules.error("inherits", f"{parent!r} is a {base.kind!r} rule file, not a khaleeji profile")
    return _merge(_resolved(base, (*seen, rules.name)), data)


def compile_profile(rules: rulebook.RuleFile) -> Profile:
    """Validate and compile a ``khaleeji`` profile (with what it inherits)."""
    data = _resolved(rules)
    view = rulebook.RuleFile(rules.name, rules.origin, data)
    settings = {}
    for name, value in view.get("settings", Mapping).items():
        if name not in SETTINGS:
            raise rules.error(f"settings.{name}", f"unknown setting (known: {', '.join(SETTINGS)})")
        kind, choices = SETTINGS[name]
        view.expect(f"settings.{name}", value, kind)
        if choices and value not in choices:
            raise rules.error(f"settings.{name}", f"{value!r} must be one of {', '.join(choices)}")
        settings[name] = value
    missing = set(SETTINGS) - set(settings)
    if missing:
        raise rules.error("settings", f"missing {', '.join(sorted(missing))}")
    lists: dict[str, frozenset[str]] = {}
    sources: dict[str, str] = {}
    for name, spec in view.get("lists", Mapping).items():
        entry = f"lists.{name}"
        if name not in LISTS:
            raise rules.error(entry, f"unknown list (known: {', '.join(LISTS)})")
        view.expect(entry, spec, Mapping)
        sources[name] = view.expect(f"{entry}.source", spec.get("source"), str)
        unknown = set(spec) - {"source", "words"}
        if unknown:
            raise rules.error(entry, f"unknown field {sorted(unknown)[0]!r} (known: source, words; add/remove in overrides)")
        words = view.expect(f"{entry}.words", spec.get("words", ()), (tuple, list))
        lists[name] = frozenset(_key(view.expect(f"{entry}.words", w, str)) for w in words)
    for name in LISTS:
        lists.setdefault(name, frozenset())
    lexicon: dict[str, list[Entry]] = {}
    for name, spec in view.get("lexicon", Mapping, {}).items():
        item = _entry(view, f"lexicon.{name}", name, spec)
        if item is None:
            continue
        for msa in item.msa:
            if " " in msa:
                raise rules.error(f"lexicon.{name}.msa", f"{msa!r} has a space; multi-word entries go under phrases")
            lexicon.setdefault(_key(msa), []).append(item)
    phrases: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
    for name, spec in view.get("phrases", Mapping, {}).items():
        item = _entry(view, f"phrases.{name}", name, spec)
        if item is None:
            continue
        for msa in item.msa:
            keys = tuple(_key(w) for w in msa.split())
            if len(keys) < 2:
                raise rules.error(f"phrases.{name}.msa", f"{msa!r} is one word; single words go under lexicon")
            phrases.setdefault(keys[0], []).append((keys, item))
    verb_forms: dict[str, list[tuple[Verb, str, str]]] = {}
    for name, spec in view.get("verbs", Mapping, {}).items():
        _verb(view, f"verbs.{name}", name, spec, verb_forms)
    aliases = {k: view.expect(f"aliases.{k}", v, str) for k, v in view.get("aliases", Mapping, {}).items()}
    return Profile(rules.name, rules.description, settings, lists, sources,
                   {k: tuple(v) for k, v in lexicon.items()},
                   {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in phrases.items()},
                   {k: tuple(v) for k, v in verb_forms.items()}, aliases)


def _entry(view: rulebook.RuleFile, where: str, name: str, spec: Any) -> Entry | None:
    view.expect(where, spec, Mapping)
    known = {"msa", "gulf", "spelling", "source", "suffixes", "strict", "sound", "action", "drops_next", "enabled"}
    unknown = set(spec) - known
    if unknown:
        raise view.error(where, f"unknown field {sorted(unknown)[0]!r} (known: {', '.join(sorted(known))})")
    if not view.expect(f"{where}.enabled", spec.get("enabled", True), bool):
        return None
    msa = spec.get("msa")
    msa = (msa,) if isinstance(msa, str) else view.expect(f"{where}.msa", msa, (tuple, list))
    for i, m in enumerate(msa):
        view.expect(f"{where}.msa[{i}]", m, str)
    gulf = view.expect(f"{where}.gulf", spec.get("gulf"), str)
    action = view.expect(f"{where}.action", spec.get("action", ""), str)
    if action not in ACTIONS:
        raise view.error(f"{where}.action", f"{action!r} must be one of {', '.join(a for a in ACTIONS if a)}")
    drops = view.expect(f"{where}.drops_next", spec.get("drops_next", ()), (tuple, list))
    return Entry(name, tuple(msa), gulf,
                 view.expect(f"{where}.spelling", spec.get("spelling", ""), str) or _render(_cells(gulf), marks=False),
                 view.expect(f"{where}.source", spec.get("source"), str),
                 view.expect(f"{where}.suffixes", spec.get("suffixes", False), bool),
                 view.expect(f"{where}.strict", spec.get("strict", False), bool),
                 view.expect(f"{where}.sound", spec.get("sound", True), bool),
                 action, frozenset(_key(view.expect(f"{where}.drops_next", d, str)) for d in drops))


# MSA inflection used to list every form of a regular verb from its stems.
_PERFECT_SUFFIXES = {"": "3ms", TEH: "t", NOON + ALEF: "1p", TEH + "\N{ARABIC LETTER MEEM}": "2p",
                     WAW + ALEF: "3p", ALEF: "3p", TEH + ALEF: "3fs"}
_IMPERFECT_PERSONS = {ALEF_WITH_HAMZA_ABOVE: "1s", TEH: "ta", YEH: "3ms", NOON: "1p"}
_IMPERFECT_SUFFIXES = {"": "", WAW + NOON: "p", WAW + ALEF: "p", YEH + NOON: "2fs", YEH: "2fs", ALEF + NOON: "p",
                       ALEF: "p"}


def _verb(view: rulebook.RuleFile, where: str, name: str, spec: Any,
          forms: dict[str, list[tuple[Verb, str, str]]]) -> None:
    view.expect(where, spec, Mapping)
    if not view.expect(f"{where}.enabled", spec.get("enabled", True), bool):
        return
    gulf = dict(view.expect(f"{where}.gulf", spec.get("gulf"), Mapping))
    for part in ("perfect", "imperfect"):
        view.expect(f"{where}.gulf.{part}", gulf.get(part), str)
    gulf.setdefault("perfect_1_2", gulf["perfect"])
    for part, text in gulf.items():
        if part not in ("perfect", "perfect_1_2", "imperfect", "imperative"):
            raise view.error(f"{where}.gulf.{part}", "unknown part (known: perfect, perfect_1_2, imperfect, imperative)")
        if not view.expect(f"{where}.gulf.{part}", text, str):
            raise view.error(f"{where}.gulf.{part}", "is empty")
    drops = view.expect(f"{where}.drops_next", spec.get("drops_next", ()), (tuple, list))
    verb = Verb(name, view.expect(f"{where}.source", spec.get("source"), str), dict(gulf),
                frozenset(_key(d) for d in drops))
    msa = view.expect(f"{where}.msa", spec.get("msa"), Mapping)
    listed: list[tuple[str, str, str]] = []
    for stem in view.expect(f"{where}.msa.perfect", msa.get("perfect", ()), (tuple, list)):
        for suffix, person in _PERFECT_SUFFIXES.items():
            listed.append((stem + suffix, "perfect", person))
    for stem in view.expect(f"{where}.msa.imperfect", msa.get("imperfect", ()), (tuple, list)):
        for prefix, person in _IMPERFECT_PERSONS.items():
            for suffix, number in _IMPERFECT_SUFFIXES.items():
                if number == "" or (number == "2fs" and prefix == TEH) or (number == "p" and prefix in (YEH, TEH)):
                    who = number if number == "2fs" else (("3p" if prefix == YEH else "2p") if number else person)
                    listed.append((prefix + stem + suffix, "imperfect", who))
    imperatives = view.expect(f"{where}.msa.imperative", msa.get("imperative", ()), (tuple, list))
    if imperatives and "imperative" not in gulf:
        raise view.error(f"{where}.gulf.imperative", "is missing (msa.imperative is given)")
    for form in imperatives:
        listed += [(form, "imperative", "2ms"), (form + YEH, "imperative", "2fs"), (form + WAW + ALEF, "imperative", "2p")]
    explicit = view.expect(f"{where}.msa.forms", msa.get("forms", {}), Mapping)
    for label, words in explicit.items():
        tense, _, person = label.partition(".")
        if tense not in ("perfect", "imperfect", "imperative") or person not in (*PERSONS, "t", "ta"):
            raise view.error(f"{where}.msa.forms.{label}", "must be TENSE.PERSON such as imperfect.1s or perfect.3ms")
        for word in view.expect(f"{where}.msa.forms.{label}", words, (tuple, list)):
            listed.append((view.expect(f"{where}.msa.forms.{label}", word, str), tense, person))
    if not listed:
        raise view.error(f"{where}.msa", "lists no MSA forms (perfect, imperfect, imperative or forms)")
    for form, tense, person in listed:
        # under the spelling given and with alef variants unified (اريد for أريد), so that a
        # word finds the same verb whichever spelling it uses
        for key in dict.fromkeys((form, _key(form))):
            forms.setdefault(key, []).append((verb, tense, person))


# --------------------------------------------------------------------------- profiles

def profile_names() -> list[str]:
    """The profile names on the rule search path (``gulf``, ``kuwaiti``...)."""
    return [name[len(PROFILE_PREFIX):] for name in rulebook.available() if name.startswith(PROFILE_PREFIX)]


def profile(dialect: str = CORE) -> Profile:
    """The compiled profile for ``dialect``; data aliases (``saudi_najdi``, ``all``) are accepted."""
    name = dialect
    if f"{PROFILE_PREFIX}{name}" not in rulebook.available():
        name = _compiled(rulebook.load(PROFILE_PREFIX + CORE)).aliases.get(dialect, dialect)
    if f"{PROFILE_PREFIX}{name}" not in rulebook.available():
        known = sorted({*profile_names(), *_compiled(rulebook.load(PROFILE_PREFIX + CORE)).aliases})
        raise OptionError(f"unknown dialect {dialect!r} (known: {', '.join(known)})")
    return _compiled(rulebook.load(PROFILE_PREFIX + name))


@functools.cache
def _compiled(rules: rulebook.RuleFile) -> Profile:
    return compile_profile(rules)


# --------------------------------------------------------------------------- words

class Word:
    """One word of a line on its way through the rules."""

    __slots__ = ("text", "flags", "rules", "output", "cells", "stem_start", "sound", "marked")

    def __init__(self, text: str, flags: set[str] | None = None, marked: bool = False) -> None:
        self.text = text
        self.flags: set[str] = flags if flags is not None else set()  # future, perfect, acts:..., failed
        self.rules: list[str] = []
        self.output: str | None = None          # set when a phrase or function word decided it
        self.cells: list[Cell] | None = None    # Gulf cells (before the sound rules)
        self.stem_start = 0                     # first cell after the proclitics
        self.sound = True                       # apply the sound rules
        self.marked = marked


class Converter:
    """The compiled converter for one profile and form; cached per process."""

    def __init__(self, prof: Profile, form: str) -> None:
        self.profile = prof
        self.form = form
        self.settings = prof.settings
        self.lists = prof.lists
        inventory = clitics()
        self.conjunctions = tuple(c.form for c in inventory.proclitics if c.category == "conjunction")
        self.prepositions = tuple(c.form for c in inventory.proclitics if c.category == "preposition")
        self.future = tuple(c.form for c in inventory.proclitics if c.category == "future")
        self.articles = tuple(c.form for c in inventory.proclitics if c.category == "article")
        self.joins = inventory.joins
        self.enclitics = tuple((c.form, c.person) for c in inventory.enclitics
                               if c.category == "pronoun" and not c.dialect)
        self.cache: dict[tuple[str, frozenset[str]], tuple[str, tuple[str, ...]]] = {}
        self.verb_cache: dict[str, Any] = {}
        # lists matched inside a word, compiled once into one search each
        self.inside = {name: _searcher(self.lists[name]) for name in
                       ("protected", "keep_q", "j_keep", "a_raise_words", "j_force", "k_ch_words", "q_j")}
        self.drops_cache: dict[str, frozenset[str]] = {}
        self.lexicon_cache: dict[str, bool] = {}
        self.function_words = frozenset(k for k, entries in prof.lexicon.items() if any(e.action for e in entries))
        self.droppable = frozenset().union(*(e.drops_next for es in prof.lexicon.values() for e in es),
                                           *(v.drops_next for fs in prof.verb_forms.values() for v, _, _ in fs))
        self.split_cache: dict[str, list[int]] = {}

    # ---- line level

    def __call__(self, line: str, explain: bool = False) -> str:
        pieces = _WORD.split(line)
        words_found = _WORD.findall(line)
        if not words_found:
            return json.dumps({"input": line, "output": line, "words": []}, ensure_ascii=False) if explain else line
        words = [Word(w) for w in words_found]
        self._phrases(words, pieces)
        out = [pieces[0]]
        records = []
        for i, word in enumerate(words):
            text, rules = self._word(word)
            gap = pieces[i + 1]
            if word.output == "" or (text == "" and _bare(_cells(word.text))):
                # A dropped word takes the following spaces with it (or the preceding ones at the
                # end); tabs and carriage returns always stay.
                if _spaces(gap):
                    gap = ""
                elif i > 0 and _spaces(out[-1]):
                    out[-1] = ""
            out.append(text)
            out.append(gap)
            if explain:
                records.append({"word": word.text, "output": text, "rules": list(rules)})
        result = "".join(out)
        if explain:
            return json.dumps({"input": line, "output": result, "words": records}, ensure_ascii=False)
        return result

    def _phrases(self, words: list[Word], pieces: list[str]) -> None:
        """Multi-word entries and function words (fact sheet §7 steps 3-4)."""
        word_keys = [_key(w.text) for w in words]
        i = 0
        while i < len(words):
            word = words[i]
            key = word_keys[i]
            matched = False
            for keys, entry in self.profile.phrases.get(key, ()):
                n = len(keys)
                if i + n > len(words) or any(not _spaces(pieces[i + j + 1]) for j in range(n - 1)):
                    continue
                if all(word_keys[i + j] == keys[j] for j in range(n - 1)):
                    last = _cells(words[i + n - 1].text)
                    tail = self._phrase_tail(last, keys[-1], entry)
                    if tail is None:
                        continue
                    cells = _cells(entry.gulf)
                    marked = any(_marked(_cells(words[i + j].text)) for j in range(n))
                    if tail[0]:
                        cells += self._gulf_suffix(cells, *tail)
                    if not marked:
                        cells = _strip_marks(cells)
                    word.cells, word.sound, word.marked = cells, entry.sound, marked
                    word.rules.append(f"PHRASE:{entry.name} ({entry.source})")
                    for j in range(1, n):
                        words[i + j].output = ""
                        words[i + j].rules.append(f"PHRASE:{entry.name} ({entry.source})")
                    i += n
                    matched = True
                    break
            if matched:
                continue
            i += 1
        # Function words that act on the next word.
        for i, word in enumerate(words):
            if word.output is not None or word.cells is not None:
                continue
            if word_keys[i] not in self.function_words:
                continue
            entries = [e for e in self.profile.lexicon.get(word_keys[i], ()) if e.action]
            entry = entries[0]
            nxt = words[i + 1] if i + 1 < len(words) and _spaces(pieces[i + 1]) else None
            if entry.action == "drop":
                word.output = ""
                word.rules.append(f"DROP:{entry.name} ({entry.source})")
            elif nxt is not None and nxt.output is None:
                if entry.action == "indicative" and not self._indicative(nxt.text):
                    continue
                if entry.action in ("future", "perfect"):
                    nxt.flags.add(entry.action)
                    nxt.flags.add(f"after:{entry.name}")
                word.flags.add(f"acts:{entry.action}")
                word.rules.append(f"{entry.action.upper()}:{entry.name} ({entry.source})")
        # A function word whose verb cannot take the change stays MSA (never half-convert).
        for i, word in enumerate(words[:-1]):
            if "acts:future" in word.flags or "acts:perfect" in word.flags:
                nxt = words[i + 1]
                probe = Word(nxt.text, set(nxt.flags))
                self._convert(probe)
                if "failed" in probe.flags:
                    word.flags -= {"acts:future", "acts:perfect"}
                    word.rules.clear()
                    nxt.flags -= {"future", "perfect"}
        for i, word in enumerate(words[:-1]):
            if word_keys[i + 1] not in self.droppable:
                continue
            dropper = self._drops_next(word.text)
            if dropper and word_keys[i + 1] in dropper and _spaces(pieces[i + 1]) and words[i + 1].output is None:
                words[i + 1].output = ""
                words[i + 1].rules.append("DROP-AFTER-VERB (§7 step 3: an/ila dropped)")

    def _drops_next(self, text: str) -> frozenset[str]:
        key = _key(text)
        found = self.drops_cache.get(key)
        if found is None:
            found = self._drops_next_letters(text)
            if len(self.drops_cache) > 100_000:
                self.drops_cache.clear()
            self.drops_cache[key] = found
        return found

    def _drops_next_letters(self, text: str) -> frozenset[str]:
        found = self._find_verb(_cells(text))
        if found is not None:
            return found[0].drops_next
        for entry in self.profile.lexicon.get(_key(text), ()):
            return entry.drops_next
        return frozenset()

    def _phrase_tail(self, cells: list[Cell], key: str, entry: Entry) -> tuple[list[Cell], str] | None:
        """The MSA pronoun suffix on the last word of a phrase: (suffix cells, person)."""
        bare = _key(_bare(cells))
        if bare == key:
            return [], ""
        if not entry.suffixes:
            return None
        for form, person in self.enclitics:
            if bare == key + form:
                return cells[-len(form):], person
        return None

    @staticmethod
    def _indicative(text: str) -> bool:
        """An imperfect verb with its indicative ending written (-u, -ūna, -īna)."""
        cells = _cells(text)
        if len(cells) < 3 or cells[0].letter not in IMPERFECT_PREFIXES:
            return False
        last = cells[-1]
        if last.vowel == DAMMA:
            return True
        return last.letter == NOON and last.vowel == FATHA and cells[-2].letter in (WAW, YEH)

    # ---- word level

    def _word(self, word: Word) -> tuple[str, tuple[str, ...]]:
        if word.output is not None:
            return word.output, tuple(word.rules)
        if any(f.startswith("acts:") for f in word.flags):
            entry = next(e for e in self.profile.lexicon.get(_key(word.text), ()) if e.action)
            cells = _cells(entry.gulf)
            if not _marked(_cells(word.text)):
                cells = _strip_marks(cells)
            return self._finish(word, cells, True)
        if word.cells is not None:
            return self._finish(word, word.cells, word.sound)
        key = (word.text, frozenset(word.flags))
        hit = self.cache.get(key)
        if hit is None:
            self._convert(word)
            if word.output is not None:
                hit = (word.output, tuple(word.rules))
            elif word.cells is None and self.form == "pronunciation":
                hit = (word.text, tuple(word.rules))
            elif word.cells is None:
                hit = self._finish(word, _cells(unicodedata.normalize("NFC", word.text)), False)
            else:
                hit = self._finish(word, word.cells, word.sound)
            if len(self.cache) > 200_000:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def _finish(self, word: Word, cells: list[Cell], sound: bool) -> tuple[str, tuple[str, ...]]:
        rules = list(word.rules)
        if self.form == "spelling":
            text = _render(cells, marks=False).replace(FEM2, self.settings["fem2_spelling"])
            return text, tuple(rules)
        if sound:
            cells = self._sound(cells, word, rules)
        text = _render(cells)
        if FEM2 in text:
            text = text.replace(FEM2, self.settings["fem2_pronunciation"])
            rules.append("PRON-2FS (§1.2, §3.2)")
        if self.form == "phonemes":
            return self._phonemes(_cells(text)), tuple(rules)
        return text, tuple(rules)

    def _convert(self, word: Word) -> None:
        text = unicodedata.normalize("NFC", word.text)
        cells = _cells(text)
        if not cells:
            return
        word.marked = _MARKS.search(text) is not None and _marked(cells)
        bare = _MARKS.sub("", text)
        if self.inside["protected"](bare):
            return
        if "perfect" in word.flags or "future" in word.flags:
            result = self._verb_word(word, cells)
            if result is None and "future" in word.flags:
                conj = next((len(c) for c in self.conjunctions if _bare(cells).startswith(c) and len(cells) > 4), 0)
                body = cells[conj:]
                if (self._imperfect_shape(body) if word.marked else
                        body[0].letter in IMPERFECT_PREFIXES and len(body) >= 3):
                    morph = Word(_render(body))
                    morph.marked = word.marked
                    converted = self._morphology(morph, body) or [c.copy() for c in body]
                    word.rules.extend(morph.rules)
                    result = [c.copy() for c in cells[:conj]] + self._future_prefix(converted, word)
            elif result is None:
                result = self._generic_verb(word, cells)
            if result is None:
                # لم / لن / سوف could not act on this word: the caller keeps them as MSA.
                word.flags.add("failed")
            else:
                word.cells = result
                return
        if self._may_be_in_lexicon(cells, bare):
            for split in self._splits(cells, articles=True):
                entry_cells = self._lexicon(word, cells, split)
                if entry_cells is not None or word.output is not None:
                    word.cells = entry_cells
                    return
        result = self._verb_word(word, cells)
        if result is not None:
            word.cells = result
            return
        word.cells = self._morphology(word, cells)

    def _may_be_in_lexicon(self, cells: list[Cell], bare: str) -> bool:
        """Whether some proclitic split of the word's letters (with or without a suffix) is an entry."""
        known = self.lexicon_cache.get(bare)
        if known is None:
            lexicon = self.profile.lexicon
            known = False
            for split in self._splits(cells, articles=True):
                key = _key(bare[split:])
                if key in lexicon or any(key.endswith(f) and key[:-len(f)] in lexicon for f, _ in self.enclitics):
                    known = True
                    break
            if len(self.lexicon_cache) > 100_000:
                self.lexicon_cache.clear()
            self.lexicon_cache[bare] = known
        return known

    def _splits(self, cells: list[Cell], articles: bool) -> list[int]:
        """Proclitic lengths to try, fewest letters stripped first (clitics.yaml inventory)."""
        bare = _bare(cells)
        found = self.split_cache.get(bare) if articles else None
        if found is None:
            found = self._split_letters(bare, articles)
            if articles:
                if len(self.split_cache) > 100_000:
                    self.split_cache.clear()
                self.split_cache[bare] = found
        return found

    def _split_letters(self, bare: str, articles: bool) -> list[int]:
        found = [0]
        firsts = [""] + [c for c in self.conjunctions if bare.startswith(c)]
        for first in firsts:
            rest = bare[len(first):]
            seconds = [""] + [p for p in self.prepositions if rest.startswith(p)]
            for second in seconds:
                rest2 = rest[len(second):]
                thirds = [""]
                if articles:
                    thirds += [a for a in self.articles if _key(rest2).startswith(a)]
                    # a proclitic joined with the article (li + al- is written lil-, clitics.yaml joins)
                    thirds += [result[len(proclitic):] for (proclitic, _), result in self.joins.items()
                               if second == proclitic and rest.startswith(result) and len(rest2) > 3]
                for third in thirds:
                    n = len(first) + len(second) + len(third)
                    if n and len(bare) - n >= 2 and n not in found:
                        found.append(n)
        return sorted(found)

    def _lexicon(self, word: Word, cells: list[Cell], split: int) -> list[Cell] | None:
        stem = cells[split:]
        key = _key(_bare(stem))
        candidates: list[tuple[Entry, list[Cell], list[Cell]]] = []
        for entry in self.profile.lexicon.get(key, ()):
            if not entry.action:
                candidates.append((entry, stem, []))
        if not candidates:
            for form, person in self.enclitics:
                if key.endswith(form) and len(key) > len(form) + 1:
                    for entry in self.profile.lexicon.get(key[:-len(form)], ()):
                        if entry.suffixes and not entry.action:
                            candidates.append((entry, stem[:-len(form)], [*stem[-len(form):], Cell(person)]))
                    if candidates:
                        break
        for entry, base, suffix in candidates:
            if entry.strict and not self._compatible(base, entry):
                continue
            if entry.gulf == "" and split == 0 and not suffix:
                word.output = ""
                word.rules.append(f"LEX:{entry.name} ({entry.source})")
                return None
            gulf = _cells(entry.gulf)
            if suffix:
                person = suffix.pop().letter
                gulf += self._gulf_suffix(gulf, suffix, person)
                suffix = []
            if not word.marked:
                gulf = _strip_marks(gulf)
            elif gulf and stem and stem[0].shadda and split and gulf[0].letter == stem[0].letter:
                gulf[0].shadda = True  # sun-letter assimilation of the article
            prefix = [c.copy() for c in cells[:split]]
            word.stem_start = split
            word.sound = entry.sound
            word.rules.append(f"LEX:{entry.name} ({entry.source})")
            if self.form == "spelling" and entry.spelling:
                gulf = _cells(entry.spelling)
            return prefix + gulf + suffix
        return None

    def _compatible(self, base: list[Cell], entry: Entry) -> bool:
        """Strict entries need the input to carry every vowel the entry's MSA form writes."""
        for msa in entry.msa:
            want = _cells(msa)
            if len(want) == len(base) and all(not b.vowel or a.vowel == b.vowel for a, b in zip(base, want)):
                return True
        return False

    # ---- verbs

    def _find_verb(self, cells: list[Cell]) -> tuple[Verb, str, str, int, list[Cell], str, bool] | None:
        """(verb, tense, person, proclitic length, enclitic cells, enclitic person, future) or None."""
        bare = _bare(cells)
        found = self.verb_cache.get(bare, False)
        if found is False:
            found = self._find_verb_letters(bare)
            if len(self.verb_cache) > 100_000:
                self.verb_cache.clear()
            self.verb_cache[bare] = found
        if found is None:
            return None
        verb, tense, who, start, length, person, fut = found
        return verb, tense, who, start, cells[len(cells) - length:] if length else [], person, fut

    def _find_verb_letters(self, bare: str) -> tuple[Verb, str, str, int, int, str, bool] | None:
        for first in ("", *self.conjunctions):
            if first and not bare.startswith(first):
                continue
            for fut in ("", *self.future):
                body = bare[len(first):]
                if fut and not body.startswith(fut):
                    continue
                body = body[len(fut):]
                start = len(first) + len(fut)
                tails: list[tuple[str, str]] = [("", "")]
                tails += [(f, p) for f, p in self.enclitics if body.endswith(f) and len(body) > len(f) + 1]
                for form, person in tails:
                    stem = body[:len(body) - len(form)] if form else body
                    options = [stem, _key(stem)]
                    if form and stem.endswith(ALEF):
                        options.append(stem[:-1] + ALEF_MAKSURA)
                    for option in options:
                        for verb, tense, who in self.profile.verb_forms.get(option, ()):
                            if fut and tense != "imperfect":
                                continue
                            return verb, tense, who, start, len(form), person, bool(fut)
        return None

    def _verb_word(self, word: Word, cells: list[Cell]) -> list[Cell] | None:
        found = self._find_verb(cells)
        if found is None:
            return None
        verb, tense, person, start, enclitic, enclitic_person, future = found
        stem_cells = cells[start:len(cells) - len(enclitic)] if enclitic else cells[start:]
        person = self._resolve_person(stem_cells, tense, person)
        if "perfect" in word.flags:
            if tense != "imperfect":
                return None
            tense = "perfect"
            word.rules.append("NEG-MA: lam + jussive -> ma + perfect (§3.3)")
        if "future" in word.flags:
            if tense != "imperfect":
                return None
            future = True
        gulf = self._conjugate(verb, tense, person)
        word.rules.append(f"VERB:{verb.name} {tense}.{person} ({verb.source})")
        if future:
            gulf = self._future_prefix(gulf, word)
        if enclitic:
            gulf = gulf + self._gulf_suffix(gulf, enclitic, enclitic_person, verb=True)
        if not word.marked:
            gulf = _strip_marks(gulf)
        prefix = [c.copy() for c in cells[:start]]
        # the future proclitic sa- itself is replaced by b-
        if future and self.future and _bare(prefix).endswith(self.future[0]):
            prefix = prefix[:-1]
        word.stem_start = len(prefix)
        return prefix + gulf

    @staticmethod
    def _resolve_person(stem: list[Cell], tense: str, person: str) -> str:
        if person == "t":
            # Perfect -tu/-ta/-ti/-at: the vowels tell the person; without them, 1s.
            if len(stem) >= 2 and stem[-1].letter == TEH:
                vowel, before = stem[-1].vowel, stem[-2].vowel
                if before == FATHA or vowel == SUKUN and before != SUKUN:
                    return "3fs"
                return {FATHA: "2ms", KASRA: "2fs"}.get(vowel, "1s")
            return "1s"
        if person == "ta":
            return "2ms"
        return person

    def _conjugate(self, verb: Verb, tense: str, person: str) -> list[Cell]:
        g = verb.gulf
        if tense == "imperative":
            base = _cells(g["imperative"])
            if person == "2fs":
                return _plural(base, KASRA, YEH)
            if person == "2p":
                return _plural(base, DAMMA, WAW) + [Cell(ALEF)]
            return base
        if tense == "imperfect":
            base = _cells(g["imperfect"])
            first = base[0]
            if person in ("1s",):
                first.letter, first.vowel = ALEF_WITH_HAMZA_ABOVE, FATHA
                if len(base) > 2 and base[1].letter == ALEF and not base[1].vowel:
                    base[:2] = [Cell(ALEF_WITH_MADDA_ABOVE)]  # a- + ā: آكِل
            elif person in ("2ms", "3fs", "2fs", "2p"):
                first.letter = TEH
            elif person == "1p":
                first.letter = NOON
            if person in ("3p", "2p"):
                return _plural(base, DAMMA, WAW) + [Cell(NOON)]
            if person == "2fs":
                return _plural(base, KASRA, YEH) + [Cell(NOON)]
            return base
        if person in ("3ms",):
            return _cells(g["perfect"])
        if person == "3fs":
            base = _drop_weak(_cells(g["perfect"]))
            base[-1].vowel = FATHA
            return base + [Cell(TEH)]
        if person == "3p":
            base = _cells(g["perfect"])
            if base[-1].letter in (ALEF_MAKSURA, ALEF):
                base = _drop_weak(base)
                base[-1].vowel = FATHA
                return base + [Cell(WAW), Cell(ALEF)]
            base[-1].vowel = FATHA if self.settings["perfect_3p"] == "aw" else DAMMA
            return base + [Cell(WAW), Cell(ALEF)]
        base = _cells(g["perfect_1_2"])
        if not base[-1].vowel:
            base[-1].vowel = SUKUN
        ending = {"1s": [Cell(TEH)], "2ms": [Cell(TEH)], "2fs": [Cell(TEH, KASRA), Cell(YEH)],
                  "1p": [Cell(NOON, FATHA), Cell(ALEF)], "2p": [Cell(TEH, DAMMA), Cell(WAW), Cell(ALEF)]}[person]
        return base + ending

    def _future_prefix(self, gulf: list[Cell], word: Word) -> list[Cell]:
        """sa-/sawfa + imperfect -> b- + imperfect (§3.3 future; 1sg a- merges: بَروح)."""
        word.rules.append("FUT-B (§3.3)")
        first = gulf[0]
        if first.letter == ALEF_WITH_MADDA_ABOVE:
            return [Cell(BEH, FATHA if word.marked else ""), Cell(ALEF)] + [c.copy() for c in gulf[1:]]
        if first.letter == ALEF_WITH_HAMZA_ABOVE:
            return [Cell(BEH, FATHA if word.marked or first.vowel else "")] + [c.copy() for c in gulf[1:]]
        vowel = (SUKUN if first.vowel == KASRA else KASRA) if word.marked else ""
        return [Cell(BEH, vowel)] + gulf

    def _generic_verb(self, word: Word, cells: list[Cell]) -> list[Cell] | None:
        """The perfect (after lam) of a regular MSA form-I imperfect outside the verb table."""
        start = 0
        bare = _bare(cells)
        for conj in self.conjunctions:
            if bare.startswith(conj) and len(bare) > 4:
                start = len(conj)
                break
        body = cells[start:]
        letters = _bare(body)
        if len(body) < 4 or body[0].letter not in IMPERFECT_PREFIXES:
            return None
        suffix = ""
        for ending in (WAW + NOON, WAW + ALEF, YEH + NOON):
            if letters.endswith(ending) and len(letters) == 4 + len(ending):
                suffix = ending
        if len(letters) - len(suffix) != 4:
            return None
        radicals = body[1:4]
        if any(c.letter in WEAK_LETTERS for c in radicals):
            return None
        person = {ALEF_WITH_HAMZA_ABOVE: "1s", TEH: "2ms", YEH: "3ms", NOON: "1p"}[body[0].letter]
        if suffix:
            person = {YEH: "3p", TEH: "2p"}.get(body[0].letter, person) if suffix != YEH + NOON else "2fs"
        stem = [Cell(c.letter, FATHA if word.marked else "") for c in radicals]
        stem[-1].vowel = ""
        verb = Verb("regular", "§3.3 lam + jussive -> ma + perfect",
                    {"perfect": _render(stem), "perfect_1_2": _render(stem), "imperfect": "", "imperative": ""})
        word.rules.append("NEG-MA: lam + jussive -> ma + perfect (§3.3)")
        gulf = self._conjugate(verb, "perfect", person)
        if not word.marked:
            gulf = _strip_marks(gulf)
        return [c.copy() for c in cells[:start]] + gulf

    # ---- suffixes and morphology

    def _gulf_suffix(self, stem: list[Cell], suffix: list[Cell], person: str, verb: bool = False) -> list[Cell]:
        """The Gulf form of an MSA pronoun suffix; sets the vowel the stem ends in (§3.2)."""
        out = [c.copy() for c in suffix]
        ends_long = bool(stem) and stem[-1].letter in LONG_VOWEL_LETTERS and (
            not stem[-1].vowel or stem[-1].vowel == SUKUN)
        last_vowel = out[-1].vowel if out else ""
        if out:
            out[-1].vowel = ""  # no final vowel in pausal Gulf forms
        if person == "2s":
            if last_vowel == KASRA:
                out[0].letter = FEM2
                if stem and not ends_long:
                    stem[-1].vowel = KASRA
            elif last_vowel == FATHA and stem and not ends_long:
                stem[-1].vowel = FATHA
            return out
        if person == "1s" and len(out) == 1:
            if stem and not ends_long:
                stem[-1].vowel = KASRA  # -ī "my": رَبِيعِي (marks go again if the input had none)
            return out
        if person == "3ms" and last_vowel in (DAMMA, KASRA):
            if stem and not ends_long:
                stem[-1].vowel = {"a": FATHA, "i": KASRA, "u": DAMMA}[self.settings["hu_vowel"]]
            return out
        if person in ("2d", "2fp"):
            return [Cell(KAF, DAMMA if last_vowel else ""), Cell("\N{ARABIC LETTER MEEM}")]
        if person in ("3d", "3fp"):
            return [Cell(HEH, DAMMA if last_vowel else ""), Cell("\N{ARABIC LETTER MEEM}")]
        if person == "3fs" and out:
            out[-1].vowel = ""
            out[0].vowel = out[0].vowel or ""
        if person in ("3fs", "1p", "2p", "3p") and stem and not ends_long and stem[-1].vowel in SHORT_VOWELS | TANWEEN:
            # the case vowel before a consonant-initial suffix is dropped
            stem[-1].vowel = SUKUN if not verb else stem[-1].vowel
        if person == "3fs":
            out = [Cell(HEH, FATHA if last_vowel or suffix[0].vowel else ""), Cell(ALEF)]
        if person == "1p":
            out = [Cell(NOON, FATHA if suffix[0].vowel else ""), Cell(ALEF)]
        return out

    def _morphology(self, word: Word, cells: list[Cell]) -> list[Cell] | None:
        """Case endings, suffixes, hamza and the imperfect vowels of a word outside the lexicon.

        ``cells`` are the word's own fresh cells (from ``_cells``); they are changed in place.
        """
        rules = word.rules
        marked = word.marked
        future = False
        start = 0
        bare = _bare(cells)
        # sa- + imperfect -> b- (§3.3); without vowels only when clearly a verb (§7 step 4)
        for conj in ("", *self.conjunctions):
            body = cells[len(conj):]
            if conj and not bare.startswith(conj):
                continue
            if len(body) >= 4 and body[0].letter in self.future and body[1].letter in IMPERFECT_PREFIXES:
                if marked and body[0].vowel == FATHA and self._imperfect_shape(body[1:]):
                    future = True
                elif not marked and not _marked(body) and self._looks_future(_bare(body)):
                    future = True
                if future:
                    start = len(conj)
                    del cells[start]
                    break
        if marked:
            suffix, person = self._enclitic(cells, start)
        else:
            suffix, person = [], ""
        stem = cells[:len(cells) - len(suffix)] if suffix else cells
        changed = False
        if marked and stem:
            changed |= self._case_ending(stem, bool(suffix), rules)
        changed |= self._hamza(stem, start, rules)
        if marked:
            changed |= self._imperfect_vowels(stem, start, rules)
            changed |= self._syncope(stem, start, rules)
            changed |= self._perfect_plural(stem, start, bool(suffix), rules)
            if self.settings["ghawa"]:
                changed |= self._ghawa(stem, start, rules)
        if suffix:
            gulf_suffix = self._gulf_suffix(stem, suffix, person)
            if self.settings["at_syncope"] and person in ("2s", "3ms") and len(stem) >= 3 \
                    and stem[-1].letter == TEH and stem[-2].vowel == FATHA:
                stem[-2].vowel = SUKUN
                rules.append("SYNC: -at + vowel-initial suffix (§2.4, §3.2)")
            rules.append(f"PRON-SUFFIX:{person} (§3.2)")
            stem = stem + gulf_suffix
            changed = True
        if self.settings["at_syncope"] and marked and len(stem) - start >= 5 and stem[-1].letter == YEH \
                and not stem[-1].vowel and stem[-2].letter == TEH and stem[-2].vowel == KASRA \
                and stem[-3].vowel == FATHA and stem[-3].letter not in LONG_VOWEL_LETTERS \
                and stem[-4].letter == ALEF:
            # -āC-at + -ī (my): سَيَّارَتِي -> سَيَّارْتِي (§3.2, KW QA), only after a long ā so that
            # verbs in -at-ī and stems like كَتَبَتِ are left alone
            stem[-3].vowel = SUKUN
            rules.append("SYNC: -at + vowel-initial suffix (§2.4, §3.2)")
            changed = True
        if future:
            stem = stem[:start] + self._future_prefix(stem[start:], word)
            changed = True
        if marked and stem and stem[-1].vowel == SUKUN:
            stem[-1].vowel = ""  # §8: pausal, no final mark
            changed = True
        word.stem_start = start
        if not changed and not self._needs_sound(stem):
            return None
        return stem

    @staticmethod
    def _imperfect_shape(body: list[Cell]) -> bool:
        """A diacritized imperfect: prefix ya-/yu- then C-sukun, a hollow CV̄, or (yu-) a stem vowel."""
        if len(body) < 3 or body[0].letter not in IMPERFECT_PREFIXES or body[0].shadda:
            return False
        if body[0].vowel == DAMMA:
            return body[1].vowel in (FATHA, KASRA, SUKUN) or body[1].letter == ALEF
        if body[0].vowel != FATHA:
            return False
        if body[1].vowel == SUKUN or body[1].letter in (ALEF, ALEF_WITH_HAMZA_ABOVE):
            return True
        return body[1].vowel in SHORT_VOWELS and not body[1].shadda and body[2].letter in LONG_VOWEL_LETTERS \
            and not body[2].vowel

    def _looks_future(self, body: str) -> bool:
        if body in self.lists["future_block"] or _key(body) in self.lists["future_block"]:
            return False
        if body.endswith(TEH_MARBUTA) or body.endswith(ALEF + TEH) or body[-1] in (ALEF, YEH, WAW, ALEF_MAKSURA):
            return False
        # after the imperfect prefix comes a consonant: سيارة، سياسي، سيدني are not verbs
        return len(body) >= 5 and body[2] not in (ALEF, WAW, YEH)

    def _needs_sound(self, cells: list[Cell]) -> bool:
        return self.form != "spelling" and any(c.letter in (QAF, KAF, JEEM) for c in cells)

    def _enclitic(self, cells: list[Cell], start: int) -> tuple[list[Cell], str]:
        """A pronoun suffix after a written case or stem vowel, e.g. -ka/-ki/-hu/-hum."""
        if cells[-1].letter not in _ENCLITIC_FINALS:
            return [], ""
        if _has_article(cells[start:]):
            return [], ""  # no possessive after the article
        bare = _bare(cells[start:])
        for form, person in self.enclitics:
            n = len(form)
            if not bare.endswith(form) or len(bare) < n + 2 or person in ("1s",):
                continue
            suffix = cells[-n:]
            before = cells[-n - 1]
            if suffix[0].shadda or before.letter == form[0]:
                continue
            if person in ("2s", "3ms") and suffix[-1].vowel not in SHORT_VOWELS:
                continue
            if person not in ("2s", "3ms") and not suffix[0].vowel:
                continue
            if before.vowel in SHORT_VOWELS or (before.letter in LONG_VOWEL_LETTERS and not before.vowel) \
                    or (before.letter in (WAW, YEH) and before.vowel == SUKUN):
                return suffix, person
        return [], ""

    def _listed(self, key: str, name: str) -> bool:
        """``key`` is in list ``name``, or is a listed word after wa-/fa- (وسهلاً)."""
        words = self.lists[name]
        return key in words or (len(key) > 3 and key[0] in self.conjunctions and key[1:] in words)

    def _case_ending(self, stem: list[Cell], has_suffix: bool, rules: list[str]) -> bool:
        """Drop case and mood vowels and tanween (§2.2), keeping -ūn/-īn."""
        last = stem[-1]
        if has_suffix:
            return False
        if (last.vowel in TANWEEN or (last.letter == ALEF and len(stem) > 1 and stem[-2].vowel == FATHATAN)) \
                and self._listed(_key(_bare(stem)), "tanween_keep"):
            rules.append(f"TANWEEN-KEPT ({self.profile.sources.get('tanween_keep', '')})")
            return False
        if last.letter == ALEF and len(stem) >= 2 and (stem[-2].vowel == FATHATAN or last.vowel == FATHATAN):
            del stem[-1]
            stem[-1].vowel = ""
            rules.append("TANWEEN (§2.2)")
            return True
        if last.vowel in TANWEEN:
            last.vowel = ""
            rules.append("TANWEEN (§2.2)")
            return True
        if last.vowel in SHORT_VOWELS and last.letter in (WAW, YEH) and len(stem) >= 3 \
                and stem[-2].vowel == (KASRA if last.letter == YEH else DAMMA) \
                and not (stem[-2].letter == HEH and len(stem) <= 3):
            # a long vowel with a mood or case vowel on it: يَأْتِيَ -> يَأْتِي (not هُوَ، هِيَ)
            last.vowel = ""
            rules.append("CASE (§2.2)")
            return True
        if last.vowel in SHORT_VOWELS and last.letter not in LONG_VOWEL_LETTERS:
            if last.letter == TEH and len(stem) >= 2 and stem[-2].vowel == SUKUN and last.vowel in (DAMMA, FATHA):
                rules.append("PERF-T: -tu/-ta -> -t (§2.2)")
            else:
                rules.append("CASE (§2.2)")
            last.vowel = ""
            return True
        return False

    def _hamza(self, stem: list[Cell], start: int, rules: list[str]) -> bool:
        """Medial hamza after a short vowel, hamza after ā, final -āʔ (§1.5)."""
        changed = False
        for i in range(start + 1, len(stem)):
            cell, prev = stem[i], stem[i - 1]
            if cell.letter == ALEF_WITH_HAMZA_ABOVE and cell.vowel == SUKUN and prev.vowel == FATHA and i < len(stem) - 1:
                cell.letter, cell.vowel = ALEF, ""
                changed = True
            elif cell.letter == YEH_WITH_HAMZA_ABOVE and cell.vowel == SUKUN and prev.vowel == KASRA and i < len(stem) - 1:
                cell.letter, cell.vowel = YEH, ""
                changed = True
            elif cell.letter == WAW_WITH_HAMZA_ABOVE and cell.vowel == SUKUN and prev.vowel == DAMMA and i < len(stem) - 1:
                cell.letter, cell.vowel = WAW, ""
                changed = True
            elif cell.letter == YEH_WITH_HAMZA_ABOVE and prev.letter == ALEF and i < len(stem) - 1 and i - 1 > start:
                cell.letter = YEH
                changed = True
        body = stem[start:]
        if len(body) >= 4 and not _marked(body) and body[0].letter in (YEH, TEH, NOON) \
                and body[1].letter == ALEF_WITH_HAMZA_ABOVE:
            # يأكل -> ياكل: after the imperfect prefix the hamza has no vowel (§1.5, §4 row 79)
            body[1].letter = ALEF
            changed = True
        if len(stem) - start >= 4 and stem[-1].letter == TEH and stem[-2].letter == HAMZA and stem[-3].letter == ALEF:
            del stem[-2]  # -āʔ + -at: جَاءَت -> جَات (the final -āʔ rule before the 3fs suffix)
            changed = True
        if len(stem) - start >= 3 and stem[-1].letter == HAMZA and stem[-2].letter == ALEF:
            del stem[-1]
            stem[-1].vowel = ""
            changed = True
        if changed:
            rules.append("HAMZA (§1.5)")
        return changed

    def _imperfect_vowels(self, stem: list[Cell], start: int, rules: list[str]) -> bool:
        """ya-/ta-/na- -> yi-/ti-/ni-, stem u -> i, prefix vowel lost before a long vowel (§2.3)."""
        body = stem[start:]
        if len(body) < 3 or body[0].letter not in (YEH, TEH, NOON, ALEF_WITH_HAMZA_ABOVE, ALEF_WITH_MADDA_ABOVE):
            return False
        changed = False
        prefix = body[0]
        # form I pattern: P-a C-sukun C-u C ... or (after hamza loss) P-a ā C-u C
        if prefix.vowel == FATHA and body[1].vowel == SUKUN and len(body) >= 4 and not body[1].shadda:
            if prefix.letter != ALEF_WITH_HAMZA_ABOVE and body[1].letter not in GUTTURALS:
                prefix.vowel = KASRA
                rules.append("PREF-I (§2.3)")
                changed = True
            stem_vowel_at = 2
        elif (prefix.vowel == FATHA and body[1].letter == ALEF) or prefix.letter == ALEF_WITH_MADDA_ABOVE:
            stem_vowel_at = 2 if prefix.letter != ALEF_WITH_MADDA_ABOVE else 1
        elif prefix.vowel == FATHA and body[1].vowel in (DAMMA, KASRA) and len(body) >= 3 \
                and body[2].letter in (WAW, YEH) and not body[2].vowel and prefix.letter != ALEF_WITH_HAMZA_ABOVE:
            prefix.vowel = SUKUN  # hollow verbs: تَرُوح -> تْرُوح
            rules.append("PREF-DROP before a long vowel (§2.3)")
            return True
        else:
            return changed
        if stem_vowel_at < len(body) - 1 and body[stem_vowel_at].vowel == DAMMA \
                and body[stem_vowel_at + 1].letter not in LONG_VOWEL_LETTERS | {TEH_MARBUTA} \
                and _key(_bare(body)) not in self.lists["stem_u_keep"]:
            body[stem_vowel_at].vowel = KASRA
            rules.append("STEM-I (§2.3)")
            changed = True
        return changed

    def _perfect_plural(self, stem: list[Cell], start: int, has_suffix: bool, rules: list[str]) -> bool:
        """Perfect 3pl -ū -> -aw where the profile says so (§2.2): كَتَبُوا -> كَتَبَوا.

        Only the diacritized form-I perfect CaCaCū is taken for a perfect; the subjunctive
        يَكْتُبُوا has a prefix and a sukun.
        """
        body = stem[start:]
        if self.settings["perfect_3p"] != "aw" or has_suffix or len(body) != 5:
            return False
        c1, c2, c3, waw, alef = body
        if c1.vowel == FATHA and c2.vowel == FATHA and c3.vowel == DAMMA and waw.letter == WAW \
                and not waw.vowel and alef.letter == ALEF and c1.letter not in LONG_VOWEL_LETTERS:
            c3.vowel = FATHA
            rules.append("PERF-3PL: -u -> -aw (§2.2)")
            return True
        return False

    @staticmethod
    def _ghawa(stem: list[Cell], start: int, rules: list[str]) -> bool:
        """Ghawa syndrome CaGCV -> CGaCV (§2.4): قَهْوَة -> قْهَوَة -> گْهَوَة, نَخْلَة -> نْخَلَة."""
        body = stem[start:]
        if _has_article(body):
            body = body[2:]
        if len(body) < 3:
            return False
        c, g, nxt = body[0], body[1], body[2]
        if c.vowel == FATHA and g.letter in GUTTURALS - {HAMZA, ALEF_WITH_HAMZA_ABOVE} and g.vowel == SUKUN \
                and not g.shadda and (nxt.vowel in SHORT_VOWELS or nxt.letter in LONG_VOWEL_LETTERS):
            c.vowel, g.vowel = SUKUN, FATHA
            if c.letter == ALEF_WITH_HAMZA_ABOVE:
                stem.remove(c)  # the initial ʔa is lost too: أَحْمَر -> حَمَر (cells compare by identity)
            rules.append("GHAWA (§2.4)")
            return True
        return False

    def _syncope(self, stem: list[Cell], start: int, rules: list[str]) -> bool:
        """A short high vowel before a long vowel drops in the first syllable: كِتَاب -> كْتَاب (§2.4)."""
        body = stem[start:]
        if _has_article(body):
            body = body[2:]
        if len(body) < 4 or body[0].shadda or body[1].shadda:
            return False
        long = {FATHA: ALEF, DAMMA: WAW, KASRA: YEH}.get(body[1].vowel)
        if body[0].vowel in (KASRA, DAMMA) and body[0].letter not in LONG_VOWEL_LETTERS | IMPERFECT_PREFIXES \
                and long is not None and body[2].letter == long and body[2].vowel in ("", SUKUN):
            body[0].vowel = SUKUN
            rules.append("SYNC (§2.4)")
            return True
        return False

    # ---- sound rules (pronunciation and phonemes)

    def _stem_keys(self, cells: list[Cell], start: int) -> set[str]:
        bare = _key(_bare(cells[start:]))
        keys = {bare}
        for split in self._splits(cells[start:], articles=True):
            keys.add(_key(_bare(cells[start + split:])))
        # the same stems without a pronoun suffix (كلبك, قدامچ)
        for key in list(keys):
            for form in (FEM2, *(f for f, _ in self.enclitics)):
                if key.endswith(form) and len(key) > len(form) + 1:
                    keys.add(key[:-len(form)])
        return keys

    def _list_span(self, cells: list[Cell], start: int, name: str) -> tuple[int, int] | None:
        """Where a word of list ``name`` sits in ``cells``: after proclitics, before a pronoun suffix."""
        words = self.lists[name]
        if not self.inside[name](_key(_bare(cells))):
            return None
        for split in self._splits(cells[start:], articles=True):
            offset = start + split
            key = _key(_bare(cells[offset:]))
            if key in words:
                return offset, len(cells) - offset
            for form in (FEM2, *(f for f, _ in self.enclitics)):
                if key.endswith(form) and key[:-len(form)] in words:
                    return offset, len(cells) - offset - len(form)
        return None

    def _sound(self, cells: list[Cell], word: Word, rules: list[str]) -> list[Cell]:
        """ق, ك, ج by profile (§1.1-1.3, §5), and the a-raising of §2.4."""
        letters = _bare(cells)
        s = self.settings
        raising = s["a_raise"] != "off" and word.marked
        if not raising and QAF not in letters and KAF not in letters and JEEM not in letters:
            return cells
        # the cells belong to this word alone (fresh from the lexicon, the verb table or
        # _morphology), so they are changed in place
        start = word.stem_start
        whole = _key(letters)
        wanted = (raising and s["a_raise"] == "list" and self.inside["a_raise_words"](whole)) or \
            (JEEM in letters and self.inside["j_force"](whole))
        keys = self._stem_keys(cells, start) if wanted else set()
        if raising:
            if s["a_raise"] == "general" or keys & self.lists["a_raise_words"]:
                if self._a_raise(cells, start):
                    rules.append("A-RAISE (§2.4)")
        # k -> ch before j -> y (a چ blocks it); j before q, so that the ج of q -> j stays ج.
        span = self._list_span(cells, start, "k_ch_words") if s["k_ch"] and KAF in letters else None
        if span is not None:
            for cell in cells[span[0]:span[0] + span[1]]:
                if cell.letter == KAF:
                    cell.letter = TCHEH
            rules.append(f"K-CH ({self.profile.sources.get('k_ch_words', '')})")
        letters = _bare(cells)
        if JEEM in letters:
            if s["j"] == "g":
                _replace(cells, 0, JEEM, GAF)
                rules.append("J-G (§1.3)")
            elif s["j"] == "y":
                forced = bool(keys & self.lists["j_force"])
                if forced or (not self.inside["j_keep"](whole) and not self._j_blocked(cells)):
                    _replace(cells, 0, JEEM, YEH)
                    rules.append("J-Y (§1.3)")
        letters = _bare(cells)
        if QAF in letters:
            span = self._list_span(cells, start, "q_j")
            if span is not None:
                for cell in cells[span[0]:span[0] + span[1]]:
                    if cell.letter == QAF:
                        cell.letter = JEEM
                rules.append(f"Q-J ({self.profile.sources.get('q_j', '')})")
            elif s["q"] == "g":
                if self.inside["keep_q"](whole):
                    rules.append(f"Q-KEEP ({self.profile.sources.get('keep_q', '')})")
                else:
                    _replace(cells, 0, QAF, GAF)
                    rules.append("Q-G (§1.1)")
        return cells

    @staticmethod
    def _j_blocked(cells: list[Cell]) -> bool:
        """§1.3 (Szreder & Derrick 2023): no j -> y beside a sibilant, or with ش, چ or a second ج."""
        letters = [c.letter for c in cells]
        if letters.count(JEEM) > 1 or SHEEN in letters or TCHEH in letters:
            return True
        for i, letter in enumerate(letters):
            if letter == JEEM:
                if (i > 0 and letters[i - 1] in SIBILANTS) or (i + 1 < len(letters) and letters[i + 1] in SIBILANTS):
                    return True
        return False

    @staticmethod
    def _a_raise(cells: list[Cell], start: int) -> bool:
        """The first stem a before a consonant (not a long vowel) becomes i, unless a guttural is next to it."""
        body = cells[start:]
        offset = start
        if _has_article(body):
            offset += 2
            body = body[2:]
        if len(body) < 3:
            return False
        if len(body) >= 4 and body[0].letter in (WAW, "\N{ARABIC LETTER FEH}") and body[0].vowel == FATHA:
            offset += 1  # wa-/fa- before a longer word is taken for the conjunction
            body = body[1:]
        first, second = body[0], body[1]
        if first.vowel != FATHA or first.letter in GUTTURALS:
            return False
        if second.letter in GUTTURALS or second.letter == ALEF or second.vowel == SUKUN:
            return False
        if not (second.vowel or second.shadda):
            return False  # ay/aw diphthong or unwritten vowel
        cells[offset].vowel = KASRA
        return True

    # ---- phonemes

    def _phonemes(self, cells: list[Cell]) -> str:
        """IPA for one word in pronunciation form; unwritten vowels stay unwritten."""
        out: list[str] = []
        mono = self.settings["monophthongs"]
        n = len(cells)
        first = 0
        if n > 3 and cells[0].letter == ALEF and cells[1].letter == LAM and cells[1].vowel in ("", SUKUN):
            # the article: il-/al- (§3.4), assimilated before a sun letter written with shadda
            out.append("ʔ" + self.settings["article_vowel"] + ("" if cells[2].shadda else "l"))
            first = 2
        elif n > 4 and cells[0].letter in PROCLITIC_LETTERS and cells[1].letter == ALEF \
                and cells[2].letter == LAM and cells[2].vowel in ("", SUKUN) and not cells[1].vowel:
            # wa-/fa-/bi-/ka- before the article: its alef is not pronounced (وَالسَّمَك -> wassamak)
            out.append(PHONEMES[cells[0].letter] + {FATHA: "a", KASRA: "i", DAMMA: "u"}.get(cells[0].vowel, ""))
            out.append("" if cells[3].shadda else "l")
            first = 3
        for i in range(first, n):
            c = cells[i]
            nxt = cells[i + 1] if i + 1 < n else None
            letter = c.letter
            prev = cells[i - 1] if i else None
            long = {ALEF: FATHA, ALEF_MAKSURA: FATHA, WAW: DAMMA, YEH: KASRA}.get(letter)
            if long and prev is not None and not c.vowel and not c.shadda \
                    and (prev.vowel == long or (letter in (ALEF, ALEF_MAKSURA) and not prev.vowel)):
                if out and out[-1] in ("a", "i", "u"):
                    out.pop()
                out.append({FATHA: "aː", DAMMA: "uː", KASRA: "iː"}[long])
                continue
            if letter in (WAW, YEH) and prev is not None and prev.vowel == FATHA and c.vowel in ("", SUKUN) \
                    and not c.shadda and mono:
                out[-1] = "eː" if letter == YEH else "oː"
                continue
            if letter == TEH_MARBUTA:
                if nxt is None:
                    back = prev is not None and prev.letter in PHONEME_BACK
                    if out and out[-1] == "a":
                        out.pop()
                    out.append("e" if self.settings["final_a_raising"] and not back else "a")
                else:
                    out.append("t")
                continue
            sound = PHONEMES.get(letter)
            if sound is None:
                sound = letter
            out.append(sound + (sound if c.shadda else ""))
            vowel = {FATHA: "a", KASRA: "i", DAMMA: "u"}.get(c.vowel)
            if vowel:
                out.append(vowel)
        return "".join(out)


# IPA for each letter (fact sheet §6.4); ض and ظ merge as ðˤ (§1.4).
PHONEMES: dict[str, str] = {
    HAMZA: "ʔ", ALEF_WITH_HAMZA_ABOVE: "ʔ", ALEF_WITH_HAMZA_BELOW: "ʔ", WAW_WITH_HAMZA_ABOVE: "ʔ", YEH_WITH_HAMZA_ABOVE: "ʔ", ALEF_WITH_MADDA_ABOVE: "ʔaː",
    ALEF: "ʔ", BEH: "b", TEH: "t", "\N{ARABIC LETTER THEH}": "θ", JEEM: "dʒ", HAH: "ħ", KHAH: "x",
    DAL: "d", THAL: "ð", "\N{ARABIC LETTER REH}": "r", ZAIN: "z", SEEN: "s", SHEEN: "ʃ", SAD: "sˤ",
    "\N{ARABIC LETTER DAD}": "ðˤ", "\N{ARABIC LETTER TAH}": "tˤ", "\N{ARABIC LETTER ZAH}": "ðˤ",
    AIN: "ʕ", GHAIN: "ɣ", "\N{ARABIC LETTER FEH}": "f", QAF: "q", KAF: "k", LAM: "l",
    "\N{ARABIC LETTER MEEM}": "m", NOON: "n", HEH: "h", WAW: "w", YEH: "j", ALEF_MAKSURA: "aː",
    GAF: "g", TCHEH: "tʃ", "\N{ARABIC LETTER PEH}": "p", "\N{ARABIC LETTER VEH}": "v", QAF_WITH_THREE_DOTS_ABOVE: "g",
}
PROCLITIC_LETTERS = frozenset((WAW, "\N{ARABIC LETTER FEH}", BEH, KAF))
PHONEME_BACK = frozenset((HAH, AIN, KHAH, GHAIN, HEH, QAF, GAF, SAD, "\N{ARABIC LETTER DAD}",
                          "\N{ARABIC LETTER TAH}", "\N{ARABIC LETTER ZAH}"))


def _searcher(words: frozenset[str]) -> Any:
    """A predicate: does a key contain one of ``words``?"""
    if not words:
        return lambda key: False
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return lambda key: pattern.search(key) is not None


def _replace(cells: list[Cell], start: int, old: str, new: str) -> None:
    for cell in cells[start:]:
        if cell.letter == old:
            cell.letter = new


def _drop_weak(cells: list[Cell]) -> list[Cell]:
    if cells and cells[-1].letter in (ALEF_MAKSURA, ALEF, YEH) and len(cells) > 2 and not cells[-1].vowel:
        return cells[:-1]
    return cells


def _plural(base: list[Cell], vowel: str, letter: str) -> list[Cell]:
    """Add -ū/-ī: a final long vowel of the stem gives way (يَبِي -> يَبُون)."""
    cells = _drop_weak(base)
    cells[-1].vowel = vowel
    return cells + [Cell(letter)]


# --------------------------------------------------------------------------- API

@dataclass(frozen=True)
class Khaleeji:
    """A picklable transform from MSA to Gulf Arabic for one profile and output form.

    ``dialect`` is a profile in ``rules/khaleeji/`` (``gulf`` is the shared core; the
    aliases the data uses, ``all`` and ``saudi_najdi``, are accepted); ``form`` is
    ``pronunciation``, ``spelling`` or ``phonemes``; ``explain`` makes each output line
    a JSON record of the rules that fired per word.

    >>> Khaleeji("kuwaiti")("كَيْفَ حَالُكِ؟")
    'شْلُونِچ؟'
    >>> Khaleeji("omani")("كِتَابُكِ")
    'كْتَابِش'
    >>> Khaleeji("najdi", form="phonemes")("أَبْيَضُ")
    'ʔabjaðˤ'
    """

    dialect: str = CORE
    form: str = "pronunciation"
    explain: bool = False

    blockwise: ClassVar[bool] = False

    def __call__(self, text: str) -> str:
        return _converter(self.dialect, self.form, rulebook.search_path())(text, self.explain)


def khaleeji(text: str, dialect: str = CORE, form: str = "pronunciation") -> str:
    """Convert ``text`` (MSA, diacritized or not) to Gulf Arabic.

    >>> khaleeji("سَوْفَ نَأْكُلُ فِي البَيْتِ")
    'بِنَاكِل فِي البَيْت'
    """
    return Khaleeji(dialect, form)(text)


@functools.lru_cache(maxsize=64)
def _converter(dialect: str, form: str, path: tuple[Any, ...]) -> Converter:
    if form not in FORMS:
        raise OptionError(f"unknown form {form!r} (choose {', '.join(FORMS)})")
    return Converter(profile(dialect), form)


__all__ = ["FORMS", "Khaleeji", "compile_profile", "khaleeji", "profile", "profile_names"]
