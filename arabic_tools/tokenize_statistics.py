"""Deciding enclitic splits from word statistics: the default tokenize backend.

The word frequencies come from the ``wordfreq`` package, whose Arabic list (620k
words from Wikipedia, subtitles, news, web and social media text) ships inside the
wheel, so a fresh install works offline. The idea is distributional: a word
``w = stem + enclitic`` is a suffixed form when the stem behaves like a suffix host
(``stem + other pronouns`` are common words) far more than ``w`` does, and ``w``
does not behave like a lexical word of its own (taking the article or suffixes
itself). Closed-class hosts (prepositions, particles) and lexical exceptions are
data in ``rules/tokenize.yaml``.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from arabic_tools.chars import (
    ALEF,
    ALEF_MAKSURA,
    ALEF_WITH_HAMZA_ABOVE,
    HAMZA,
    HEH,
    KAF,
    LAM,
    NOON,
    TEH,
    TEH_MARBUTA,
    WAW,
    WAW_WITH_HAMZA_ABOVE,
    YEH,
    YEH_WITH_HAMZA_ABOVE,
)
from arabic_tools.clitics import Clitic

ARTICLE = ALEF + LAM
IMPERFECT_PREFIXES = (YEH, TEH, NOON, ALEF_WITH_HAMZA_ABOVE, ALEF)
HAMZA_SEATS = (HAMZA, ALEF_WITH_HAMZA_ABOVE, WAW_WITH_HAMZA_ABOVE, YEH_WITH_HAMZA_ABOVE)


@dataclass(frozen=True)
class Thresholds:
    """The numbers of the ``statistics`` section of ``rules/tokenize.yaml``."""

    min_stem_letters: int
    min_host_zipf: float
    host_ratio: float
    lexical_ratio: float
    cautious_enclitics: frozenset[str]
    cautious_factor: float
    min_stem_zipf: float
    min_common_zipf: float


@functools.cache
def frequencies() -> Mapping[str, float]:
    """wordfreq's Arabic word frequencies, as ``wordfreq.get_frequency_dict("ar")``.

    Loaded once per process. The package's data file is read directly when it is where
    wordfreq 3 keeps it: importing wordfreq itself pulls in langcodes, ftfy and regex
    and doubles the start-up time of every tokenize run.
    """
    spec = importlib.util.find_spec("wordfreq")  # finds the package without importing it
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        packed = Path(location) / "data" / "large_ar.msgpack.gz"
        if packed.is_file() and importlib.util.find_spec("msgpack") is not None:
            return _read_cbpack(packed)
    import wordfreq

    return wordfreq.get_frequency_dict("ar")


def _read_cbpack(path: Path) -> dict[str, float]:
    """A wordfreq "cBpack": a gzipped msgpack list, a header and then one list of words
    per centibel of frequency (the list at index i holds the words of frequency 10**(-i/100))."""
    import msgpack  # wordfreq's own reader of this format; checked for by the caller

    with gzip.open(path, "rb") as packed:
        header, *buckets = msgpack.unpackb(packed.read(), raw=False)
    if not isinstance(header, dict) or header.get("format") != "cB":
        import wordfreq

        return wordfreq.get_frequency_dict("ar")
    result: dict[str, float] = {}
    for index, bucket in enumerate(buckets):
        result.update(dict.fromkeys(bucket, 10 ** (-index / 100)))
    return result


def zipf(frequency: float) -> float:
    """wordfreq's Zipf scale: log10 of occurrences per billion words (0 for unseen)."""
    return math.log10(frequency * 1e9) if frequency > 0 else 0.0


