"""Streaming I/O: apply a ``str -> str`` transform to lines, a TSV field or a JSONL key.

This is the only module that touches files, and it knows nothing about Arabic. Its
contract, on which parallel corpora depend:

- every line in gives exactly one line out, with its ending (``\\n``, ``\\r\\n`` or
  none at the end of the file) unchanged; a lone ``\\r`` inside a line is content;
- everything outside the edited text is preserved byte for byte: other TSV fields, and
  in JSON Lines every other key, the key order, the spacing and the escapes (only the
  edited string value is re-encoded, with ``ensure_ascii=False``);
- input is UTF-8 whatever the locale, and bad input raises ``InputError`` naming the
  source and the line;
- memory stays bounded: input is read in blocks of about ``BLOCK_SIZE`` bytes (less for
  a small file and several jobs: ``block_size_for``), cut at line ends, and with
  ``jobs > 1`` at most ``2 * jobs`` blocks are in flight.

Transforms that never look across a line break declare ``blockwise = True``; whole-line
mapping then hands them a block of many lines at once, which is much faster for
vectorised transforms and gives the same bytes.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, BinaryIO

from arabic_tools.errors import InputError

Transform = Callable[[str], str]

BLOCK_SIZE = 1 << 20
MIN_PARALLEL_BLOCK = 1 << 16
STDIO = "-"


class LineProblem(Exception):
    """What is wrong with one line; the caller adds source and line number (``InputError``)."""


@dataclass(frozen=True)
class LineMapper:
    """Applies ``transform`` to a line body: all of it, TSV ``field`` (1-based) or JSONL ``key``.

    Picklable whenever the transform is, so worker processes and cluster engines can
    run it.

    >>> LineMapper(str.upper, field=2)("a\\tb\\tc")
    'a\\tB\\tc'
    >>> LineMapper(str.upper, key="utt")('{"id": 1, "utt": "hi"}')
    '{"id": 1, "utt": "HI"}'
    """

    transform: Transform
    field: int | None = None
    key: str | None = None

    def __post_init__(self) -> None:
        if self.field is not None and self.key is not None:
            raise ValueError("choose a TSV field or a JSON key, not both")
        if self.field is not None and self.field < 1:
            raise ValueError("TSV fields are numbered from 1")

    @property
    def blockwise(self) -> bool:
        return self.field is None and self.key is None and getattr(self.transform, "blockwise", False)

    def __call__(self, body: str) -> str:
        if self.field is not None:
            return _edit_tsv(body, self.field, self.transform)
        if self.key is not None:
            return _edit_json(body, self.key, self.transform)
        return self.transform(body)


def _edit_tsv(body: str, field: int, transform: Transform) -> str:
    parts = body.split("\t")
    if field > len(parts):
        count = "1 field" if len(parts) == 1 else f"{len(parts)} fields"
        raise LineProblem(f"line has {count}, no field {field}")
    parts[field - 1] = transform(parts[field - 1])
    return "\t".join(parts)


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _edit_json(body: str, key: str, transform: Transform) -> str:
    if not body.strip():
        return body  # blank lines pass through
    _, value = json_record(body, key)
    new = transform(value)
    if new == value:
        return body
    start, end = _value_span(body, key)
    return body[:start] + json.dumps(new, ensure_ascii=False) + body[end:]


def json_record(body: str, key: str) -> tuple[dict[str, Any], str]:
    """Parse one JSON Lines record and return it with the string value of ``key``.

    Raises ``LineProblem`` saying what is wrong: not JSON, not an object, no such key,
    or a value that is not a string.

    >>> json_record('{"utt": "a", "id": 1}', "utt")
    ({'utt': 'a', 'id': 1}, 'a')
    """
    try:
        record = json.loads(body)
    except json.JSONDecodeError as error:
        raise LineProblem(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise LineProblem("not a JSON object")
    if key not in record:
        raise LineProblem(f"no key {key!r}")
    value = record[key]
    if not isinstance(value, str):
        raise LineProblem(f"key {key!r} is not a string")
    return record, value


def _value_span(body: str, key: str) -> tuple[int, int]:
    """Where the value of top-level ``key`` is written in a valid JSON object.

    Like ``json.loads``, the last of duplicate keys wins.
    """
    i = _WHITESPACE.match(body, 0).end() + 1  # type: ignore[union-attr]
    span = (0, 0)
    while True:
        i = _WHITESPACE.match(body, i).end()  # type: ignore[union-attr]
        if body[i] == "}":
            return span
        name, i = scanstring(body, i + 1)
        i = _WHITESPACE.match(body, i).end() + 1  # type: ignore[union-attr]  # past ':'
        i = _WHITESPACE.match(body, i).end()  # type: ignore[union-attr]
        _, end = _DECODER.raw_decode(body, i)
        if name == key:
            span = (i, end)
        i = _WHITESPACE.match(body, end).end()  # type: ignore[union-attr]
        if body[i] == ",":
            i += 1


def split_ending(line: str) -> tuple[str, str]:
    """Split a line into its body and its ending (``\\r\\n``, ``\\n`` or ``""``).

    >>> split_ending("abc\\r\\n")
    ('abc', '\\r\\n')
    >>> split_ending("a\\rb")
    ('a\\rb', '')
    """
    if line.endswith("\r\n"):
        return line[:-2], "\r\n"
    if line.endswith("\n"):
        return line[:-1], "\n"
    return line, ""


def map_lines(lines: Iterable[str], mapper: Callable[[str], str], source: str = STDIO) -> Iterator[str]:
    """Apply ``mapper`` to the body of each line, keeping endings and line count.

    ``mapper`` is a transform or a ``LineMapper``; problems raise ``InputError``.

    >>> list(map_lines(["a\\r\\n", "b"], str.upper))
    ['A\\r\\n', 'B']
    """
    for lineno, line in enumerate(lines, 1):
        body, ending = split_ending(line)
        try:
            yield mapper(body) + ending
        except LineProblem as problem:
            raise InputError(source, lineno, str(problem)) from None


def map_tsv(lines: Iterable[str], transform: Transform, field: int, source: str = STDIO) -> Iterator[str]:
    """Apply ``transform`` to TSV field ``field`` (1-based, no quoting, as ``cut -f``)."""
    return map_lines(lines, LineMapper(transform, field=field), source)


def map_jsonl(lines: Iterable[str], transform: Transform, key: str, source: str = STDIO) -> Iterator[str]:
    """Apply ``transform`` to the string value of ``key`` in each JSON Lines record."""
    return map_lines(lines, LineMapper(transform, key=key), source)


def process_block(mapper: LineMapper, source: str, first_line: int, block: bytes) -> bytes:
    """Map one block of whole lines (UTF-8 bytes) and return the output bytes.

    ``first_line`` is the number of the block's first line, for error messages.
    """
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = block.rfind(b"\n", 0, error.start) + 1
        lineno = first_line + block.count(b"\n", 0, error.start)
        column = len(block[line_start:error.start].decode("utf-8", "replace")) + 1
        raise InputError(source, lineno, f"not valid UTF-8 (byte 0x{block[error.start]:02X} at column {column})") from None
    if mapper.blockwise:
        return mapper.transform(text).encode("utf-8")
    lines = text.split("\n")
    last = lines.pop()  # the text after the last line break: a final line without ending, or ""
    out = []
    for offset, line in enumerate(lines):
        cr = line.endswith("\r")
        try:
            out.append(mapper(line[:-1] if cr else line))
        except LineProblem as problem:
            raise InputError(source, first_line + offset, str(problem)) from None
        out.append("\r\n" if cr else "\n")
    if last:
        try:
            out.append(mapper(last))
        except LineProblem as problem:
            raise InputError(source, first_line + len(lines), str(problem)) from None
    return "".join(out).encode("utf-8")


def decode_lines(stream: BinaryIO, source: str) -> Iterator[str]:
    """The lines of a binary stream as text (endings kept), for commands that read whole records.

    >>> import io
    >>> list(decode_lines(io.BytesIO(b"a\\r\\nb"), "in.txt"))
    ['a\\r\\n', 'b']
    """
    for lineno, raw in enumerate(stream, 1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            column = len(raw[:error.start].decode("utf-8", "replace")) + 1
            raise InputError(source, lineno, f"not valid UTF-8 (byte 0x{raw[error.start]:02X} at column {column})") from None


def write_lines(stream: BinaryIO, lines: Iterable[str], batch: int = 2048) -> None:
    """Write text lines (with their endings) as UTF-8, encoding them in batches."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= batch:
            stream.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    stream.write("".join(chunk).encode("utf-8"))


