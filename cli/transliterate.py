from typing import Annotated

import typer

from arabic_tools.streams import Transform


def transliterate(
    scheme: Annotated[str, typer.Option("--scheme", "-s", help="bw, safebw, xmlbw or hsb (see 'arabic-tools rules show transliterate').")] = "bw",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Convert from the scheme back to Arabic script.")] = False,
) -> Transform:
    """Transliterate Arabic script to a Buckwalter-family scheme, or back with --reverse.

    The character tables are camel-tools'. Characters a scheme does not cover pass
    through unchanged.
    """
    # The library module is imported here, not at the top: start-up loads only the command that runs.
    from arabic_tools.transliterate import ARABIC, Transliterator

    return Transliterator(scheme, ARABIC) if reverse else Transliterator(ARABIC, scheme)
