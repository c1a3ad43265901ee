"""arabic-tools: Arabic text processing for speech and language data pipelines.

Every command of the ``arabic-tools`` CLI is a transform here, a picklable callable
``str -> str`` built from its options, plus a plain function for one-off calls:

>>> from arabic_tools import normalize, remove_diacritics
>>> remove_diacritics("مُوسِيقَى")
'موسيقى'
"""

import importlib
import sys
import types
from typing import Any

# Public name -> the module that defines it. Modules are imported on first use
# (PEP 562), so ``import arabic_tools`` and the CLI's start-up stay cheap: a command
# loads only its own module, not every command's tables and dependencies.
_EXPORTS = {
    "ArabicToolsError": "errors",
    "DiacriticRemover": "diacritics",
    "InputError": "errors",
    "Khaleeji": "khaleeji",
    "Latinizer": "latinize",
    "LineMapper": "streams",
    "Normalizer": "normalize",
    "OptionError": "errors",
    "RuleError": "errors",
    "Token": "tokenize",
    "Tokenizer": "tokenize",
    "Transform": "streams",
    "Transliterator": "transliterate",
    "allocate": "resample",
    "build_latinize_index": "latinize",
    "khaleeji": "khaleeji",
    "latinize": "latinize",
    "make_plan": "resample",
    "map_jsonl": "streams",
    "map_lines": "streams",
    "map_tsv": "streams",
    "normalize": "normalize",
    "read_utterances": "resample",
    "remove_diacritics": "diacritics",
    "tokenize": "tokenize",
    "transliterate": "transliterate",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'arabic_tools' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"arabic_tools.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


class _Package(types.ModuleType):
    """The package module: its public functions win over its same-named submodules.

    Importing a submodule sets it as an attribute of the package. Where a public
    function has the submodule's name (``normalize``, ``tokenize``, ``khaleeji`` ...),
    ``arabic_tools.normalize`` must stay the function whatever was imported first.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = sorted(_EXPORTS)
