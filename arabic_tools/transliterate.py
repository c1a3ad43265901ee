"""Transliterate between Arabic script and the Buckwalter family of schemes.

The character tables are camel-tools' own (``CharMapper.builtin_mapper``); the schemes
and which tables they use are data in ``rules/transliterate.yaml``. Converting between
two romanizations goes through Arabic script, which camel-tools' tables make exact for
every character the schemes cover.

Characters a scheme does not cover pass through unchanged. A romanization therefore
round-trips only for text whose Latin letters are all transliterations: Latin words in
the Arabic input come back as Arabic letters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from arabic_tools import rulebook
from arabic_tools.errors import OptionError

ARABIC = "ar"


@dataclass(frozen=True)
class Scheme:
    name: str
    description: str
    from_arabic: str
    to_arabic: str


def compile_schemes(rules: rulebook.RuleFile) -> Mapping[str, Scheme]:
    """Validate a ``transliterate`` rule file; every named camel-tools map must exist."""
    from camel_tools.utils.charmap import CharMapper

    schemes = {}
    for name, spec in rules.get("schemes", Mapping).items():
        entry = f"schemes.{name}"
        if name == ARABIC:
            raise rules.error(entry, f"{ARABIC!r} is reserved for Arabic script")
        fields = {key: rules.get(f"{entry}.{key}", str) for key in ("description", "from_arabic", "to_arabic")}
        for key in ("from_arabic", "to_arabic"):
            if fields[key] not in CharMapper.BUILTIN_CHARMAPS:
                raise rules.error(f"{entry}.{key}", f"{fields[key]!r} is not a camel-tools character map")
        schemes[name] = Scheme(name, **fields)
    return schemes


def schemes() -> Mapping[str, Scheme]:
    """The schemes of the current rule file."""
    return _schemes(rulebook.load("transliterate"))


@functools.cache
def _schemes(rules: rulebook.RuleFile) -> Mapping[str, Scheme]:
    return compile_schemes(rules)


@dataclass(frozen=True)
class Transliterator:
    """A picklable transform from scheme ``source`` to scheme ``target`` (``"ar"`` is Arabic).

    >>> Transliterator("ar", "bw")("مَرْحَبًا")
    'maroHabFA'
    >>> Transliterator("bw", "ar")("maroHabFA")
    'مَرْحَبًا'
    """

    source: str = ARABIC
    target: str = "bw"

    blockwise: ClassVar[bool] = True  # character for character; line breaks pass through

    def __call__(self, text: str) -> str:
        return _mapper(rulebook.load("transliterate"), self.source, self.target)(text)


def transliterate(text: str, source: str = ARABIC, target: str = "bw") -> str:
    """Transliterate ``text`` from scheme ``source`` to scheme ``target``.

    >>> transliterate("كِتاب", target="hsb")
    'kitAb'
    """
    return Transliterator(source, target)(text)


@functools.cache
def _mapper(rules: rulebook.RuleFile, source: str, target: str) -> Callable[[str], str]:
    from camel_tools.utils.charmap import CharMapper

    known = _schemes(rules)
    for name in (source, target):
        if name != ARABIC and name not in known:
            raise OptionError(f"unknown scheme {name!r} (known: {', '.join([ARABIC, *known])})")
    if source == target:
        raise OptionError(f"source and target are both {source!r}")
    steps = []
    if source != ARABIC:
        steps.append(CharMapper.builtin_mapper(known[source].to_arabic))
    if target != ARABIC:
        steps.append(CharMapper.builtin_mapper(known[target].from_arabic))
    return functools.partial(_apply, tuple(steps))


def _apply(steps: tuple[Callable[[str], str], ...], text: str) -> str:
    for step in steps:
        text = step(text)
    return text
