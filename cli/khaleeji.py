from typing import Annotated

import typer

from arabic_tools.streams import Transform


def khaleeji(
    dialect: Annotated[str, typer.Option(
        "--dialect", "-d", help="Profile: gulf (the shared core), type_a (KW QA BH AE shared), kuwaiti, qatari, bahraini, emirati, najdi, omani, "
                                "or a profile of your own in --rules DIR/khaleeji/. The data aliases all and "
                                "saudi_najdi are accepted.")] = "gulf",
    form: Annotated[str, typer.Option(
        "--form", help="pronunciation (Gulf vowels, گ چ ي), spelling (how Gulf speakers write: no diacritics, "
                       "etymological ق ك ج) or phonemes (one IPA string per word).")] = "pronunciation",
    explain: Annotated[bool, typer.Option(
        "--explain", help="Write one JSON record per line instead: the output and, per word, the rules that "
                          "fired in order with their fact-sheet sources.")] = False,
) -> Transform:
    """Convert MSA (fully, partly or not diacritized) to Gulf Arabic for text-to-speech.

    Case endings and tanween go, the lexicon, function words (sawfa/sa- -> b-, lam +
    jussive -> ma + perfect, hal dropped), pronoun suffixes and the sound changes of the
    profile are applied. Rules that need vowels apply only where they are written.
    Rules: 'arabic-tools rules show khaleeji/gulf'.
    """
    # The library module is imported here, not at the top: start-up loads only the command that runs.
    from arabic_tools import Khaleeji

    return Khaleeji(dialect, form, explain)
