"""arabic-tools: Arabic text processing for speech and language data pipelines.

Every command of the ``arabic-tools`` CLI is a transform here, a picklable callable
``str -> str`` built from its options, plus a plain function for one-off calls:

>>> from arabic_tools import normalize, remove_diacritics
>>> remove_diacritics("مُوسِيقَى")
'موسيقى'
"""

from arabic_tools.diacritics import DiacriticRemover, remove_diacritics
from arabic_tools.errors import ArabicToolsError, InputError, OptionError, RuleError
from arabic_tools.khaleeji import Khaleeji, khaleeji
from arabic_tools.latinize import Latinizer, build_latinize_index, latinize
from arabic_tools.normalize import Normalizer, normalize
from arabic_tools.resample import allocate, make_plan, read_utterances
from arabic_tools.tokenize import Token, Tokenizer, tokenize
from arabic_tools.streams import LineMapper, Transform, map_jsonl, map_lines, map_tsv
from arabic_tools.transliterate import Transliterator, transliterate

__all__ = [
    "ArabicToolsError",
    "DiacriticRemover",
    "InputError",
    "Khaleeji",
    "Latinizer",
    "LineMapper",
    "Normalizer",
    "OptionError",
    "RuleError",
    "Token",
    "Tokenizer",
    "Transform",
    "Transliterator",
    "allocate",
    "build_latinize_index",
    "khaleeji",
    "latinize",
    "make_plan",
    "map_jsonl",
    "map_lines",
    "map_tsv",
    "normalize",
    "read_utterances",
    "remove_diacritics",
    "tokenize",
    "transliterate",
]
