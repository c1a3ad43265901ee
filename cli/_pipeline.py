"""What every line command shares: pipeline options, running the stream, error reporting.

A line command is a function that takes the command's own options and returns a
transform; ``line_command`` gives it the pipeline options (input, ``-o``, ``-f``, ``-k``,
``--header``, ``--jobs``, ``--progress``, ``--rules``, ``--engine``, ``--scheduler``,
``--block-size``) and runs the stream, on this machine or on a Dask cluster. One
mechanism, so every command behaves the same way.
"""

import contextlib
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer

from arabic_tools import engines, rulebook, streams
from arabic_tools.errors import ArabicToolsError, OptionError

from ._options import BlockSize, Engine, EngineName, Field, Header, Input, Jobs, Key, Output, Progress, Rules, Scheduler

PROG = "arabic-tools"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit."""
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()
    raise typer.Exit(code)


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the errors a user can fix into one line on stderr and an exit code.

    Option values the library rejects are usage errors (exit 2); bad input, unreadable
    files and broken rule files exit 1. Anything else is a bug and keeps its traceback.
    """
    try:
        yield
    except OptionError as error:
        raise typer.BadParameter(str(error)) from None
    except ArabicToolsError as error:
        fail(str(error))
    except (FileNotFoundError, IsADirectoryError, PermissionError, NotADirectoryError) as error:
        fail(f"{error.filename}: {error.strerror}")


def use_rules(directories: Optional[list[Path]]) -> None:
    """Put ``--rules`` directories in front of the rule search path."""
    for directory in reversed(directories or []):
        rulebook.add_overlay(directory)


def _progress_reporter(path: str, forced: Optional[bool], size: Optional[int] = None) -> contextlib.AbstractContextManager[Any]:
    size = streams.input_size(path) if size is None else size
    show = forced if forced is not None else (size is not None and sys.stderr.isatty())
    if not show:
        return contextlib.nullcontext(None)
    return _progress(path, size)


@contextlib.contextmanager
def _progress(path: str, size: Optional[int]) -> Iterator[Callable[[int], None]]:
    # rich is imported only when a bar is drawn; it costs start-up time otherwise.
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

    console = Console(stderr=True)
    # No refresh thread: worker processes may be forked while the bar runs.
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TimeRemainingColumn(), console=console, auto_refresh=False) as bar:
        task = bar.add_task(os.path.basename(path) if path != streams.STDIO else "stdin", total=size)

        def advance(count: int) -> None:
            bar.update(task, advance=count)
            bar.refresh()

        yield advance


def run_pipeline(transform: streams.Transform, input: str, output: str, field: Optional[int], key: Optional[str],
                 header: bool, jobs: int, progress: Optional[bool], engine: EngineName = EngineName.local,
                 scheduler: Optional[str] = None, block_size: Optional[str] = None) -> None:
    """Check the pipeline options and stream ``input`` through ``transform`` into ``output``.

    Locally the output is one stream; with ``--engine dask`` it is a directory of part
    files written by the cluster's workers.
    """
    if field is not None and key is not None:
        raise typer.BadParameter("--field and --key cannot be used together")
    if engine is EngineName.dask:
        _check_dask_options(input, output, jobs, scheduler)
    elif scheduler is not None:
        raise typer.BadParameter("--scheduler needs --engine dask")
    elif streams.same_file(input, output):
        raise typer.BadParameter(f"the output {output!r} is the input file; write elsewhere and rename")
    mapper = streams.LineMapper(transform, field=field, key=key)
    # Transforms compile their rules on first use; use them once now so that a bad
    # option or rule file is reported before any input is read, output written or
    # cluster started.
    transform("")
    if engine is EngineName.dask:
        work = engines.plan(input, engines.parse_size(block_size) if block_size else engines.DEFAULT_BLOCK_SIZE)
        with _progress_reporter(input, progress, work.size) as advance:
            engines.run_on_dask(mapper, work, output, header=header, scheduler=scheduler, workers=jobs,
                                on_progress=advance)
        return
    size = engines.parse_size(block_size) if block_size else streams.block_size_for(streams.input_size(input), jobs)
    with streams.open_input(input) as instream, streams.open_output(output) as outstream, \
            _progress_reporter(input, progress) as advance:
        streams.run(mapper, input, instream, outstream, header=header, jobs=jobs, block_size=size,
                    on_progress=advance)


def _check_dask_options(input: str, output: str, jobs: int, scheduler: Optional[str]) -> None:
    """Usage errors of ``--engine dask``, which reads files and writes a directory of part files."""
    if input == streams.STDIO:
        raise typer.BadParameter("--engine dask reads files, a directory or a glob, not standard input")
    if output == streams.STDIO:
        raise typer.BadParameter("--engine dask writes part files: name a new output directory with -o DIR")
    if scheduler is not None and jobs != 1:
        raise typer.BadParameter("--jobs sizes the local cluster; with --scheduler the cluster has its own workers")


_PIPELINE_AFTER = {
    "output": (Output, "-"),
    "field": (Field, None),
    "key": (Key, None),
    "header": (Header, False),
    "jobs": (Jobs, 1),
    "progress": (Progress, None),
    "rules": (Rules, None),
    "engine": (Engine, EngineName.local),
    "scheduler": (Scheduler, None),
    "block_size": (BlockSize, None),
}


def line_command(app: typer.Typer, name: str) -> Callable[[Callable[..., streams.Transform]], Callable[..., streams.Transform]]:
    """Register ``build`` (own options -> transform) as a line command called ``name``.

    The command's help is ``build``'s docstring; its options are ``build``'s parameters
    followed by the shared pipeline options.
    """

    def register(build: Callable[..., streams.Transform]) -> Callable[..., streams.Transform]:
        own = list(inspect.signature(build).parameters.values())
        keyword = inspect.Parameter.KEYWORD_ONLY
        parameters = [inspect.Parameter("input", keyword, annotation=Input, default="-"), *own]
        parameters += [inspect.Parameter(n, keyword, annotation=a, default=d) for n, (a, d) in _PIPELINE_AFTER.items()]

        def command(**options: Any) -> None:
            pipeline = {n: options.pop(n) for n in ("input", *_PIPELINE_AFTER)}
            with reported_errors():
                use_rules(pipeline.pop("rules"))
                transform = build(**options)
                run_pipeline(transform, **pipeline)

        command.__signature__ = inspect.Signature([p.replace(kind=keyword) for p in parameters])  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        command.__doc__ = build.__doc__
        command.__name__ = build.__name__
        app.command(name)(command)
        return build

    return register
