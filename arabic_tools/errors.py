"""Exceptions raised by the library; the CLI turns each into one line on stderr."""

from __future__ import annotations


class ArabicToolsError(Exception):
    """Base class of every error a user can fix (bad input, bad rules, bad options)."""


class RuleError(ArabicToolsError):
    """A rule file is missing or invalid; the message names the file and the entry."""


class InputError(ArabicToolsError):
    """A line of input cannot be processed.

    Renders as ``SOURCE:LINE: message`` so that editors and ``grep -n`` users can jump
    to the line. The arguments are kept in ``args`` so the error survives pickling
    from a worker process.

    >>> str(InputError("in.txt", 12, "not valid UTF-8"))
    'in.txt:12: not valid UTF-8'
    """

    def __init__(self, source: str, lineno: int, message: str) -> None:
        super().__init__(source, lineno, message)
        self.source = source
        self.lineno = lineno
        self.message = message

    def __str__(self) -> str:
        return f"{self.source}:{self.lineno}: {self.message}"


class OptionError(ArabicToolsError):
    """An option value the library cannot use (an unknown mark name, say); a usage error."""
