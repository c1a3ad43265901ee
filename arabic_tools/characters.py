"""The shared character inventory of ``rules/characters.yaml``, compiled."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from arabic_tools import rulebook


@dataclass(frozen=True)
class Inventory:
    """Named diacritics, letter-part marks and letter classes.

    ``diacritics`` maps each name that ``strip-diacritics --keep`` accepts to its
    characters; ``marks`` is every combining mark a letter can carry (diacritics and
    letter parts), which is what a mark cluster is made of.
    """

    diacritics: Mapping[str, frozenset[str]]
    keep_by_default: tuple[str, ...]
    letter_marks: frozenset[str]
    letter_classes: Mapping[str, frozenset[str]]

    @property
    def marks(self) -> frozenset[str]:
        return frozenset().union(self.letter_marks, *self.diacritics.values())

    def diacritic_chars(self, names: frozenset[str] | set[str] | tuple[str, ...]) -> frozenset[str]:
        """The characters of the named diacritics."""
        return frozenset().union(*(self.diacritics[name] for name in names))


def compile_inventory(rules: rulebook.RuleFile) -> Inventory:
    """Validate and compile a ``characters`` rule file."""
    diacritics = {
        name: rules.charset(f"diacritics.{name}", chars)
        for name, chars in rules.get("diacritics", Mapping).items()
    }
    keep = rules.get("keep_by_default", tuple)
    for i, name in enumerate(keep):
        if name not in diacritics:
            raise rules.error(f"keep_by_default[{i}]", f"{name!r} is not a diacritic named under 'diacritics'")
    letter_marks = rules.charset("letter_marks")
    seen: dict[str, str] = {}
    for name, chars in diacritics.items():
        for char in chars & letter_marks:
            raise rules.error(f"diacritics.{name}", f"U+{ord(char):04X} is also listed as a letter mark")
        for char in chars:
            if char in seen:
                raise rules.error(f"diacritics.{name}", f"U+{ord(char):04X} is already in {seen[char]!r}")
            seen[char] = name
    classes = {
        name: rules.charset(f"letter_classes.{name}", chars)
        for name, chars in rules.get("letter_classes", Mapping).items()
    }
    for required in ("arabic_letters", "alef_seats", "tatweel"):
        if required not in classes:
            raise rules.error(f"letter_classes.{required}", "is missing")
    return Inventory(MappingProxyType(diacritics), tuple(keep), letter_marks, MappingProxyType(classes))


def inventory(rules: rulebook.RuleFile | None = None) -> Inventory:
    """The compiled inventory of ``rules``, by default the ``characters`` file in use; cached."""
    return _compiled(rulebook.load("characters") if rules is None else rules)


@functools.cache
def _compiled(rules: rulebook.RuleFile) -> Inventory:
    return compile_inventory(rules)
