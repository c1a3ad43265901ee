import json
import os
import sys
from typing import Annotated, Optional

import typer
import yaml

from arabic_tools import streams
from arabic_tools.errors import InputError, OptionError

from ._options import Output, Rules
from ._pipeline import reported_errors, use_rules


# Not the shared Input: resample reads one local file or stdin (no --engine).
Input = Annotated[str, typer.Argument(help="Input file (JSON Lines or annotated text); '-' reads standard input.")]


def resample(
    input: Input = "-",
    total: Annotated[int, typer.Option("--total", "-n", min=0, help="How many utterances to generate in all.")] = ...,  # type: ignore[assignment]
    output: Output = "-",
    max_per_template: Annotated[Optional[int], typer.Option(
        "--max-per-template", min=1, show_default=False,
        help="At most this many utterances per template [default: allocation.max_per_template in rules/resample.yaml].")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed, input and rules give the same bytes.")] = 0,
    values: Annotated[Optional[list[str]], typer.Option(
        "--values", show_default=False,
        help="Extra values for a slot type: SLOT=FILE (one value a line), or a YAML file mapping slot types to such files (repeatable).")] = None,
    format: Annotated[str, typer.Option("--format", help="Input format: jsonl (MASSIVE records with annot_utt) or text (one annotated utterance a line).")] = "jsonl",
    locale: Annotated[str, typer.Option("--locale", help="Locale of text input, or of JSON records without one (fr-FR switches on French elision).")] = "",
    report: Annotated[Optional[str], typer.Option("--report", show_default=False, help="Write the plan and counts as JSON to this file.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No table on stderr (errors are still reported).")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Skip lines that cannot be parsed (counted in the report) instead of stopping.")] = False,
    id_prefix: Annotated[str, typer.Option("--id-prefix", help="New record ids are this prefix plus a running number.")] = "r",
    rules: Rules = None,
) -> None:
    """Generate slot-filled NLU utterances, allocated to templates by their complexity.

    Each input utterance becomes a template (its intent and its text with slots as
    <slot_name>); slot value pools come from the input and --values catalogues.
    Examples per template grow with the number of slots and the size of their pools, are
    capped, and add up to --total. Proclitics inside brackets (Arabic li-, bi-, wa-, fa-;
    French l', d') stay with the template and are re-attached to each new value.
    Complexity, allocation and clitic rules: 'arabic-tools rules show resample'.
    """
    from arabic_tools import resample as resampling  # here, not at the top: start-up loads only the command that runs

    with reported_errors():
        use_rules(rules)
        if format not in resampling.FORMATS:
            raise typer.BadParameter(f"--format must be one of {', '.join(resampling.FORMATS)}")
        for path in (output, report):
            if path is not None and streams.same_file(input, path):
                raise typer.BadParameter(f"{path!r} is the input file; write elsewhere")
        resampling.resample_rules()  # a broken rule file is reported before any input is read
        catalogues = _catalogues(values or [])
        invalid: list[InputError] = []
        with streams.open_input(input) as instream:
            lines = streams.decode_lines(instream, input)
            utterances = resampling.read_utterances(lines, input, format=format, locale=locale,
                                                    skip_invalid=skip_invalid, invalid=invalid)
            plan = resampling.make_plan(utterances, total, max_per_template=max_per_template,
                                        catalogues=catalogues)
        plan.invalid = invalid
        with streams.open_output(output) as outstream:
            streams.write_lines(outstream, resampling.records(plan, seed, id_prefix))
        if report is not None:
            with streams.open_output(report) as stream:
                stream.write((json.dumps(resampling.report(plan), ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        if not quiet:
            sys.stderr.write(resampling.report_table(plan))
        elif plan.shortfall():
            sys.stderr.write(f"arabic-tools: fewer than --total {total}: {plan.shortfall()}\n")


def _catalogues(specs: list[str]) -> dict[str, list[str]]:
    """--values SLOT=FILE or --values MAP.yaml, read into slot -> values."""
    from arabic_tools.resample import read_catalogue

    files: list[tuple[str, str]] = []
    for spec in specs:
        slot, equals, path = spec.partition("=")
        if equals:
            if not slot or not path:
                raise OptionError(f"--values {spec!r}: write SLOT=FILE")
            files.append((slot, path))
        elif spec.endswith((".yaml", ".yml")):
            files.extend(_catalogue_map(spec))
        else:
            raise OptionError(f"--values {spec!r}: write SLOT=FILE or give a .yaml file mapping slots to files")
    catalogues: dict[str, list[str]] = {}
    for slot, path in files:
        with streams.open_input(path) as stream:
            catalogues.setdefault(slot, []).extend(read_catalogue(streams.decode_lines(stream, path), path))
    return catalogues


def _catalogue_map(path: str) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as stream:
        try:
            data = yaml.safe_load(stream)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise InputError(path, mark.line + 1 if mark else 1, "not valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(path, 1, "must map slot types to catalogue files")
    base = os.path.dirname(path)
    files = []
    for slot, entry in data.items():
        entries = entry if isinstance(entry, list) else [entry]
        for item in entries:
            if not isinstance(slot, str) or not isinstance(item, str):
                raise InputError(path, 1, f"{slot!r}: must map a slot type to a file name or a list of them")
            files.append((slot, os.path.join(base, item)))
    return files
