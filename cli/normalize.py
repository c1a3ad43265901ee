from typing import Annotated, Optional

import typer

from arabic_tools.streams import Transform


def normalize(
    enable: Annotated[Optional[list[str]], typer.Option(
        "--enable", "-e", help="Switch a group on (repeatable), e.g. teh_marbuta.", show_default=False)] = None,
    disable: Annotated[Optional[list[str]], typer.Option(
        "--disable", "-d", help="Switch a group off (repeatable), e.g. alef_maksura.", show_default=False)] = None,
    digits: Annotated[Optional[str], typer.Option(
        "--digits", help="latin, arabic or keep [default: latin, from rules/normalize.yaml].", show_default=False)] = None,
) -> Transform:
    """Normalize spelling: alef forms, alef maksura, Persian letters, digits, tatweel, presentation forms, invisible characters, spaces.

    Groups, their defaults and the reasons for them: 'arabic-tools rules show normalize'.
    The result is idempotent, and NFC unless the compose group is off.
    """
    # The library module is imported here, not at the top: start-up loads only the command that runs.
    from arabic_tools import Normalizer

    settings: dict[str, bool | str] = {}
    settings.update(dict.fromkeys(enable or [], True))
    settings.update(dict.fromkeys(disable or [], False))
    if digits is not None:
        settings["digits"] = digits
    return Normalizer(tuple(sorted(settings.items())))
