"""Find, load, validate and cache the YAML rule files.

Every command reads its rules from ``rules/*.yaml`` through this module. A rule file is
read at most once per process (``load`` is cached), parsed with the safe YAML loader and
frozen, so callers cannot corrupt the cache. Validation is the job of the module that
owns a rule kind; this module gives it the helpers (``RuleFile.charset``,
``RuleFile.charmap``, ``RuleFile.error``) that make every failure name the file and
the entry.

Users overlay their own rule files without editing the package: directories named in
``ARABIC_TOOLS_RULES`` (``os.pathsep``-separated; the CLI's ``--rules DIR`` prepends to
it) are searched before the shipped ``rules/``. A file found there replaces the shipped
file of the same name, and a new name adds a new rule file (a khaleeji profile, say).
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from arabic_tools.errors import RuleError

ENVIRONMENT_VARIABLE = "ARABIC_TOOLS_RULES"

# Each rule kind names the function that compiles (and thereby validates) a file of
# that kind. ``check`` calls it, so a file is valid exactly when its command can use it.
KINDS: dict[str, str] = {
    "characters": "arabic_tools.characters:compile_inventory",
    "normalize": "arabic_tools.normalize:compile_rules",
    "transliterate": "arabic_tools.transliterate:compile_schemes",
    "clitics": "arabic_tools.clitics:compile_clitics",
    "resample": "arabic_tools.resample:compile_rules",
    "tokenize": "arabic_tools.tokenize:compile_rules",
    "latinize": "arabic_tools.latinize:compile_rules",
    "latinize-context": "arabic_tools.latinize_context:compile_context",
    "khaleeji": "arabic_tools.khaleeji:compile_profile",
}


def rules_dir() -> Traversable:
    """rules/ as shipped inside the wheel, or beside the package in a checkout."""
    shipped = importlib.resources.files("arabic_tools") / "rules"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / "rules"


def search_path() -> tuple[Traversable, ...]:
    """The directories searched for rule files, first match wins."""
    return _search_path(os.environ.get(ENVIRONMENT_VARIABLE, ""))


@functools.cache
def _search_path(overlays: str) -> tuple[Traversable, ...]:
    # Cached: transforms look their rules up on every call, so this must be cheap.
    dirs: list[Traversable] = [Path(d) for d in overlays.split(os.pathsep) if d]
    return (*dirs, rules_dir())


def add_overlay(directory: str | os.PathLike[str]) -> None:
    """Search ``directory`` before every other rule directory (what ``--rules`` does).

    It is recorded in the environment so that worker processes see it too.
    """
    path = Path(directory)
    if not path.is_dir():
        raise RuleError(f"{directory}: not a directory of rule files")
    current = os.environ.get(ENVIRONMENT_VARIABLE, "")
    os.environ[ENVIRONMENT_VARIABLE] = os.pathsep.join(filter(None, [str(path.resolve()), current]))


@dataclass(frozen=True, eq=False)
class RuleFile:
    """One parsed rule file: its name, where it came from, and its frozen content.

    Instances compare and hash by identity, so topic modules can cache what they
    compile from a file with ``functools.cache``.
    """

    name: str
    origin: str
    data: Mapping[str, Any]

    @property
    def description(self) -> str:
        return str(self.data["description"])

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    def error(self, entry: str, message: str) -> RuleError:
        """A RuleError naming this file and ``entry`` (a dotted path such as ``groups.alef``)."""
        where = f"{self.origin}: {entry}" if entry else self.origin
        return RuleError(f"{where}: {message}")

    def get(self, entry: str, expected: type | tuple[type, ...], default: Any = ...) -> Any:
        """The value at dotted path ``entry``, checked to be of type ``expected``."""
        value: Any = self.data
        for part in entry.split("."):
            if not isinstance(value, Mapping) or part not in value:
                if default is not ...:
                    return default
                raise self.error(entry, "is missing")
            value = value[part]
        return self.expect(entry, value, expected)

    def expect(self, entry: str, value: Any, expected: type | tuple[type, ...]) -> Any:
        """``value`` itself, or a RuleError if it is not of type ``expected``."""
        if not isinstance(value, expected):
            names = {Mapping: "a mapping", tuple: "a list", str: "a quoted string",
                     bool: "true or false", int: "a whole number", float: "a number"}
            wanted = expected if isinstance(expected, tuple) else (expected,)
            said = " or ".join(names.get(t, t.__name__) for t in wanted)
            raise self.error(entry, f"{value!r} must be {said}")
        return value

    def charset(self, entry: str, value: Any = ...) -> frozenset[str]:
        """A set of characters written as a list of single characters and ranges ``"X-Y"``."""
        items = self.get(entry, (tuple, str)) if value is ... else self.expect(entry, value, (tuple, str))
        if isinstance(items, str):
            items = (items,)
        chars: set[str] = set()
        for i, item in enumerate(items):
            chars.update(_expand(self, f"{entry}[{i}]", self.expect(f"{entry}[{i}]", item, str)))
        return frozenset(chars)

    def charmap(self, entry: str, value: Any = ...) -> dict[str, str]:
        """A character map: keys are one character or a range ``"X-Y"``, values strings.

        ``""`` as a value deletes the character.
        """
        mapping = self.get(entry, Mapping) if value is ... else self.expect(entry, value, Mapping)
        result: dict[str, str] = {}
        for key, target in mapping.items():
            where = f"{entry}.{key!r}"
            self.expect(where, target, str)
            for char in _expand(self, where, key):
                result[char] = target
        return result


def _expand(rules: RuleFile, entry: str, item: str) -> list[str]:
    """Characters of one charset item: a single character or an ascending range."""
    if len(item) == 1:
        return [item]
    if len(item) == 3 and item[1] == "-" and ord(item[0]) < ord(item[2]):
        return [chr(c) for c in range(ord(item[0]), ord(item[2]) + 1)]
    raise rules.error(entry, f"{item!r} must be one character or a range such as \"\\u064B-\\u0652\"")


def _freeze(value: Any, origin: str, entry: str) -> Any:
    """Deep-freeze parsed YAML, insisting that every mapping key is a string.

    YAML 1.1 turns unquoted ``no``, ``on`` and digits into booleans and numbers; a key
    that is not a string is always such an accident.
    """
    if isinstance(value, dict):
        frozen = {}
        for key, item in value.items():
            where = f"{entry}.{key}" if entry else str(key)
            if not isinstance(key, str):
                raise RuleError(f"{origin}: {where}: key {key!r} must be a quoted string")
            frozen[key] = _freeze(item, origin, where)
        return MappingProxyType(frozen)
    if isinstance(value, list):
        return tuple(_freeze(item, origin, f"{entry}[{i}]") for i, item in enumerate(value))
    return value


def parse(text: str, origin: str, name: str = "") -> RuleFile:
    """Parse the text of a rule file; ``origin`` is what error messages call it.

    >>> parse('kind: normalize\\ndescription: "x"\\n', "demo.yaml").kind
    'normalize'
    >>> parse("no: 1\\n", "demo.yaml")
    Traceback (most recent call last):
    arabic_tools.errors.RuleError: demo.yaml: False: key False must be a quoted string
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise RuleError(f"{origin}: {where}not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise RuleError(f"{origin}: must be a mapping with 'kind' and 'description'")
    rules = RuleFile(name or Path(origin).stem, origin, _freeze(data, origin, ""))
    rules.get("kind", str)
    rules.get("description", str)
    if rules.kind not in KINDS:
        raise rules.error("kind", f"unknown kind {rules.kind!r} (known: {', '.join(sorted(KINDS))})")
    return rules


def find(name: str) -> Traversable:
    """The rule file called ``name`` (``normalize``, ``khaleeji/kuwaiti``) on the search path."""
    for directory in search_path():
        candidate = directory.joinpath(*f"{name}.yaml".split("/"))
        if candidate.is_file():
            return candidate
    raise RuleError(f"no rule file named {name!r} (searched {', '.join(map(str, search_path()))})")


def load(name: str) -> RuleFile:
    """The parsed rule file ``name``, read once per process and search path."""
    return _load(name, os.environ.get(ENVIRONMENT_VARIABLE, ""))


@functools.cache
def _load(name: str, overlays: str) -> RuleFile:
    source = find(name)
    return parse(source.read_text(encoding="utf-8"), str(source), name)


def _walk(directory: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from _walk(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".yaml"):
            yield f"{prefix}{entry.name[:-5]}", entry


def available() -> dict[str, Traversable]:
    """Every rule name on the search path, mapped to the file that wins for it."""
    found: dict[str, Traversable] = {}
    for directory in reversed(search_path()):
        if directory.is_dir():
            found.update(_walk(directory))
    return dict(sorted(found.items()))


def compiler(kind: str) -> Callable[[RuleFile], Any]:
    """The function that compiles and validates rule files of ``kind``."""
    module, _, function = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def check(rules: RuleFile) -> None:
    """Validate ``rules`` completely by compiling it as its command would."""
    compiler(rules.kind)(rules)


def check_path(path: str | os.PathLike[str]) -> list[str]:
    """Validate a rule file or every ``*.yaml`` below a directory; return the names checked."""
    root = Path(path)
    if not root.exists():
        raise RuleError(f"{path}: no such file or directory")
    files = [root] if root.is_file() else sorted(root.rglob("*.yaml"))
    for file in files:
        name = file.stem if root.is_file() else file.relative_to(root).with_suffix("").as_posix()
        check(parse(file.read_text(encoding="utf-8"), str(file), name))
    return [str(f) for f in files]
