import io
import pickle

import pytest

from arabic_tools import InputError, LineMapper, map_jsonl, map_lines, map_tsv
from arabic_tools.streams import open_output, process_block, read_blocks, run, split_ending


def upper(text):
    return text.upper()


def test_lone_carriage_return_is_content():
    assert list(map_lines(["a\rb\n"], upper)) == ["A\rB\n"]


def test_endings_are_kept_per_line():
    lines = ["a\r\n", "b\n", "c"]
    assert list(map_lines(lines, upper)) == ["A\r\n", "B\n", "C"]


def test_split_ending_never_splits_a_lone_cr():
    assert split_ending("x\r") == ("x\r", "")


def test_tsv_edits_only_its_field():
    assert list(map_tsv(["a\tb\tc\r\n"], upper, 2)) == ["a\tB\tc\r\n"]


def test_tsv_keeps_quotes_as_content():
    assert list(map_tsv(['"a\tb"\n'], upper, 2)) == ['"a\tB"\n']


def test_tsv_missing_field_names_the_line():
    with pytest.raises(InputError, match=r"^in.tsv:2: line has 1 field, no field 2$"):
        list(map_tsv(["a\tb\n", "c\n"], upper, 2, source="in.tsv"))


def test_jsonl_edits_only_its_value_and_keeps_the_rest_byte_for_byte():
    line = '{"id":1,  "utt": "abc", "x": "\\u0627", "n": [1, 2]}\n'
    assert list(map_jsonl([line], upper, "utt")) == ['{"id":1,  "utt": "ABC", "x": "\\u0627", "n": [1, 2]}\n']


def test_jsonl_unchanged_value_keeps_its_escapes():
    line = '{"utt": "\\u0627"}'
    assert list(map_jsonl([line], lambda s: s, "utt")) == [line]


def test_jsonl_writes_non_ascii_unescaped():
    assert list(map_jsonl(['{"utt": "a"}'], lambda s: "\u0628", "utt")) == ['{"utt": "\u0628"}']


def test_jsonl_duplicate_keys_edit_the_last_as_json_does():
    assert list(map_jsonl(['{"k": "a", "k": "b"}'], upper, "k")) == ['{"k": "a", "k": "B"}']


def test_jsonl_nested_key_with_same_name_is_not_edited():
    line = '{"meta": {"utt": "x"}, "utt": "y"}'
    assert list(map_jsonl([line], upper, "utt")) == ['{"meta": {"utt": "x"}, "utt": "Y"}']


def test_jsonl_blank_lines_pass_through():
    assert list(map_jsonl(["\n", "  \r\n"], upper, "utt")) == ["\n", "  \r\n"]


@pytest.mark.parametrize(("line", "message"), [
    ("{bad", r"not valid JSON \(Expecting property name enclosed in double quotes at column 2\)"),
    ("[1]", "not a JSON object"),
    ('{"a": 1}', "no key 'utt'"),
    ('{"utt": 1}', "key 'utt' is not a string"),
])
def test_jsonl_errors_name_file_and_line(line, message):
    with pytest.raises(InputError, match=f"^data.jsonl:1: {message}$"):
        list(map_jsonl([line], upper, "utt", source="data.jsonl"))


def test_field_and_key_together_are_refused():
    with pytest.raises(ValueError):
        LineMapper(upper, field=1, key="k")


def test_invalid_utf8_names_line_and_column():
    block = "ok\nab".encode() + b"\xff\n"
    with pytest.raises(InputError, match=r"^f:11: not valid UTF-8 \(byte 0xFF at column 3\)$"):
        process_block(LineMapper(upper), "f", 10, block)


def test_read_blocks_cut_at_line_ends_and_count_lines():
    data = b"".join(f"line {i}\n".encode() for i in range(100))
    blocks = list(read_blocks(io.BytesIO(data), block_size=64))
    assert b"".join(b for _, b in blocks) == data
    assert all(b.endswith(b"\n") for _, b in blocks)
    starts = [start for start, _ in blocks]
    assert starts[0] == 1
    for (start, block), following in zip(blocks, starts[1:]):
        assert following == start + block.count(b"\n")


class Blockwise:
    blockwise = True

    def __call__(self, text):
        return text.upper()


@pytest.mark.parametrize("transform", [upper, Blockwise()])
@pytest.mark.parametrize("jobs", [1, 2])
def test_run_output_is_identical_for_any_jobs_and_block_size(transform, jobs):
    data = b"".join(f"l\xc3\xa9 {i}\r\n".encode() if i % 3 else f"x{i}\rz\n".encode() for i in range(3000)) + b"tail"
    expected = data.decode().upper().encode()
    out = io.BytesIO()
    run(LineMapper(transform), "-", io.BytesIO(data), out, jobs=jobs, block_size=1000)
    assert out.getvalue() == expected


def test_run_error_in_a_later_block_has_the_absolute_line_number():
    data = b"a\tb\n" * 500 + b"no-tab\n" + b"a\tb\n" * 10
    with pytest.raises(InputError, match=r"^in:501: "):
        run(LineMapper(upper, field=2), "in", io.BytesIO(data), io.BytesIO(), jobs=2, block_size=100)


def test_run_header_passes_through_and_numbers_continue():
    data = b"id\ttext\nx\n"
    with pytest.raises(InputError, match=r"^in:2: "):
        run(LineMapper(upper, field=2), "in", io.BytesIO(data), io.BytesIO(), header=True)
    out = io.BytesIO()
    run(LineMapper(upper, field=2), "in", io.BytesIO(b"id\ttext\n1\tab\n"), out, header=True)
    assert out.getvalue() == b"id\ttext\n1\tAB\n"


def test_line_mapper_pickles():
    mapper = LineMapper(upper, field=3)
    assert pickle.loads(pickle.dumps(mapper)) == mapper


def test_output_is_atomic(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with open_output(str(target)) as stream:
            stream.write(b"partial")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
    with open_output(str(target)) as stream:
        stream.write(b"new")
    assert target.read_bytes() == b"new"
