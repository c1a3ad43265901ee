"""Consistent spelling: letter variants, digits, tatweel, presentation forms, spaces.

The groups, their defaults and the reasons for them are data in ``rules/normalize.yaml``;
``arabic-tools rules show normalize`` prints them. This module compiles the enabled
groups into one character map, chained so that one pass reaches a fixed point: the
result is idempotent, ``normalize(normalize(x)) == normalize(x)``.

Output is NFC when the ``compose`` group is on (the default); otherwise text keeps the
composition it came in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal, cast

from arabic_tools import rulebook
from arabic_tools.errors import OptionError


@dataclass(frozen=True)
class Group:
    """One switchable group of a normalize rule file."""

    name: str
    description: str
    default: bool | str
    maps: Mapping[bool | str, Mapping[str, str]]  # setting -> character map
    unicode_form: Literal["NFC", "NFD"] | None = None
    collapse_spaces: bool = False


@dataclass(frozen=True)
class NormalizeRules:
    groups: Mapping[str, Group]


def compile_rules(rules: rulebook.RuleFile) -> NormalizeRules:
    """Validate and compile a ``normalize`` rule file."""
    groups: dict[str, Group] = {}
    for name, spec in rules.get("groups", Mapping).items():
        entry = f"groups.{name}"
        rules.expect(entry, spec, Mapping)
        description = rules.get(f"{entry}.description", str)
        default = rules.get(f"{entry}.default", (bool, str))
        maps: dict[bool | str, Mapping[str, str]] = {False: {}}
        if "choices" in spec:
            choices = rules.get(f"{entry}.choices", Mapping)
            maps = {choice: rules.charmap(f"{entry}.choices.{choice}", value) for choice, value in choices.items()}
            if default not in maps:
                raise rules.error(f"{entry}.default", f"{default!r} is not one of the choices {sorted(maps)}")
        else:
            if not isinstance(default, bool):
                raise rules.error(f"{entry}.default", "must be true or false for a group without choices")
            table = rules.charmap(f"{entry}.map") if "map" in spec else {}
            if "compatibility" in spec:
                table.update(_compatibility_map(rules.charset(f"{entry}.compatibility")))
            maps[True] = table
        form = rules.get(f"{entry}.unicode_form", str, None)
        if form is not None and form not in ("NFC", "NFD"):
            raise rules.error(f"{entry}.unicode_form", f"{form!r} must be NFC or NFD")
        collapse = rules.get(f"{entry}.collapse_spaces", bool, False)
        groups[name] = Group(name, description, default, maps, cast(Literal["NFC", "NFD"] | None, form), collapse)
    compiled = NormalizeRules(groups)
    # Every default configuration must chain without cycles or conflicts.
    _build(rules, compiled, ())
    return compiled


def _compatibility_map(chars: frozenset[str]) -> dict[str, str]:
    """Map each assigned character to its NFKC form, where that differs."""
    table = {}
    for char in sorted(chars):
        if unicodedata.category(char) != "Cn":
            folded = unicodedata.normalize("NFKC", char)
            if folded != char:
                table[char] = folded
    return table


@dataclass(frozen=True)
class Normalizer:
    """A picklable transform that normalizes text.

    ``settings`` overrides group defaults as ``(group, value)`` pairs: ``True``/``False``
    for on/off groups, a choice name for groups with choices (``("digits", "arabic")``).
    The defaults and their reasons are in ``rules/normalize.yaml``.

    >>> Normalizer()("أحمد إلى آخر")
    'احمد الى اخر'
    >>> Normalizer((("digits", "arabic"),))("عام 2024")
    'عام ٢٠٢٤'
    """

    settings: tuple[tuple[str, bool | str], ...] = field(default=())

    blockwise: ClassVar[bool] = False  # spaces are trimmed at the ends of each line

    def __call__(self, text: str) -> str:
        return _compiled(rulebook.load("normalize"), self.settings)(text)


def normalize(text: str, **settings: bool | str) -> str:
    """Normalize ``text``; keyword arguments switch groups (``teh_marbuta=True``, ``digits="keep"``).

    >>> normalize("ﻻ تـــأكل")
    'لا تاكل'
    >>> normalize("مدرسة", teh_marbuta=True)
    'مدرسه'
    """
    return Normalizer(tuple(sorted(settings.items())))(text)


def groups() -> Mapping[str, Group]:
    """The groups of the current ``normalize`` rule file, in file order."""
    return _rules(rulebook.load("normalize")).groups


@functools.cache
def _rules(rules: rulebook.RuleFile) -> NormalizeRules:
    return compile_rules(rules)


@functools.cache
def _compiled(rules: rulebook.RuleFile, settings: tuple[tuple[str, bool | str], ...]) -> Callable[[str], str]:
    return _build(rules, _rules(rules), settings)


def _build(rules: rulebook.RuleFile, compiled: NormalizeRules,
           settings: tuple[tuple[str, bool | str], ...]) -> Callable[[str], str]:
    chosen = {name: group.default for name, group in compiled.groups.items()}
    for name, value in settings:
        if name not in compiled.groups:
            raise OptionError(f"unknown normalize group {name!r} (known: {', '.join(compiled.groups)})")
        if value not in compiled.groups[name].maps and not (value is True and compiled.groups[name].unicode_form):
            allowed = [str(v) for v in compiled.groups[name].maps if not isinstance(v, bool)] or ["on", "off"]
            raise OptionError(f"normalize group {name!r} cannot be set to {value!r} (choose {', '.join(allowed)})")
        chosen[name] = value
    table: dict[str, str] = {}
    owner: dict[str, str] = {}
    form: Literal["NFC", "NFD"] | None = None
    collapse = False
    for name, group in compiled.groups.items():
        setting = chosen[name]
        if setting is False:
            continue
        form = group.unicode_form or form
        collapse = collapse or group.collapse_spaces
        for char, target in group.maps.get(setting, {}).items():
            if char in table and table[char] != target:
                raise rules.error(f"groups.{name}", f"U+{ord(char):04X} is also mapped by group {owner[char]!r}")
            table[char] = target
            owner[char] = name
    return _Pipeline(_chain(rules, table), form, collapse)


def _chain(rules: rulebook.RuleFile, table: dict[str, str]) -> dict[str, str]:
    """Apply the map to its own values until nothing changes, so one pass is enough."""
    chained = {}
    for char in table:
        value, seen = table[char], {char}
        while any(c in table for c in value):
            value = "".join(table.get(c, c) for c in value)
            if len(seen) > len(table):
                raise rules.error("groups", f"the maps of U+{ord(char):04X} form a cycle")
            seen.add(value)
        chained[char] = value
    return chained


class _Pipeline:
    """The compiled normalizer: optional Unicode form, one regex pass, space collapsing."""

    _SPACES = re.compile(" {2,}")

    def __init__(self, table: dict[str, str], form: Literal["NFC", "NFD"] | None, collapse: bool) -> None:
        self.table = table
        self.pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(table)) + "]") if table else None
        self.form = form
        self.collapse = collapse

    def _map(self, text: str) -> str:
        if self.pattern is not None:
            text = self.pattern.sub(lambda m: self.table[m[0]], text)
        if self.collapse:
            text = self._SPACES.sub(" ", text).strip(" ")
        return text

    def __call__(self, text: str) -> str:
        if self.form is None:
            return self._map(text)
        text = unicodedata.normalize(self.form, text)
        while True:
            # Deleting a character between two marks can leave text that composes
            # further; repeat until the mapped text is stable under the Unicode form.
            text = self._map(text)
            if unicodedata.is_normalized(self.form, text):
                return text
            text = unicodedata.normalize(self.form, text)
