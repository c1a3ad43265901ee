"""Where names occur: how often a name follows each word, for latinize's precision gate.

Voice-assistant commands put names in a few places: after "play" (شغل), "how old is"
(كم عمر), "song" (اغنية), "email" ... and hardly ever after "tell me" (قول) or as the
first word of a command. A ``latinize-context`` rule file counts, for each word, how
often a name-bearing slot started right after it in slot-annotated utterances, and how
often any word did; :class:`Context` turns the counts into evidence for or against a
name after that word (see ``context_weight`` in ``rules/latinize.yaml``).

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
# What precedes the first word of a line in the counts.
LINE_START = ""
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


def count(utterances: Iterable[Sequence[Part]], slots: Iterable[str] = NAME_SLOTS) -> tuple[Counter[str], Counter[str]]:
    """For each word (``context_word``), how often a slot of ``slots`` starts right after
    it, and how often any word follows it; ``LINE_START`` stands before a line's first word.

    >>> names, words = count([("شغل ", Slot("artist_name", "فيروز"), " الحين")])
    >>> names["شغل"], words["شغل"], names[LINE_START], words[LINE_START]
    (1, 1, 0, 1)
    """
    wanted = frozenset(slots)
    names: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for parts in utterances:
        previous = LINE_START
        for part in parts:
            if isinstance(part, Slot):
                tokens = part.value.split()
                starts = part.name in wanted
            else:
                tokens = part.split()
                starts = False
            for i, token in enumerate(tokens):
                words[previous] += 1
                names[previous] += starts and i == 0
                previous = context_word(token)
    return names, words


def rule_file(names: Counter[str], words: Counter[str], source: str, slots: Sequence[str],
              min_count: int = MIN_COUNT) -> str:
    """The text of a ``latinize-context`` rule file of the counts of ``count``."""
    import yaml

    listed = {w: [names[w], n] for w, n in sorted(words.items(), key=lambda item: (-item[1], item[0]))
              if n >= min_count and w != LINE_START}
    head = {
        "kind": KIND,
        "description": "How often a name-bearing slot starts right after each word, and how often any word "
                       "does, counted by 'arabic-tools latinize-context'.",
        "source": source,
        "slots": list(slots),
        "total": [sum(names.values()), sum(words.values())],
        "line_start": [names[LINE_START], words[LINE_START]],
    }
    # The words one a line, each quoted as a JSON string (which YAML reads as one):
    # a word may be anything YAML would otherwise read as a number, a boolean or syntax.
    body = "".join(f"  {json.dumps(w, ensure_ascii=False)}: [{k}, {n}]\n" for w, (k, n) in listed.items())
    return (yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None)
            + "# word: [times a name followed it, times any word followed it]\nwords:\n" + body)


@dataclass(frozen=True)
class Context:
    """The compiled counts of a ``latinize-context`` rule file."""

    counts: Mapping[str, tuple[int, int]]  # context_word -> (names after it, words after it)
    line_start: tuple[int, int]
    base: float  # the share of all words that start a name
    # evidence() by its arguments: latinize asks it for every word of every line.
    answers: dict[tuple[str | None, float, float], float] = field(default_factory=dict, compare=False, repr=False)

    def log_odds(self, names: int, words: int, prior: float) -> float:
        """How much likelier a name is after a word seen ``words`` times, ``names`` of them
        before a name, than after any word: the difference of the log odds, the counts
        smoothed by ``prior`` words at the base rate (a word seen a few times says little).
        """
        base = self.base
        share = (names + prior * base) / (words + prior)
        return math.log(share / (1.0 - share)) - math.log(base / (1.0 - base))

    def evidence(self, previous: str | None, prior: float, most: float) -> float:
        """The log-odds difference for a name after the word ``previous`` (``None``: at the
        start of a line), at most ``most``; 0 for a word the counts do not know."""
        key = (previous, prior, most)
        answer = self.answers.get(key)
        if answer is None:
            if len(self.answers) >= 1 << 16:
                self.answers.clear()
            found = self.line_start if previous is None else self.counts.get(context_word(previous))
            answer = self.answers[key] = 0.0 if found is None else min(most, self.log_odds(*found, prior))
        return answer


def compile_context(rules: rulebook.RuleFile) -> Context:
    """Validate and compile a ``latinize-context`` rule file."""

    def pair(entry: str, value: Any) -> tuple[int, int]:
        rules.expect(entry, value, tuple)
        if len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
            raise rules.error(entry, "must be [names, words], two counts")
        names, words = value
        if names > words:
            raise rules.error(entry, "counts more names than words")
        return names, words

    total = pair("total", rules.get("total", tuple))
    if not 0 < total[0] < total[1]:
        raise rules.error("total", "needs some words that start a name and some that do not")
    line_start = pair("line_start", rules.get("line_start", tuple))
    counts = {}
    for word, value in rules.get("words", Mapping).items():
        if not isinstance(word, str) or not word or word != context_word(word):
            raise rules.error(f"words.{word}", "must be a word as context_word writes it (folded, lower case)")
        counts[word] = pair(f"words.{word}", value)
    return Context(counts, line_start, total[0] / total[1])


def context() -> Context:
    """The compiled ``latinize-context`` rule file on the current search path."""
    return _compiled(rulebook.load(KIND))


@functools.cache
def _compiled(rule_file: rulebook.RuleFile) -> Context:
    return compile_context(rule_file)
