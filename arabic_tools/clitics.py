"""The shared clitic inventory of ``rules/clitics.yaml``, compiled.

tokenize splits enclitics by category, resample re-attaches proclitics to slot values,
and khaleeji rewrites pronoun suffixes; all three read the clitics from here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from arabic_tools import rulebook


@dataclass(frozen=True)
class Clitic:
    form: str
    category: str
    person: str = ""
    dialect: str = ""


@dataclass(frozen=True)
class Clitics:
    """Proclitics and enclitics (longest form first), their categories and joins."""

    categories: Mapping[str, str]
    proclitics: tuple[Clitic, ...]
    enclitics: tuple[Clitic, ...]
    joins: Mapping[tuple[str, str], str]

    def attach(self, proclitics: str, word: str) -> str:
        """Write the proclitic string ``proclitics`` before ``word``, applying the joins.

        >>> c = clitics()
        >>> c.attach("\\u0644", "\\u0627\\u0644\\u0628\\u064a\\u062a")   # li + al-bayt
        'للبيت'
        >>> c.attach("\\u0648\\u0628", "\\u0627\\u0644\\u0628\\u064a\\u062a")  # wa + bi + al-bayt
        'وبالبيت'
        """
        if proclitics:
            last = proclitics[-1]
            for (proclitic, before), result in self.joins.items():
                if last == proclitic and word.startswith(before):
                    return proclitics[:-1] + result + word[len(before):]
        return proclitics + word


def compile_clitics(rules: rulebook.RuleFile) -> Clitics:
    """Validate and compile a ``clitics`` rule file."""
    categories = rules.get("categories", Mapping)
    for name, text in categories.items():
        rules.expect(f"categories.{name}", text, str)
    lists = {}
    for section in ("proclitics", "enclitics"):
        items = []
        for i, spec in enumerate(rules.get(section, tuple)):
            entry = f"{section}[{i}]"
            rules.expect(entry, spec, Mapping)
            fields = {key: rules.expect(f"{entry}.{key}", value, str) for key, value in spec.items()}
            unknown = set(fields) - {"form", "category", "person", "dialect"}
            if unknown:
                raise rules.error(entry, f"unknown field {sorted(unknown)[0]!r}")
            if not fields.get("form"):
                raise rules.error(f"{entry}.form", "is missing")
            if fields.get("category") not in categories:
                raise rules.error(f"{entry}.category", f"{fields.get('category')!r} is not one of the categories")
            items.append(Clitic(**fields))
        lists[section] = tuple(sorted(items, key=lambda c: -len(c.form)))
    joins = {}
    for i, spec in enumerate(rules.get("joins", tuple, ())):
        entry = f"joins[{i}]"
        rules.expect(entry, spec, Mapping)
        proclitic, before, result = (rules.expect(f"{entry}.{key}", spec.get(key), str)
                                     for key in ("proclitic", "before", "result"))
        joins[(proclitic, before)] = result
    return Clitics(MappingProxyType(dict(categories)), lists["proclitics"], lists["enclitics"], MappingProxyType(joins))


def clitics(rules: rulebook.RuleFile | None = None) -> Clitics:
    """The compiled clitics of ``rules``, by default the ``clitics`` file in use; cached."""
    return _compiled(rulebook.load("clitics") if rules is None else rules)


@functools.cache
def _compiled(rules: rulebook.RuleFile) -> Clitics:
    return compile_clitics(rules)