class StatisticalSplitter:
    """Chooses the enclitic of a bare word (no diacritics) or ``None``.

    ``enclitics`` are the candidates (longest first); ``probes`` the pronoun forms whose
    frequencies after a stem measure how readily it takes suffixes; ``prefixes`` the
    proclitic strings that may precede a stem.
    """

    def __init__(self, enclitics: tuple[Clitic, ...], probes: tuple[str, ...], prefixes: tuple[str, ...],
                 hosts: Mapping[str, str], never_split: frozenset[str], thresholds: Thresholds) -> None:
        self.enclitics = enclitics
        self.probes = probes
        self.prefixes = tuple(sorted(set(prefixes) | {""}, key=len))
        # Stripped to find the core word; the article is not, since it rules a split out.
        self.core_prefixes = tuple(p for p in self.prefixes if p and not p.endswith(ARTICLE) and not p.endswith(LAM + LAM))
        self.hosts = hosts
        self.never_split = never_split
        self.thresholds = thresholds
        self.freq = frequencies()

    def f(self, word: str) -> float:
        return self.freq.get(word, 0.0)

    def paradigm(self, stem: str, without: str = "") -> float:
        """How often ``stem`` occurs with pronoun suffixes (other than ``without``)."""
        return sum(self.freq.get(stem + e, 0.0) for e in self.probes if e != without)

    def restored(self, stem: str) -> str:
        """The stem's own spelling: teh marbuta, alef maksura, hamza seat, verbal -uu alef."""
        options = [stem]
        last = stem[-1:]
        if last == TEH:
            options.append(stem[:-1] + TEH_MARBUTA)
        elif last == ALEF:
            options.append(stem[:-1] + ALEF_MAKSURA)
        elif last == YEH:
            options.append(stem[:-1] + ALEF_MAKSURA)
        elif last == WAW:
            options.append(stem + ALEF)
        elif last in HAMZA_SEATS:
            options.extend(stem[:-1] + seat for seat in HAMZA_SEATS if seat != last)
        if len(stem) > 2 and stem[-2] == ALEF and last in (WAW_WITH_HAMZA_ABOVE, YEH_WITH_HAMZA_ABOVE):
            options.append(stem[:-1] + HAMZA)  # abna'uhu -> abna'
        # Prefer the original unless another spelling is clearly the common one.
        best = stem
        for option in options[1:]:
            if self.f(option) > 2 * self.f(best):
                best = option
        return best

    def host_stem(self, stem: str) -> str | None:
        """The citation form when ``stem`` is proclitics + a closed-class host."""
        for prefix in ("", *self.core_prefixes):  # never the article: al-mithl is not a host
            if stem.startswith(prefix) and stem[len(prefix):] in self.hosts:
                return prefix + self.hosts[stem[len(prefix):]]
        return None

    def split(self, word: str) -> tuple[Clitic, str] | None:
        """The enclitic to split off ``word`` and the stem's restored spelling, or ``None``."""
        candidates = [c for c in self.enclitics if word.endswith(c.form) and len(word) > len(c.form)]
        if not candidates:
            return None
        for prefix in self.prefixes:
            if word[len(prefix):] in self.never_split and word.startswith(prefix):
                return None
        for clitic in candidates:
            host = self.host_stem(word[:-len(clitic.form)])
            if host is not None and clitic.category == "pronoun":
                if clitic.dialect and zipf(self.f(word)) >= 2.0:
                    continue  # Gulf fi-sh is mostly the word fish "plug", not fi + -sh
                return clitic, host
        # The word as it stands first, then without the proclitics that leave the most
        # common word: baytihim is bayt + -him although yattahim ("accuses") is common.
        stripped = self._core(word)
        found = self._split_core(word, word, candidates, rival=self.f(stripped) if stripped != word else 0.0)
        if found is None and stripped != word:
            found = self._split_core(word, stripped, candidates)
        return found

    def _split_core(self, word: str, core: str, candidates: list[Clitic], rival: float = 0.0) -> tuple[Clitic, str] | None:
        """The split of ``core`` (``word`` without some proclitics); ``rival`` is the frequency
        of the word's proclitic-stripped reading, which a stem must beat (wa-yattahim is
        not wayt + -hum)."""
        if self._has_article(core):
            return None
        t = self.thresholds
        whole = self.f(core)
        own = self.paradigm(core)
        lexical = self.lexical(core)
        # Of the readings that fit, the one whose stem is the most common word wins;
        # the Gulf -l forms only where no pronoun reading fits.
        best: tuple[float, Clitic, str] | None = None
        for clitic in sorted(candidates, key=lambda c: c.category != "pronoun"):
            if best is not None and clitic.category != "pronoun":
                break
            stem = core[:-len(clitic.form)]
            if len(stem) < t.min_stem_letters or len(stem) < 3 and clitic.category != "pronoun":
                continue
            if lexical > t.lexical_ratio * whole:
                continue
            restored = self.restored(stem)
            stem_f = self._stem_frequency(restored)
            if stem_f < rival:
                continue
            if not self._plausible(core, stem, restored, stem_f, clitic, whole, own):
                continue
            if best is None or stem_f > best[0]:
                best = (stem_f, clitic, restored)
        if best is None:
            return None
        return best[1], word[:len(word) - len(core)] + best[2]

    def _stem_frequency(self, stem: str) -> float:
        """The frequency of ``stem``, or of its rest after proclitics if that is higher."""
        return max(self.f(stem[len(p):]) for p in self.prefixes if stem.startswith(p) and (not p or len(stem) - len(p) >= 3))

    def _stem_paradigm(self, stem: str, without: str) -> float:
        return max(self.paradigm(stem[len(p):], without) for p in self.prefixes
                   if stem.startswith(p) and (not p or len(stem) - len(p) >= 3))

    def _reliable_reading(self, core: str, stem: str, restored: str, form: str, whole: float) -> bool:
        """Cautious enclitics in the two contexts where they are rarely anything else."""
        if form == KAF and stem[:1] in IMPERFECT_PREFIXES and len(stem) >= 4:
            # -ka after an imperfect verb is "you" (yus'iduka, uhibbuka)
            return self._verb_like(restored) and zipf(self.f(restored)) >= 3.0 and self.f(restored) >= whole
        if form == YEH and stem.endswith(ALEF + TEH) and len(stem) >= 5:
            # -i after a feminine plural is "my" (munabbihati, tadhkirati); nisba
            # adjectives are not built on the plural
            return zipf(self.f(restored)) >= 2.0 and self.f(restored) >= whole
        return False

    def _noun_like(self, stem: str) -> bool:
        """Whether ``stem`` takes the article more often than past-tense verb endings."""
        verb = self.f(stem + TEH) + self.f(stem + WAW + ALEF)
        return self.f(ARTICLE + stem) > verb

    def _verb_like(self, stem: str) -> bool:
        """Whether ``stem`` rarely takes the article (verbs never do)."""
        return self.f(ARTICLE + stem) <= 0.02 * self.f(stem)

    def lexical(self, word: str) -> float:
        """How often ``word`` takes what a suffixed form cannot: the article, plural endings."""
        article = self.f(ARTICLE + word)
        if word.endswith(HEH) and article < 0.1 * self.f(ARTICLE + word[:-1] + TEH_MARBUTA):
            article = 0.0  # al-majmu'ah is al-majmu'a misspelt, not al- + majmu'ah
        return article + self.f(word + ALEF + TEH) + self.f(word + YEH + NOON)

    def _plausible(self, core: str, stem: str, restored: str, stem_f: float, clitic: Clitic,
                   whole: float, own: float) -> bool:
        t = self.thresholds
        form = clitic.form
        host = self._stem_paradigm(stem, without=form)
        if stem_f == 0 and host == 0:
            return False
        if form.endswith(ALEF) and len(core) > 3:
            # -ha, -na, -kuma end in alef, as does the accusative tanween of a word:
            # bayanan is bayan + an, not baya + na; mawjihan is mawjih + an.
            before = self.f(core[:-1])
            if before > whole and before > stem_f:
                return False
        if form == NOON + ALEF and stem[-1:] != ALEF:
            # -na after a past-tense verb is the subject "we" (qarrarna), an object only
            # after a defective stem (a'tana) or an imperfect verb (yumkinuna); after a
            # noun it is "our".
            if stem[:1] not in (YEH, TEH) and not self._noun_like(restored):
                return False
        if form == NOON + YEH:
            # -ni "me" attaches to verbs (akhbirni, dhakkirni), whose stems are often nouns
            # too (dhikr); words in -ni are otherwise nisba adjectives of -an nouns
            # (lubnani, insani), which take -iyya and the article.
            return (zipf(stem_f) >= t.min_stem_zipf + 0.5 and stem_f >= whole
                    and self.f(core + TEH_MARBUTA) <= t.lexical_ratio * whole)
        if clitic.category != "pronoun":
            # The Gulf -li/-lah/-lak attach to verbs, and need a common one.
            if not self._verb_like(restored) or zipf(stem_f) < t.min_common_zipf or stem_f < 30 * whole:
                return False
        if whole == 0 and len(form) > 1 and clitic.category == "pronoun":
            return True  # an unseen word ending in -ha, -hum, -kum after a known stem
        strict = form == NOON + ALEF or form in t.cautious_enclitics
        if stem_f < (whole if strict else 0.02 * whole):
            return False  # a suffixed form is rarer than its stem: korona is not koro + -na
        if self._reliable_reading(core, stem, restored, form, whole):
            return True
        if form in t.cautious_enclitics:
            own_f = self.f(restored)  # no proclitics stripped: fleming is not f-li-yamin + -g
            if zipf(own_f) < t.min_common_zipf or own_f < t.cautious_factor * whole or zipf(host) < t.min_host_zipf:
                return False
            if clitic.dialect and own_f < 30 * whole:
                return False  # Gulf -ch/-sh: most words ending in jeem or sheen are not suffixed
            if form == YEH and self.f(core + TEH_MARBUTA) > t.lexical_ratio * whole:
                return False  # nisba adjective: arabi / arabiyya
            if form == YEH and self._verb_like(restored):
                return False  # after a verb -i is the feminine subject (irsili "send!"), "me" is -ni
        if form == HEH and stem[-1:] != TEH and self.f(stem + TEH_MARBUTA) > 10 * whole:
            return False  # heh written for teh marbuta (qa'imah for qa'ima)
        if host < t.host_ratio * own:
            return False  # w takes suffixes itself: wajh-uhu, so wajh is not waj + -hu
        # The stem must be an established suffix host or a common word of its own.
        return zipf(host) >= t.min_host_zipf or zipf(stem_f) >= t.min_stem_zipf

    def _core(self, word: str) -> str:
        """``word`` without the proclitics that make its remainder the most common word."""
        best, best_f = word, self.f(word)
        for prefix in self.core_prefixes:
            rest = word[len(prefix):]
            if word.startswith(prefix) and len(rest) >= 2:
                rest_f = self.f(rest)
                if rest_f > best_f:
                    best, best_f = rest, rest_f
        return best

    def _has_article(self, word: str) -> bool:
        """Whether ``word`` has the article, after any proclitics (which rules out a possessive)."""
        return any(self._starts_with_article(word[len(p):]) for p in ("", *self.core_prefixes) if word.startswith(p))

    def _starts_with_article(self, core: str) -> bool:
        if core.startswith(ARTICLE) and len(core) > 3:
            # iltizam- and similar stems begin with alef-lam; the article is real when the
            # word without it is a word too.
            return self.f(core[2:]) > 0 or self.f(core) == 0
        if core.startswith(LAM + LAM) and len(core) > 3:
            return True  # li + al- written lil-
        return False
