"""Option types shared by the commands (sqlite-utils' output_options, as types)."""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

Input = Annotated[str, typer.Argument(help="Input file; '-' reads standard input. With --engine dask also a directory, a glob or an fsspec URL.", show_default=True)]
Output = Annotated[str, typer.Option("--output", "-o", help="Output file, written atomically; '-' writes standard output.")]
Field = Annotated[Optional[int], typer.Option("--field", "-f", min=1, help="Edit only this TSV field (1-based, no quoting).")]
Key = Annotated[Optional[str], typer.Option("--key", "-k", help="Edit only this string key of each JSON Lines record.")]
Header = Annotated[bool, typer.Option("--header", help="Pass the first line through unchanged (a TSV header).")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes (with --engine dask: of the local cluster); output is identical for any number.")]
Progress = Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="Progress bar on stderr [default: when stderr is a terminal and the input a file].", show_default=False)]
Rules = Annotated[Optional[list[Path]], typer.Option("--rules", help="Directory of rule files searched before the shipped ones (repeatable; also ARABIC_TOOLS_RULES).", file_okay=False)]


class EngineName(str, Enum):
    """Where the blocks of lines are mapped."""

    local = "local"
    dask = "dask"


Engine = Annotated[EngineName, typer.Option("--engine", help="local: this machine (--jobs processes); dask: a Dask cluster, writing part files to the -o directory.")]
Scheduler = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786) for --engine dask [default: a local cluster of --jobs workers].", show_default=False)]
BlockSize = Annotated[Optional[str], typer.Option("--block-size", help="Bytes of input per block, e.g. 64MiB [default: 1MiB locally (less with --jobs for a file of a few MiB), 32MiB with --engine dask].", show_default=False)]