def block_size_for(size: int | None, jobs: int) -> int:
    """The block size to read an input of ``size`` bytes (None: unknown) in for ``jobs`` workers.

    ``BLOCK_SIZE``, or less for a file too small to give each worker about four blocks
    (but never under ``MIN_PARALLEL_BLOCK``): with the default, a file of a few MiB
    would keep one worker busy and leave the others idle.

    >>> block_size_for(None, 2) == block_size_for(100 << 20, 2) == block_size_for(500_000, 1) == BLOCK_SIZE
    True
    >>> block_size_for(2_000_000, 2), block_size_for(100_000, 2)
    (250000, 65536)
    """
    if jobs <= 1 or size is None:
        return BLOCK_SIZE
    return max(MIN_PARALLEL_BLOCK, min(BLOCK_SIZE, -(-size // (4 * jobs))))


def read_blocks(stream: BinaryIO, first_line: int = 1, block_size: int = BLOCK_SIZE) -> Iterator[tuple[int, bytes]]:
    """Yield ``(number of first line, bytes)`` blocks of whole lines from a binary stream."""
    while True:
        block = stream.read(block_size)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += stream.readline()
        yield first_line, block
        first_line += block.count(b"\n")


def run(mapper: LineMapper, source: str, instream: BinaryIO, outstream: BinaryIO, *,
        header: bool = False, jobs: int = 1, block_size: int = BLOCK_SIZE,
        on_progress: Callable[[int], None] | None = None) -> None:
    """Stream ``instream`` through ``mapper`` into ``outstream``.

    ``header`` passes the first line through unchanged. ``jobs > 1`` maps blocks in
    that many worker processes; the output bytes are the same as with one.
    """
    first_line = 1
    if header:
        line = instream.readline()
        outstream.write(line)
        first_line = 2
        if on_progress:
            on_progress(len(line))
    blocks = read_blocks(instream, first_line, block_size)
    if jobs <= 1:
        for start, block in blocks:
            outstream.write(process_block(mapper, source, start, block))
            if on_progress:
                on_progress(len(block))
        return
    # Bounded window of in-flight blocks, results written in input order.
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: collections.deque[tuple[int, Future[bytes]]] = collections.deque()
        try:
            for start, block in blocks:
                pending.append((len(block), pool.submit(process_block, mapper, source, start, block)))
                if len(pending) >= 2 * jobs:
                    _write_next(pending, outstream, on_progress)
            while pending:
                _write_next(pending, outstream, on_progress)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _write_next(pending: collections.deque[tuple[int, Future[bytes]]], outstream: BinaryIO,
                on_progress: Callable[[int], None] | None) -> None:
    size, future = pending.popleft()
    outstream.write(future.result())
    if on_progress:
        on_progress(size)


@contextlib.contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """``path`` opened for binary reading; ``-`` is standard input (never closed here)."""
    if path == STDIO:
        yield sys.stdin.buffer
        return
    with open(path, "rb") as stream:
        yield stream


def input_size(path: str) -> int | None:
    """The size in bytes of a regular input file, or None for stdin and pipes."""
    if path == STDIO:
        return None
    try:
        return os.path.getsize(path) if os.path.isfile(path) else None
    except OSError:
        return None


def same_file(input_path: str, output_path: str) -> bool:
    """True when writing ``output_path`` would overwrite ``input_path``."""
    if STDIO in (input_path, output_path):
        return False
    return os.path.realpath(input_path) == os.path.realpath(output_path)


@contextlib.contextmanager
def open_output(path: str) -> Iterator[BinaryIO]:
    """``path`` opened for binary writing, atomically; ``-`` is standard output.

    A file is written to a temporary file in the same folder and renamed over the
    target only when the block exits without an exception, so a failed run never leaves
    a half-written file for Make to trust.
    """
    if path == STDIO:
        try:
            yield sys.stdout.buffer
        finally:
            with contextlib.suppress(BrokenPipeError):
                sys.stdout.buffer.flush()
        return
    if os.path.exists(path) and not os.path.isfile(path):
        # A device or pipe (/dev/null, a named pipe) cannot be replaced by renaming.
        with open(path, "wb") as stream:
            yield stream
        return
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
