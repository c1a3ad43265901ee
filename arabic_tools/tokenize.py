"""Affix-splitting tokenization for NLU: words, punctuation and pronoun enclitics.

Text is cut into words, numbers, Latin (non-Arabic) words and punctuation, joined
by single spaces; pronoun enclitics are split off their stems as tokens of their own,
written with a marker (``كلام +ه``), because NLU slot tags treat "my" in "my music"
as its own slot. Proclitics (wa-, fa-, bi-, li-, ka-, sa-, al-) stay attached unless
their categories are chosen too; a split proclitic carries the marker after it
(``و+ كتاب``).

The output is lossless: deleting each marker with the space beside it gives back
the input's characters (no normalization, diacritics kept), unless ``restore_stem``
asks for the stem's own spelling (``سيارت +ي`` becomes ``سيارة +ي``).

Which enclitics exist and their categories is ``rules/clitics.yaml`` (shared with
resample and khaleeji); how words are cut, the closed-class hosts, the exceptions and
the statistical thresholds are ``rules/tokenize.yaml``. The decision itself comes from
a backend: ``statistics`` (word frequencies of the ``wordfreq`` package, works offline
on a fresh install) or ``morphology`` (the camel-tools analyzer with a database).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Protocol

from arabic_tools import rulebook
from arabic_tools.clitics import Clitic, Clitics, clitics
from arabic_tools.errors import OptionError
from arabic_tools.tokenize_statistics import StatisticalSplitter, Thresholds, zipf

KINDS = ("word", "enclitic", "proclitic", "punctuation", "number", "latin")
FORMATS = ("text", "jsonl")
BACKENDS = ("statistics", "morphology")
PROCLITIC_CATEGORIES = ("conjunction", "preposition", "future", "article")
CARRIAGE_RETURN = "\r"


@dataclass(frozen=True)
class TokenizeRules:
    """A compiled ``tokenize`` rule file."""

    marker: str
    default_split: tuple[str, ...]
    word_characters: frozenset[str]
    ignored_characters: frozenset[str]
    hosts: Mapping[str, str]
    never_split: frozenset[str]
    thresholds: Thresholds


def compile_rules(rules: rulebook.RuleFile) -> TokenizeRules:
    """Validate and compile a ``tokenize`` rule file."""
    marker = rules.get("marker", str)
    default_split = tuple(rules.expect(f"default_split[{i}]", c, str)
                          for i, c in enumerate(rules.get("default_split", tuple)))
    hosts: dict[str, str] = {}
    for i, spec in enumerate(rules.get("hosts", tuple)):
        entry = f"hosts[{i}]"
        rules.expect(entry, spec, Mapping)
        unknown = set(spec) - {"host", "stem"}
        if unknown:
            raise rules.error(entry, f"unknown field {sorted(unknown)[0]!r}")
        host = rules.expect(f"{entry}.host", spec.get("host"), str)
        stem = rules.expect(f"{entry}.stem", spec.get("stem", host), str)
        if not host:
            raise rules.error(f"{entry}.host", "must not be empty")
        if host in hosts:
            raise rules.error(f"{entry}.host", f"{host!r} is listed twice")
        hosts[host] = stem
    never = [rules.expect(f"never_split[{i}]", w, str) for i, w in enumerate(rules.get("never_split", tuple))]
    if len(set(never)) != len(never):
        raise rules.error("never_split", "lists a word twice")
    stats = "statistics"
    thresholds = Thresholds(
        min_stem_letters=rules.get(f"{stats}.min_stem_letters", int),
        min_host_zipf=float(rules.get(f"{stats}.min_host_zipf", (int, float))),
        host_ratio=float(rules.get(f"{stats}.host_ratio", (int, float))),
        lexical_ratio=float(rules.get(f"{stats}.lexical_ratio", (int, float))),
        cautious_enclitics=frozenset(rules.expect(f"{stats}.cautious_enclitics[{i}]", form, str) for i, form
                                     in enumerate(rules.get(f"{stats}.cautious_enclitics", tuple))),
        cautious_factor=float(rules.get(f"{stats}.cautious_factor", (int, float))),
        min_stem_zipf=float(rules.get(f"{stats}.min_stem_zipf", (int, float))),
        min_common_zipf=float(rules.get(f"{stats}.min_common_zipf", (int, float))),
    )
    return TokenizeRules(marker, default_split, rules.charset("word_characters"),
                         rules.charset("ignored_characters"), MappingProxyType(hosts),
                         frozenset(never), thresholds)


@dataclass(frozen=True)
class Token:
    """One output token: its text, its span ``[start, end)`` in the input and its kind.

    ``text`` is the input's characters, except for a stem under ``restore_stem``; an
    enclitic's or proclitic's text carries no marker. ``category`` names the clitic
    category of an enclitic or proclitic (``pronoun``, ``conjunction`` ...).
    """

    text: str
    start: int
    end: int
    kind: str
    category: str = ""

    def as_dict(self) -> dict[str, str | int]:
        record: dict[str, str | int] = {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind}
        if self.category:
            record["category"] = self.category
        return record


@dataclass(frozen=True)
class Tokenizer:
    """A picklable transform: text in, tokens separated by single spaces out.

    Options (defaults from ``rules/tokenize.yaml`` where marked):

    - ``split``: clitic categories to split (``pronoun``, ``indirect_object``,
      ``conjunction``, ``preposition``, ``future``, ``article``); ``()`` means the rule
      file's ``default_split``, the pronominal enclitics.
    - ``marker``: written before a split enclitic and after a split proclitic;
      ``None`` means the rule file's marker, ``+``.
    - ``restore_stem``: write a stem in its own spelling (teh marbuta, alef maksura,
      hamza seat); off by default because it is not lossless.
    - ``format``: ``text`` (default) or ``jsonl``, one JSON object per line with each
      token's text, character offsets into the input and kind.
    - ``backend``: ``statistics`` (default: word frequencies from ``wordfreq``, offline)
      or ``morphology`` (the camel-tools analyzer, statistics breaking its ties).
    - ``database``: the camel-tools morphology database for ``morphology``.

    >>> Tokenizer()("قال إنه يحب كلامها.")
    'قال إن +ه يحب كلام +ها .'
    >>> Tokenizer(restore_stem=True)("سيارتي")
    'سيارة +ي'
    """

    split: tuple[str, ...] = ()
    marker: str | None = None
    restore_stem: bool = False
    format: str = "text"
    backend: str = "statistics"
    database: str | None = None

    blockwise: ClassVar[bool] = True  # lines never interact: whole blocks may be mapped at once

    def __call__(self, text: str) -> str:
        return self.engine().transform(text)

    def tokens(self, text: str) -> list[Token]:
        """The tokens of one line of ``text``."""
        return self.engine().tokens(text)

    def engine(self) -> _Engine:
        return _engine(rulebook.load("tokenize"), rulebook.load("clitics"), self)


def tokenize(text: str, **options: object) -> str:
    """Tokenize ``text``; keyword arguments are the options of ``Tokenizer``.

    >>> tokenize("وجه الله")
    'وجه الله'
    >>> tokenize("في بيتهم", marker="##")
    'في بيت ##هم'
    """
    if "split" in options and isinstance(options["split"], list):
        options["split"] = tuple(options["split"])
    return Tokenizer(**options)(text)  # type: ignore[arg-type]


def pronoun_splitter() -> Callable[[str], tuple[str, str] | None]:
    """A function giving the pronoun enclitic the default tokenizer splits off a bare word
    (no marks or tatweel) and the stem in its own spelling, or ``None`` if it keeps the
    word whole. Other commands use it to tell a suffixed word from a word of its own.

    >>> split = pronoun_splitter()
    >>> split("سيارتي")
    ('ي', 'سيارة')
    >>> split("الرشيدي") is None
    True
    """
    statistics = Tokenizer().engine().statistics

    def split(word: str) -> tuple[str, str] | None:
        decision = statistics.split(word)
        return None if decision is None else (decision[0].form, decision[1])

    return split


@functools.cache
def _engine(rules: rulebook.RuleFile, clitic_rules: rulebook.RuleFile, options: Tokenizer) -> _Engine:
    return _Engine(compile_rules(rules), clitics(clitic_rules), options)


def _char_class(chars: frozenset[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


class _Engine:
    """Compiled state of one Tokenizer configuration: patterns, splitter, a word cache."""

    CACHE_LIMIT = 1 << 20

    def __init__(self, rules: TokenizeRules, clitics: Clitics, options: Tokenizer) -> None:
        if options.format not in FORMATS:
            raise OptionError(f"unknown format {options.format!r} (choose {', '.join(FORMATS)})")
        if options.backend not in BACKENDS:
            raise OptionError(f"unknown backend {options.backend!r} (choose {', '.join(BACKENDS)})")
        categories = options.split or rules.default_split
        unknown = [c for c in categories if c not in clitics.categories]
        if unknown:
            raise OptionError(f"unknown clitic category {unknown[0]!r} (known: {', '.join(clitics.categories)})")
        self.marker = rules.marker if options.marker is None else options.marker
        if any(c.isspace() for c in self.marker):
            raise OptionError("the marker must not contain spaces")
        self.restore_stem = options.restore_stem
        self.jsonl = options.format == "jsonl"
        self.ignored = rules.ignored_characters
        self.proclitic_categories = frozenset(c for c in categories if c in PROCLITIC_CATEGORIES)
        self.prefixes = _prefixes(clitics)
        enclitics = tuple(c for c in clitics.enclitics if c.category in categories)
        probes = tuple(c.form for c in clitics.enclitics if c.category == "pronoun" and not c.dialect)
        word = _char_class(rules.word_characters)
        patterns = {
            "word": f"[{word}]+",
            "number": r"\d+(?:[.,:\u060C\u066B\u066C]\d+)*",  # 3.5, 17،2, 6:30 stay whole
            "latin": rf"(?:[^\W\d_{word}]|[\u0300-\u036F])+",
            "punctuation": r"\S",
        }
        self.pattern = re.compile("|".join(patterns.values()))
        self.named = re.compile("|".join(f"(?P<{k}>{p})" for k, p in patterns.items()))
        self.word = re.compile(f"[{word}]+")
        self.ignored_re = re.compile(f"[{_char_class(self.ignored)}]")
        self.statistics = StatisticalSplitter(enclitics, probes, tuple(self.prefixes), rules.hosts,
                                              rules.never_split, rules.thresholds)
        self.splitter: Splitter = self.statistics
        if options.backend == "morphology":
            from arabic_tools.tokenize_morphology import MorphologySplitter

            self.splitter = MorphologySplitter(options.database, self.statistics)
        elif options.database is not None:
            raise OptionError("--db is used only with --backend morphology")
        # Proclitic decisions look at the word without its enclitic whatever is split.
        pronouns = tuple(c for c in clitics.enclitics if c.category == "pronoun")
        self.analyser = StatisticalSplitter(pronouns, probes, tuple(self.prefixes), rules.hosts,
                                            rules.never_split, rules.thresholds)
        self.cache: dict[str, tuple[Token, ...]] = {}
        self.rendered = _Memo(self._render_chunk)

    # -- text

    def transform(self, text: str) -> str:
        line = self._json_line if self.jsonl else self._text_line
        if "\n" not in text:
            return line(text)
        lines = text.split("\n")
        last = lines.pop()  # after the last line break: a final line without ending, or nothing
        return "\n".join([*map(line, lines), line(last) if last else ""])

    def _text_line(self, line: str) -> str:
        ending = CARRIAGE_RETURN if line.endswith(CARRIAGE_RETURN) else ""
        if len(self.rendered) > self.CACHE_LIMIT:
            self.rendered.clear()
        # Whitespace-separated chunks are rendered once and then looked up, so the
        # per-line work is str.split, a dict lookup per chunk and a join, all in C.
        return " ".join(map(self.rendered.__getitem__, line.split())) + ending

    def _render_chunk(self, chunk: str) -> str:
        return " ".join(self._render(token) for token in self.pattern.findall(chunk))

    def _render(self, token: str) -> str:
        pieces = self._analyse(token)
        marker = self.marker
        parts = []
        for piece in pieces:
            if piece.kind == "enclitic":
                parts.append(marker + piece.text)
            elif piece.kind == "proclitic":
                parts.append(piece.text + marker)
            else:
                parts.append(piece.text)
        return " ".join(parts)

    def _json_line(self, line: str) -> str:
        ending = CARRIAGE_RETURN if line.endswith(CARRIAGE_RETURN) else ""
        if ending:
            line = line[:-1]
        tokens = [t.as_dict() for t in self.tokens(line)]
        return json.dumps({"tokens": tokens}, ensure_ascii=False) + ending

    def tokens(self, line: str) -> list[Token]:
        result: list[Token] = []
        for match in self.named.finditer(line):
            kind = match.lastgroup or "punctuation"
            start = match.start()
            if kind != "word":
                result.append(Token(match.group(), start, match.end(), kind))
                continue
            for piece in self._analyse(match.group()):
                result.append(Token(piece.text, piece.start + start, piece.end + start, piece.kind, piece.category))
        return result

    # -- words

    def _analyse(self, token: str) -> tuple[Token, ...]:
        """The pieces of one token, with offsets relative to the token."""
        cached = self.cache.get(token)
        if cached is not None:
            return cached
        if len(self.cache) > self.CACHE_LIMIT:
            self.cache.clear()
        if not self.word.fullmatch(token):
            kind = "number" if token[0].isdigit() else "latin" if token[0].isalnum() else "punctuation"
            pieces: tuple[Token, ...] = (Token(token, 0, len(token), kind),)
        else:
            pieces = self._split_word(token)
        self.cache[token] = pieces
        return pieces

    def _split_word(self, token: str) -> tuple[Token, ...]:
        positions = [i for i, c in enumerate(token) if c not in self.ignored]
        bare = "".join(token[i] for i in positions)
        whole = (Token(token, 0, len(token), "word"),)
        if len(bare) < 2:
            return whole
        decision = self.splitter.split(bare)
        prefix_pieces: list[Token] = []
        begin = 0
        if self.proclitic_categories:
            prefix_pieces, consumed = self._proclitics(bare, token, positions)
            if prefix_pieces:
                begin = prefix_pieces[-1].end
                if decision is not None and len(bare) - len(decision[0].form) <= consumed:
                    decision = None
        if decision is None:
            return (*prefix_pieces, Token(token[begin:], begin, len(token), "word"))
        clitic, restored = decision
        cut = positions[len(bare) - len(clitic.form)]
        stem = token[begin:cut]
        if self.restore_stem:
            stem = self._restore(token, positions, bare[:len(bare) - len(clitic.form)], restored, begin)
        return (*prefix_pieces, Token(stem, begin, cut, "word"),
                Token(token[cut:], cut, len(token), "enclitic", clitic.category))

    def _restore(self, token: str, positions: list[int], stem: str, restored: str, begin: int) -> str:
        """The stem written as ``restored``, keeping the marks of the unchanged letters."""
        if restored == stem:
            return token[begin:positions[len(stem)]]  # up to the enclitic, marks included
        same = 0
        while same < min(len(stem), len(restored)) and stem[same] == restored[same]:
            same += 1
        keep_until = positions[same] if same < len(positions) else len(token)
        start_letter = sum(1 for p in positions if p < begin)
        if same < start_letter:  # the change reaches into a split proclitic: write the letters bare
            return restored[start_letter:]
        return token[begin:keep_until] + restored[same:]

    def _proclitics(self, bare: str, token: str, positions: list[int]) -> tuple[list[Token], int]:
        """Split proclitics of the chosen categories off the front, when statistics agree."""
        splitter = self.statistics
        # The longest proclitic string whose remainder is a common word (Zipf >= 3),
        # more common than the whole: wa-al-kitab, but not wa-zir for wazir.
        best: tuple[tuple[_Proclitic, ...], str] | None = None
        whole_f = splitter.f(bare)
        if bare in splitter.never_split:
            return [], 0
        for string, parts in self.prefixes.items():
            rest = bare[len(string):]
            if not bare.startswith(string) or len(rest) < 2 or rest in splitter.never_split:
                continue
            rest_f = max(splitter.f(rest), splitter.f(_without_enclitic(self.analyser, rest)))
            # A definite form is often commoner than the bare word (al-kitab, kitab); a
            # remainder a twentieth as common is enough after the article.
            needed = 0.05 * whole_f if parts[-1].category == "article" else whole_f
            if rest_f > needed and zipf(rest_f) >= 3.0:
                best = (parts, string)
        if best is None:
            return [], 0
        parts, string = best
        pieces: list[Token] = []
        letter = 0
        for clitic in parts:
            if clitic.category not in self.proclitic_categories:
                break  # later proclitics stay attached to the word when an earlier one is not split
            start = positions[letter]
            letter += len(clitic.written)
            end = positions[letter]
            pieces.append(Token(token[start:end], start, end, "proclitic", clitic.category))
        return pieces, letter


class _Memo(dict[str, str]):
    """A dict that computes a missing value with ``function`` and keeps it."""

    def __init__(self, function: Callable[[str], str]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: str) -> str:
        value = self[key] = self.function(key)
        return value


@dataclass(frozen=True)
class _Proclitic:
    written: str
    category: str


def _prefixes(clitics: Clitics) -> dict[str, tuple[_Proclitic, ...]]:
    """Every proclitic string (conjunction, then preposition or future, then article),
    as written (li + al- is lil-), mapped to its parts."""
    slots: list[list[Clitic]] = [
        [c for c in clitics.proclitics if c.category == "conjunction"],
        [c for c in clitics.proclitics if c.category in ("preposition", "future")],
        [c for c in clitics.proclitics if c.category == "article"],
    ]
    result: dict[str, tuple[_Proclitic, ...]] = {}
    combos: list[tuple[Clitic, ...]] = [()]
    for slot in slots:
        combos = combos + [(*combo, c) for combo in combos for c in slot]
    for combo in combos:
        if not combo:
            continue
        written = [c.form for c in combo]
        for i in range(len(combo) - 1, 0, -1):
            joined = clitics.attach(combo[i - 1].form, combo[i].form)
            if joined != combo[i - 1].form + combo[i].form:
                written[i] = joined[len(combo[i - 1].form):]
        parts = tuple(_Proclitic(w, c.category) for w, c in zip(written, combo))
        result.setdefault("".join(written), parts)
    return dict(sorted(result.items(), key=lambda kv: len(kv[0])))


def _without_enclitic(splitter: Splitter, word: str) -> str:
    decision = splitter.split(word)
    return word if decision is None else word[:len(word) - len(decision[0].form)]


class Splitter(Protocol):
    """What a backend provides: the enclitic to split off a bare word, and the stem's spelling."""

    def split(self, word: str) -> tuple[Clitic, str] | None: ...

