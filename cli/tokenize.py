from typing import Annotated, Optional

import typer

from arabic_tools.streams import Transform


def tokenize(
    split: Annotated[Optional[str], typer.Option(
        "--split", help="Comma list of clitic categories to split: pronoun, indirect_object, conjunction, "
                        "preposition, future, article [default: pronoun,indirect_object, from rules/tokenize.yaml].",
        show_default=False)] = None,
    marker: Annotated[Optional[str], typer.Option(
        "--marker", help="Written before a split enclitic (after a split proclitic) [default: +].",
        show_default=False)] = None,
    restore_stem: Annotated[bool, typer.Option(
        "--restore-stem", help="Write stems in their own spelling (سيارتي -> سيارة +ي); not lossless.")] = False,
    format: Annotated[str, typer.Option(
        "--format", help="text (tokens separated by spaces) or jsonl (tokens with offsets and kinds).")] = "text",
    backend: Annotated[str, typer.Option(
        "--backend", help="statistics (word frequencies, offline) or morphology (camel-tools analyzer, needs --db).")] = "statistics",
    db: Annotated[Optional[str], typer.Option(
        "--db", help="camel-tools morphology database for --backend morphology: a file (calima-glf-01.db) or the name "
                     "of one camel-tools installed (calima-msa-r13).",
        show_default=False)] = None,
) -> Transform:
    """Tokenize: punctuation apart, pronoun enclitics split off as '+' tokens (كلامه -> كلام +ه).

    Lossless: deleting each marker and the space before it gives back the input's
    characters. Clitic categories are in rules/clitics.yaml, the tokenizer's hosts,
    exceptions and thresholds in rules/tokenize.yaml.
    """
    # The library module is imported here, not at the top: start-up loads only the command that runs.
    from arabic_tools import Tokenizer

    categories = tuple(c.strip() for c in split.split(",") if c.strip()) if split is not None else ()
    return Tokenizer(split=categories, marker=marker, restore_stem=restore_stem, format=format,
                     backend=backend, database=db)
