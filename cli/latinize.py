from pathlib import Path
from typing import Annotated, Optional

import typer

from arabic_tools.streams import Transform

from ._options import Output
from ._pipeline import reported_errors

Catalogue = Annotated[Path, typer.Option(
    "--catalogue", "-c", help="Catalogue: one Latin entry a line, or entry<TAB>type<TAB>rendering|rendering.",
    dir_okay=False, show_default=False)]
CacheDir = Annotated[Optional[Path], typer.Option(
    "--cache-dir", help="Where catalogue indexes are cached [default: $XDG_CACHE_HOME/arabic-tools/latinize].",
    file_okay=False, show_default=False)]


def latinize(
    catalogue: Catalogue,
    min_score: Annotated[float, typer.Option(
        "--min-score", help="Least similarity (0-1) a span needs; frequent Arabic words need more.")] = 0.9,
    output_format: Annotated[str, typer.Option(
        "--format", help="text, or jsonl: per line the input, the output and each match.")] = "text",
    candidates: Annotated[int, typer.Option(
        "--candidates", help="With --format jsonl, list the K best entries of each match.")] = 0,
    join: Annotated[str, typer.Option(
        "--join", help="Written between a kept proclitic and the Latin form [default: tatweel, as in لـEd].",
        show_default=False)] = "\N{ARABIC TATWEEL}",
    cache_dir: CacheDir = None,
    lexicon: Annotated[Optional[list[Path]], typer.Option(
        "--lexicon", help="camel-tools morphology database, a file or the name of one camel-tools installed "
                          "(calima-msa-r13; repeatable); words it knows as ordinary Arabic need a higher score.",
        dir_okay=False, show_default=False)] = None,
) -> Transform:
    """Write catalogue names that ASR rendered in Arabic script in their Latin form.

    "شغل شيب اوف يو لإد شيران" becomes "شغل Shape of You لـEd Sheeran" when the catalogue
    lists "Shape of You" and "Ed Sheeran". The index of the catalogue is built on first
    use and cached on disk by content; 'arabic-tools latinize-index' builds it ahead.
    """
    # The library module is imported here, not at the top: start-up loads only the command that runs.
    from arabic_tools import Latinizer

    return Latinizer(str(catalogue), min_score=min_score, join=join, output_format=output_format,
                     candidates=candidates, cache_dir=str(cache_dir) if cache_dir else None,
                     lexicons=tuple(str(p) for p in lexicon or ()))


def latinize_index(
    catalogue: Annotated[Path, typer.Argument(help="The catalogue to index.", dir_okay=False, show_default=False)],
    cache_dir: CacheDir = None,
) -> None:
    """Build the latinize index of a catalogue and cache it on disk; print the cache file.

    latinize builds the index itself on first use; build it ahead to keep that time out
    of a pipeline, or to warm the cache of worker machines.
    """
    with reported_errors():
        from arabic_tools import build_latinize_index

        print(build_latinize_index(str(catalogue), str(cache_dir) if cache_dir else None))


def latinize_context(
    input: Annotated[str, typer.Argument(help="Annotated utterances (JSON Lines or text); '-' reads standard input.")] = "-",
    output: Output = "-",
    format: Annotated[str, typer.Option(
        "--format", help="jsonl (MASSIVE records with annot_utt) or text (one [slot : value] utterance a line).")] = "jsonl",
    slot: Annotated[Optional[list[str]], typer.Option(
        "--slot", help="A slot type whose values are names (repeatable) [default: MASSIVE's name slots].",
        show_default=False)] = None,
    partition: Annotated[Optional[str], typer.Option(
        "--partition", help="Count only JSON records of this partition (train).", show_default=False)] = None,
    source: Annotated[str, typer.Option("--source", help="Where the utterances come from, written in the file.")] = "",
) -> None:
    """Count where names occur in slot-annotated utterances into a latinize-context rule file.

    For each word: how often a name-bearing slot starts right after it and how often
    any word does, how often it is in a name-bearing slot and how often it occurs.
    latinize reads the counts from rules/latinize-context.yaml: save the output as
    latinize-context.yaml in a directory and pass it as --rules DIR (or
    ARABIC_TOOLS_RULES) to use counts of your own data.
    """
    with reported_errors():
        from arabic_tools import latinize_context, resample, streams

        slots = tuple(slot) if slot else latinize_context.NAME_SLOTS
        with streams.open_input(input) as instream:
            utterances = resample.read_utterances(streams.decode_lines(instream, input), input, format=format)
            wanted = (u.parts for u in utterances
                      if partition is None or (u.record is not None and u.record.get("partition") == partition))
            counts = latinize_context.count(wanted, slots)
        if not counts.seen:
            raise typer.BadParameter("no utterances to count" + (f" in partition {partition!r}" if partition else ""))
        text = latinize_context.rule_file(counts, source or input, slots)
        with streams.open_output(output) as outstream:
            outstream.write(text.encode("utf-8"))
