"""Where names occur: how often a name follows and precedes each word, and how often
each word is part of a name, for latinize's precision gate.

Voice-assistant commands put names in a few places: after "play" (شغل), "how old is"
(كم عمر), "song" (اغنية), "email" ... and hardly ever after "tell me" (قول) or as the
first word of a command; they end a command more often than other words, and come
before "and tell" (وقول) more often than before "me" (لي). And the words of commands
themselves (وريني "show me", ايش "what", نكتة "joke") are seldom part of a name,
however much they sound like one. A ``latinize-context`` rule file counts, for each
word, how often a name-bearing slot started right after it in slot-annotated
utterances and how often any word did, how often the word was in a name-bearing slot
and how often it occurred at all, and how often a name-bearing slot ended right
before it and how often any word did; :class:`Context` turns the counts into evidence
for or against a name after that word, for or against a span with that word being a
name, and for or against a name before that word (see ``context_weight`` in
``rules/latinize.yaml``).

The shipped ``rules/latinize-context.yaml`` is counted from the ar-SA train partition
of MASSIVE 1.1 (CC BY 4.0); ``arabic-tools latinize-context`` counts a file of your
own utterances (MASSIVE JSON Lines or ``[slot : value]`` text) into a rule file, which
``--rules DIR`` puts in place of the shipped one.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arabic_tools import rulebook
from arabic_tools.slots import Part, Slot

KIND = "latinize-context"
# What precedes the first word of a line in the counts, and follows the last.
LINE_START = ""
LINE_END = ""
# MASSIVE slot types whose value is a name: of a person, a work, a product, a
# business or a place.
NAME_SLOTS = (
    "app_name", "artist_name", "audiobook_author", "audiobook_name", "business_name", "game_name", "movie_name",
    "music_album", "person", "place_name", "playlist_name", "podcast_name", "radio_name", "song_name",
    "transport_name",
)
MIN_COUNT = 3  # words seen fewer times are left out of a rule file
# Letters ASR and writers use interchangeably are one letter in a context word (the
# normalize groups of these names, on).
_FOLDED = (("alef", True), ("alef_maksura", True), ("teh_marbuta", True))


@functools.lru_cache(maxsize=1 << 16)
def context_word(token: str) -> str:
    """The form a word is counted and looked up under: alef, alef maksura and teh
    marbuta variants folded (``normalize``), Latin letters in lower case.

    >>> context_word("أغنية"), context_word("Email")
    ('اغنيه', 'email')
    """
    from arabic_tools.normalize import Normalizer

    return Normalizer(_FOLDED)(token).lower()


@dataclass(frozen=True)
class Counts:
    """Per word (``context_word``): how often a name-bearing slot started right after it
    and how often any word did (``LINE_START`` stands before a line's first word), how
    often it was in a name-bearing slot and how often it occurred, and how often a
    name-bearing slot ended right before it and how often any word did (``LINE_END``
    stands after a line's last word)."""

    names_after: Counter[str] = field(default_factory=Counter)
    words_after: Counter[str] = field(default_factory=Counter)
    in_names: Counter[str] = field(default_factory=Counter)
    seen: Counter[str] = field(default_factory=Counter)
    names_before: Counter[str] = field(default_factory=Counter)
    words_before: Counter[str] = field(default_factory=Counter)


def count(utterances: Iterable[Sequence[Part]], slots: Iterable[str] = NAME_SLOTS) -> Counts:
    """The :class:`Counts` of slot-annotated utterances, for the slots ``slots``.

    >>> counts = count([("شغل ", Slot("artist_name", "فيروز"), " الحين")])
    >>> counts.names_after["شغل"], counts.words_after["شغل"], counts.names_after[LINE_START]
    (1, 1, 0)
    >>> counts.in_names["فيروز"], counts.seen["فيروز"], counts.in_names["الحين"], counts.seen["الحين"]
    (1, 1, 0, 1)
    >>> counts.names_before["الحين"], counts.words_before["الحين"], counts.names_before[LINE_END]
    (1, 1, 0)
    """
    wanted = frozenset(slots)
    counts = Counts()
    for parts in utterances:
        previous = LINE_START
        ended = None  # whether the line's previous word ended a name (None: no word yet)
        for part in parts:
            if isinstance(part, Slot):
                tokens = part.value.split()
                named = part.name in wanted
            else:
                tokens = part.split()
                named = False
            for i, token in enumerate(tokens):
                word = context_word(token)
                counts.words_after[previous] += 1
                counts.names_after[previous] += named and i == 0
                if ended is not None:
                    counts.words_before[word] += 1
                    counts.names_before[word] += ended
                counts.seen[word] += 1
                counts.in_names[word] += named
                previous, ended = word, named and i == len(tokens) - 1
        if ended is not None:
            counts.words_before[LINE_END] += 1
            counts.names_before[LINE_END] += ended
    return counts


def rule_file(counts: Counts, source: str, slots: Sequence[str], min_count: int = MIN_COUNT) -> str:
    """The text of a ``latinize-context`` rule file of ``counts``."""
    import yaml

    # Every word a word follows or precedes was seen, so ``seen`` holds them all and
    # counts each at least as often as ``words_after`` and ``words_before`` (LINE_START
    # and LINE_END are no words).
    listed = {w: [counts.names_after[w], counts.words_after[w], counts.in_names[w], counts.seen[w],
                  counts.names_before[w], counts.words_before[w]]
              for w in sorted(counts.seen, key=lambda w: (-counts.seen[w], w)) if counts.seen[w] >= min_count}
    head = {
        "kind": KIND,
        "description": "How often a name-bearing slot starts right after each word and how often any word "
                       "does, how often each word is in a name-bearing slot and how often it occurs, and "
                       "how often a name-bearing slot ends right before it and how often any word does, "
                       "counted by 'arabic-tools latinize-context'.",
        "source": source,
        "slots": list(slots),
        "total": [sum(counts.names_after.values()), sum(counts.words_after.values())],
        "line_start": [counts.names_after[LINE_START], counts.words_after[LINE_START]],
        "line_end": [counts.names_before[LINE_END], counts.words_before[LINE_END]],
        "in_names": [sum(counts.in_names.values()), sum(counts.seen.values())],
    }
    # The words one a line, each quoted as a JSON string (which YAML reads as one):
    # a word may be anything YAML would otherwise read as a number, a boolean or syntax.
    body = "".join(f"  {json.dumps(w, ensure_ascii=False)}: [{', '.join(map(str, n))}]\n" for w, n in listed.items())
    return (yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None)
            + "# word: [times a name followed it, times any word followed it, times in a name, times seen,\n"
            + "#        times a name preceded it, times any word preceded it]\n"
            + "words:\n" + body)


@dataclass(frozen=True)
class Context:
    """The compiled counts of a ``latinize-context`` rule file."""

    counts: Mapping[str, tuple[int, int]]  # context_word -> (names after it, words after it)
    line_start: tuple[int, int]
    base: float  # the share of all words that start a name
    in_names: Mapping[str, tuple[int, int]]  # context_word -> (times in a name, times seen)
    in_names_base: float  # the share of all words that are in a name
    # context_word -> (names right before it, words right before it); each name ends once
    # as it starts once, so ``base`` is the share of words that end a name too.
    before: Mapping[str, tuple[int, int]]
    line_end: tuple[int, int]
    # evidence(), evidence_before() and name_word() by their arguments: latinize asks
    # them for every word of every line.
    answers: dict[tuple[str | None, float, float, str], float] = field(default_factory=dict, compare=False,
                                                                      repr=False)

    def log_odds(self, names: int, words: int, prior: float, base: float | None = None) -> float:
        """How much likelier a name is after a word seen ``words`` times, ``names`` of them
        before a name, than after any word: the difference of the log odds, the counts
        smoothed by ``prior`` words at the base rate (a word seen a few times says little).
        With another ``base``, the same of other counts (``name_word``).
        """
        base = self.base if base is None else base
        share = (names + prior * base) / (words + prior)
        return math.log(share / (1.0 - share)) - math.log(base / (1.0 - base))

    def evidence(self, previous: str | None, prior: float, most: float) -> float:
        """The log-odds difference for a name after the word ``previous`` (``None``: at the
        start of a line), at most ``most``; 0 for a word the counts do not know."""
        return self._answer(previous, prior, most, "after")

    def evidence_before(self, following: str | None, prior: float, most: float) -> float:
        """The same for a name right before the word ``following`` (``None``: at the end
        of a line)."""
        return self._answer(following, prior, most, "before")

    def name_word(self, word: str, prior: float, most: float) -> float:
        """The log-odds difference for ``word`` being part of a name, against any word
        being part of one, at most ``most``; 0 for a word the counts do not know."""
        return self._answer(word, prior, most, "in")

    def _answer(self, word: str | None, prior: float, most: float, where: str) -> float:
        key = (word, prior, most, where)
        answer = self.answers.get(key)
        if answer is None:
            if len(self.answers) >= 1 << 16:
                self.answers.clear()
            base = self.base
            if where == "in":
                found = self.in_names.get(context_word(word)) if word is not None else None
                base = self.in_names_base
            elif where == "before":
                found = self.line_end if word is None else self.before.get(context_word(word))
            else:
                found = self.line_start if word is None else self.counts.get(context_word(word))
            answer = self.answers[key] = 0.0 if found is None else min(most, self.log_odds(*found, prior, base))
        return answer


def compile_context(rules: rulebook.RuleFile) -> Context:
    """Validate and compile a ``latinize-context`` rule file."""

    def counts(entry: str, value: Any, size: int = 2) -> tuple[int, ...]:
        rules.expect(entry, value, tuple)
        if len(value) != size or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
            shape = "[names, words]" if size == 2 else \
                "[names after, words after, in names, seen, names before, words before]"
            raise rules.error(entry, f"must be {shape}, {size} counts")
        if any(value[i] > value[i + 1] for i in range(0, size, 2)):
            raise rules.error(entry, "counts more names than words")
        return tuple(value)

    def share(entry: str) -> float:
        names, words = counts(entry, rules.get(entry, tuple))
        if not 0 < names < words:
            raise rules.error(entry, "needs some words of names and some of other text")
        return names / words

    base, in_names_base = share("total"), share("in_names")
    start_names, start_words = counts("line_start", rules.get("line_start", tuple))
    end_names, end_words = counts("line_end", rules.get("line_end", tuple))
    after, inside, before = {}, {}, {}
    for word, value in rules.get("words", Mapping).items():
        if not isinstance(word, str) or not word or word != context_word(word):
            raise rules.error(f"words.{word}", "must be a word as context_word writes it (folded, lower case)")
        names_after, words_after, in_names, seen, names_before, words_before = counts(f"words.{word}", value, 6)
        after[word] = (names_after, words_after)
        inside[word] = (in_names, seen)
        before[word] = (names_before, words_before)
    return Context(after, (start_names, start_words), base, inside, in_names_base, before, (end_names, end_words))


def context() -> Context:
    """The compiled ``latinize-context`` rule file on the current search path."""
    return _compiled(rulebook.load(KIND))


@functools.cache
def _compiled(rule_file: rulebook.RuleFile) -> Context:
    return compile_context(rule_file)
