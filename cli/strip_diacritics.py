from typing import Annotated, Optional

import typer

from arabic_tools.streams import Transform
from arabic_tools.errors import OptionError


def strip_diacritics(
    keep: Annotated[Optional[str], typer.Option(
        "--keep", help="Comma list of diacritic names to keep, or 'none' [default: shadda,maddah, from rules/characters.yaml]. "
                       "See 'arabic-tools rules show characters' for the names.", show_default=False)] = None,
    tatweel: Annotated[str, typer.Option("--tatweel", help="keep or remove tatweel (kashida).")] = "keep",
) -> Transform:
    """Remove Arabic diacritics, keeping shaddah and maddah by default.

    Hamza above and below are parts of letters and always stay, as does maddah on alef
    (the letter alef-madda). Marks on non-Arabic letters and Latin text are untouched.
    """
    if tatweel not in ("keep", "remove"):
        raise OptionError(f"--tatweel must be keep or remove, not {tatweel!r}")
    names = None
    if keep is not None:
        names = frozenset() if keep.strip() == "none" else frozenset(n.strip() for n in keep.split(",") if n.strip())
    # The library module is imported here, not at the top: start-up loads only the command that runs.
    from arabic_tools import DiacriticRemover

    return DiacriticRemover(keep=names, remove_tatweel=tatweel == "remove")
