"""Block planning and per-block mapping of the Dask engine, run in this process (no cluster).

The worker function ``map_block`` is called directly for every planned block; the
concatenated part files must equal the local engine's output for any block size.
"""

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_tools import LineMapper, Normalizer, engines, streams
from arabic_tools.errors import OptionError

lines = st.lists(st.tuples(st.text(alphabet="اأإبة ـ\t\rx", max_size=30), st.sampled_from(["\n", "\r\n"])),
                 max_size=30)


def run_blocks(source: Path, out: Path, mapper: LineMapper, block_size: int, header: bool = False) -> bytes:
    work = engines.plan(str(source), block_size)
    out.mkdir()
    for block in work.blocks:
        result = engines.map_block(block, mapper, str(out), header, "")
        if result.error is not None:
            raise AssertionError(result.error)
    return b"".join(p.read_bytes() for p in sorted(out.iterdir()))


def run_local(data: bytes, mapper: LineMapper, header: bool = False) -> bytes:
    out = io.BytesIO()
    streams.run(mapper, "-", io.BytesIO(data), out, header=header)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(content=lines, last=st.text(alphabet="اأ x", max_size=5), block_size=st.integers(1, 40), header=st.booleans())
def test_any_block_size_gives_the_local_bytes(tmp_path_factory, content, last, block_size, header):
    data = ("".join(a + b for a, b in content) + last).encode("utf-8")
    folder = tmp_path_factory.mktemp("blocks")
    source = folder / "in.txt"
    source.write_bytes(data)
    mapper = LineMapper(Normalizer())
    assert run_blocks(source, folder / "out", mapper, block_size, header) == run_local(data, mapper, header)


def test_directory_inputs_are_sorted_and_hidden_files_skipped(tmp_path):
    for name in ["b.txt", "a.txt", "sub/c.txt", ".hidden", "_SUCCESS", "sub/.tmp/d.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    work = engines.plan(str(tmp_path))
    assert [Path(f.url).relative_to(tmp_path).as_posix() for f in work.files] == ["a.txt", "b.txt", "sub/c.txt"]


def test_part_names_sort_in_input_order(tmp_path):
    (tmp_path / "a.txt").write_text("x\n" * 600)
    work = engines.plan(str(tmp_path / "a.txt"), block_size=10)
    names = [b.part for b in work.blocks]
    assert len(names) == 120
    assert names == sorted(names)
    assert names[0] == "part-00000"


def test_a_single_file_keeps_the_name_it_was_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in.txt").write_text("x\n")
    assert engines.plan("in.txt").files[0].source == "in.txt"


def test_empty_files_have_no_blocks(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "one.txt").write_bytes(b"x\n")
    assert len(engines.plan(str(tmp_path)).blocks) == 1


def test_errors_carry_the_line_within_the_block(tmp_path):
    (tmp_path / "in.tsv").write_text("a\tb\nc\n")
    block = engines.plan(str(tmp_path / "in.tsv")).blocks[0]
    (tmp_path / "out").mkdir()
    result = engines.map_block(block, LineMapper(str.upper, field=2), str(tmp_path / "out"), False, "")
    assert result.error == (2, "line has 1 field, no field 2")
    assert result.lines == 2
    assert list((tmp_path / "out").iterdir()) == []  # no part for a failed block


@pytest.mark.parametrize("text", ["0", "-1", "12 parsecs", ""])
def test_bad_block_sizes(text):
    with pytest.raises(OptionError):
        engines.parse_size(text)


def test_plan_rejects_a_zero_block_size(tmp_path):
    with pytest.raises(OptionError):
        engines.plan(str(tmp_path), 0)



def test_local_engine_takes_the_block_size_option_too(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    source = tmp_path / "in.txt"
    source.write_bytes("أحمد إلى آخر\r\nﻻ تـــأكل\n".encode() * 50)
    runner = CliRunner()
    whole = runner.invoke(app, ["normalize", str(source)])
    small = runner.invoke(app, ["normalize", str(source), "--block-size", "10", "--jobs", "2"])
    assert small.exit_code == 0, small.stderr
    assert small.stdout_bytes == whole.stdout_bytes
    assert runner.invoke(app, ["normalize", str(source), "--block-size", "0"]).exit_code == 2


def test_jobs_share_a_small_file_without_a_block_size(tmp_path, monkeypatch):
    """A file of a few hundred KiB is one block for one job, and several for --jobs 2."""
    from typer.testing import CliRunner

    from arabic_tools import streams
    from cli.main import app

    source = tmp_path / "in.txt"
    source.write_bytes("أحمد إلى آخر\r\nﻻ تـــأكل\n".encode() * 8000)  # 336 KB
    sizes: list[int] = []
    read_blocks = streams.read_blocks

    def counted(*args, **kwargs):
        for block in read_blocks(*args, **kwargs):
            sizes.append(len(block[1]))
            yield block

    monkeypatch.setattr(streams, "read_blocks", counted)
    runner = CliRunner()
    one = runner.invoke(app, ["normalize", str(source)])
    assert sizes == [source.stat().st_size]
    sizes.clear()
    two = runner.invoke(app, ["normalize", str(source), "--jobs", "2"])
    assert two.exit_code == 0, two.stderr
    assert two.stdout_bytes == one.stdout_bytes
    assert len(sizes) >= 4 and sum(sizes) == source.stat().st_size


def test_an_empty_directory_has_no_input_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no input files there"):
        engines.plan(str(tmp_path))
