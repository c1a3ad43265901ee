"""Run a line mapping on a Dask cluster: sharded input in blocks, part files out.

The local engine (``streams.run``) reads one stream. This one takes a file, a
directory or a glob (local paths, or any URL that fsspec understands when its package
is installed), cuts every file into blocks of whole lines and maps each block on a
Dask worker with ``streams.process_block``, the very function the local engine uses, so
the bytes are the same by construction. Dask does the scheduling and the retries; workers
read their blocks and write their parts themselves, so no data passes through the client.

The contract:

- Input files are taken in sorted order. Each block becomes one part file
  ``part-00000``, ``part-00001``, ... named in input order, so the sorted concatenation
  of the part files is byte-identical to what the local command writes for the
  concatenated input (when every file ends with a line break; a file without a final
  line break ends its last part without one, exactly as the local command would for
  that file alone).
- ``header`` passes the first line of every input file through, since sharded TSV
  corpora carry a header in each shard.
- Bad input raises ``InputError`` naming the file and the line within that file: a
  worker reports the line within its block and the client adds the line counts of the
  preceding blocks of the same file. The first error in input order is reported, the
  same line the local command stops at.
- A local output directory is written beside its final name and renamed into place
  only when every block has succeeded, so a failed run leaves no directory for Make to
  trust. Each part is itself written atomically, so a task that Dask re-runs after its
  worker died just writes its part again. Remote output (``s3://...``) is written in
  place; object stores publish a file only when it is closed.
- Compiled rules live in each worker process's ``functools.cache``: a transform loads
  its heavy state once per worker, not once per block.
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from arabic_tools import rulebook, streams
from arabic_tools.errors import ArabicToolsError, InputError, OptionError

DEFAULT_BLOCK_SIZE = 32 << 20
PART_PREFIX = "part-"
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class InputFile:
    """One input file: the URL workers open, the name errors use, its size in bytes."""

    url: str
    source: str
    size: int


@dataclass(frozen=True)
class Block:
    """A byte range of one input file; workers extend it to whole lines."""

    file: int  # index into Plan.files
    url: str
    offset: int
    length: int
    part: str  # the part file it becomes


@dataclass(frozen=True)
class Plan:
    """The input files in processing order and the blocks they are cut into."""

    files: tuple[InputFile, ...]
    blocks: tuple[Block, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class BlockResult:
    """What a worker reports for one block; the output itself is in the part file."""

    lines: int  # line breaks in the block
    in_bytes: int
    out_bytes: int
    seconds: float  # reading, mapping and writing the block
    worker: str
    error: tuple[int, str] | None = None  # (line within the block, 1-based; message)


@dataclass(frozen=True)
class Summary:
    """What a finished run did, for benchmarks and logs."""

    files: int
    blocks: tuple[BlockResult, ...]
    seconds: float  # wall time from submitting the blocks to the last result


def plan(input: str | Sequence[str], block_size: int = DEFAULT_BLOCK_SIZE) -> Plan:
    """Expand ``input`` (files, directories, globs, fsspec URLs) into sorted files and blocks.

    Hidden files (``.name``) and Hadoop-style markers (``_SUCCESS``) inside a directory
    are skipped. Nothing matching raises ``FileNotFoundError``.
    """
    if block_size < 1:
        raise OptionError(f"the block size must be a positive number of bytes, not {block_size}")
    files: list[InputFile] = []
    for pattern in [input] if isinstance(input, str) else input:
        files.extend(_expand(pattern))
    blocks: list[Block] = []
    count = sum(-(-f.size // block_size) for f in files)
    width = max(5, len(str(count - 1)))
    for index, found in enumerate(files):
        for offset in range(0, found.size, block_size):
            part = f"{PART_PREFIX}{len(blocks):0{width}d}"
            blocks.append(Block(index, found.url, offset, min(block_size, found.size - offset), part))
    return Plan(tuple(files), tuple(blocks))


def _expand(pattern: str) -> list[InputFile]:
    import fsspec

    fs, root = fsspec.core.url_to_fs(pattern)
    local = _is_local(fs)
    if any(c in _GLOB_CHARACTERS for c in root):
        listing = fs.glob(root, detail=True)
    elif fs.isdir(root):
        listing = {p: info for p, info in fs.find(root, detail=True).items()
                   if not _hidden(posixpath.relpath(p, root))}
    elif fs.isfile(root):
        # A single file keeps the name the user gave it, as in the local command.
        url = root if local else fs.unstrip_protocol(root)
        return [InputFile(url, pattern, fs.size(root))]
    else:
        raise FileNotFoundError(errno.ENOENT, "no such file or directory", pattern)
    files = []
    for path, info in sorted(listing.items()):
        if info["type"] != "file":
            continue
        url = path if local else fs.unstrip_protocol(path)
        source = os.path.relpath(path) if local and not os.path.isabs(pattern) else url
        files.append(InputFile(url, source, int(info["size"])))
    if not files:
        raise FileNotFoundError(errno.ENOENT, "no input files there", pattern)
    return files


def _hidden(relative: str) -> bool:
    return any(part.startswith((".", "_")) for part in relative.split("/"))


def _is_local(fs: Any) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def map_block(block: Block, mapper: streams.LineMapper, output: str, header: bool, rule_path: str) -> BlockResult:
    """Map one block on a worker and write its part file into directory ``output``.

    Runs in the worker process. ``rule_path`` is the client's rule search path
    (``--rules`` overlays), which must name directories the worker can read.
    """
    import fsspec
    from fsspec.utils import read_block

    started = time.perf_counter()
    fs, path = fsspec.core.url_to_fs(block.url)
    with fs.open(path, "rb") as stream:
        data = read_block(stream, block.offset, block.length, delimiter=b"\n")
    first_line = 1
    head = b""
    if header and block.offset == 0:
        cut = data.find(b"\n") + 1 or len(data)
        head, data, first_line = data[:cut], data[cut:], 2
    error = None
    out = b""
    try:
        with _search_path(rule_path):
            out = head + streams.process_block(mapper, "", first_line, data)
    except InputError as problem:
        error = (problem.lineno, problem.message)
    if error is None and out:
        _write_part(output, block.part, out)
    lines = head.count(b"\n") + data.count(b"\n")
    return BlockResult(lines, len(head) + len(data), len(out), time.perf_counter() - started, _worker_name(), error)


def _write_part(output: str, name: str, content: bytes) -> None:
    import fsspec

    fs, directory = fsspec.core.url_to_fs(output)
    if _is_local(fs):
        with streams.open_output(os.path.join(directory, name)) as stream:
            stream.write(content)
    else:
        with fs.open(posixpath.join(directory, name), "wb") as stream:
            stream.write(content)


@contextlib.contextmanager
def _search_path(value: str) -> Iterator[None]:
    """The client's rule search path for the length of one task."""
    before = os.environ.get(rulebook.ENVIRONMENT_VARIABLE, "")
    if before == value:
        yield
        return
    os.environ[rulebook.ENVIRONMENT_VARIABLE] = value
    try:
        yield
    finally:
        os.environ[rulebook.ENVIRONMENT_VARIABLE] = before


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def run_on_dask(mapper: streams.LineMapper, work: Plan, output: str, *, header: bool = False,
                scheduler: str | None = None, workers: int = 2,
                on_progress: Callable[[int], None] | None = None) -> Summary:
    """Map every block of ``work`` on a Dask cluster into part files in directory ``output``.

    ``scheduler`` is the address of a running Dask scheduler; without it a local
    cluster of ``workers`` single-threaded worker processes is started for the run.
    ``output`` must not exist yet or be an empty directory.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise OptionError("--engine dask needs Dask: pip install 'arabic-tools[dask]'") from None
    import fsspec

    fs, directory = fsspec.core.url_to_fs(output)
    if fs.exists(directory) and (not fs.isdir(directory) or fs.ls(directory)):
        raise OptionError(f"the output directory {output!r} must be new or empty: "
                          "part files of another run would mix with this run's")
    local = _is_local(fs)
    run_id = uuid.uuid4().hex[:12]
    if local:
        target = os.path.abspath(directory)
        staging = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{run_id}.tmp")
        os.makedirs(staging)
    else:
        fs.makedirs(directory, exist_ok=True)
        staging = fs.unstrip_protocol(directory)
    rule_path = os.environ.get(rulebook.ENVIRONMENT_VARIABLE, "")
    try:
        with contextlib.ExitStack() as stack:
            if scheduler is None:
                import logging

                cluster = stack.enter_context(LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    dashboard_address=":0", silence_logs=logging.ERROR))
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(_connect(Client, scheduler))
            summary = _gather(client, mapper, work, staging, header, rule_path, run_id, on_progress)
        if local:
            _publish(staging, target)
    except BaseException:
        if local:
            shutil.rmtree(staging, ignore_errors=True)
        else:
            for block in work.blocks:
                with contextlib.suppress(FileNotFoundError):
                    fs.rm(posixpath.join(directory, block.part))
        raise
    return summary


def _connect(client_class: Any, address: str) -> Any:
    """A client of the scheduler at ``address``; an unreachable scheduler is a user error."""
    try:
        return client_class(address)
    except (OSError, ValueError) as error:  # refused, timed out, or not an address at all
        raise ArabicToolsError(f"cannot reach the Dask scheduler at {address!r}: {error}") from None


def _gather(client: Any, mapper: streams.LineMapper, work: Plan, output: str, header: bool,
            rule_path: str, run_id: str, on_progress: Callable[[int], None] | None) -> Summary:
    started = time.perf_counter()
    keys = [f"arabic-tools-{run_id}-{block.part}" for block in work.blocks]
    futures = client.map(map_block, work.blocks, mapper=mapper, output=output, header=header,
                         rule_path=rule_path, key=keys)
    results: list[BlockResult] = []
    lines_before = 0  # lines of the current file in the blocks already checked
    try:
        for block, future in zip(work.blocks, futures):
            result: BlockResult = future.result()
            if block.offset == 0:
                lines_before = 0
            if result.error is not None:
                lineno, message = result.error
                raise InputError(work.files[block.file].source, lines_before + lineno, message)
            lines_before += result.lines
            results.append(result)
            if on_progress:
                on_progress(block.length)
    finally:
        client.cancel(futures)
    return Summary(len(work.files), tuple(results), time.perf_counter() - started)


def _publish(staging: str, target: str) -> None:
    """Rename the finished staging directory to ``target`` (which may be an empty directory)."""
    for entry in os.scandir(staging):
        if entry.name.startswith("."):
            os.unlink(entry.path)  # a temporary part left by a worker that died while writing
    os.replace(staging, target)


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(i?)b?|b?)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """A byte count written as ``65536``, ``64MiB``, ``100MB`` or ``1.5GiB``.

    >>> parse_size("64MiB"), parse_size("100 kb"), parse_size("4096")
    (67108864, 100000, 4096)
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        raise OptionError(f"{text!r} is not a size such as 65536, 64MiB or 100MB")
    number, prefix, binary = match.groups()
    power = "kmg".index(prefix.lower()) + 1 if prefix else 0
    value = int(float(number) * (1024 if binary else 1000) ** power)
    if value < 1:
        raise OptionError(f"the block size must be at least one byte, not {text!r}")
    return value
