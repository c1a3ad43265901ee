"""Slot annotations in the MASSIVE style: ``wake me at [time : nine am]``.

An annotated text is literal text with slots written ``[slot_name : value]``; the plain
utterance is the same text with every bracket replaced by its value. This module parses
such text into parts and renders parts back, and says exactly what is wrong with text
that does not parse (unbalanced brackets, empty slot names or values), by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arabic_tools.errors import ArabicToolsError

OPEN = "["
CLOSE = "]"
SEPARATOR = " : "

# MASSIVE slot names are lower-case identifiers (date, house_place, artist_name).
_SLOT_NAME = re.compile(r"[A-Za-z0-9_]+\Z")
_BRACKET = re.compile(r"[\[\]]")


class AnnotationError(ArabicToolsError):
    """Annotated text that cannot be parsed; the message gives the column."""


@dataclass(frozen=True)
class Slot:
    """One ``[name : value]`` of an annotated text."""

    name: str
    value: str


Part = str | Slot


def parse(text: str) -> tuple[Part, ...]:
    """Split annotated text into literal strings and slots.

    >>> parse("wake me at [time : nine am] please")
    ('wake me at ', Slot(name='time', value='nine am'), ' please')
    >>> parse("wake me [time : nine")
    Traceback (most recent call last):
    arabic_tools.slots.AnnotationError: unbalanced brackets: '[' at column 9 is never closed
    """
    parts: list[Part] = []
    position = 0
    while True:
        match = _BRACKET.search(text, position)
        if match is None:
            break
        start = match.start()
        if match[0] == CLOSE:
            raise AnnotationError(f"unbalanced brackets: ']' at column {start + 1} has no '['")
        end = _BRACKET.search(text, start + 1)
        if end is None or end[0] == OPEN:
            raise AnnotationError(f"unbalanced brackets: '[' at column {start + 1} is never closed")
        if start > position:
            parts.append(text[position:start])
        parts.append(_slot(text[start + 1:end.start()], start + 1))
        position = end.end()
    if position < len(text):
        parts.append(text[position:])
    return tuple(parts)


def _slot(inside: str, column: int) -> Slot:
    name, separator, value = inside.partition(":")
    if not separator:
        raise AnnotationError(f"slot at column {column} has no ' : ' between name and value")
    name, value = name.strip(), value.strip()
    if not name:
        raise AnnotationError(f"empty slot name at column {column}")
    if not _SLOT_NAME.match(name):
        raise AnnotationError(f"slot name {name!r} at column {column} must be letters, digits and '_'")
    if not value:
        raise AnnotationError(f"empty value for slot {name!r} at column {column}")
    return Slot(name, value)


def annotate(parts: tuple[Part, ...] | list[Part]) -> str:
    """The annotated text of ``parts`` (the inverse of ``parse``).

    >>> annotate(("play ", Slot("artist_name", "fairouz")))
    'play [artist_name : fairouz]'
    """
    return "".join(p if isinstance(p, str) else f"{OPEN}{p.name}{SEPARATOR}{p.value}{CLOSE}" for p in parts)


def utterance(parts: tuple[Part, ...] | list[Part]) -> str:
    """The plain utterance of ``parts``: every slot replaced by its value.

    >>> utterance(parse("play [artist_name : fairouz] now"))
    'play fairouz now'
    """
    return "".join(p if isinstance(p, str) else p.value for p in parts)
