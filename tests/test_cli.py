import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

GOLDEN = Path(__file__).resolve().parent / "golden"
runner = CliRunner()


def invoke(args, data=b""):
    return runner.invoke(app, args, input=data)


@pytest.mark.parametrize("source", sorted(GOLDEN.glob("*.in.txt")), ids=lambda p: p.name[: -len(".in.txt")])
def test_golden(source):
    name = source.name[: -len(".in.txt")]
    args = shlex.split((GOLDEN / f"{name}.args").read_text(encoding="utf-8"))
    result = invoke(args, source.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == (GOLDEN / f"{name}.out.txt").read_bytes()


@pytest.mark.parametrize("source", sorted(GOLDEN.glob("*.in.txt")), ids=lambda p: p.name[: -len(".in.txt")])
def test_golden_with_two_jobs_and_output_file(source, tmp_path):
    name = source.name[: -len(".in.txt")]
    args = shlex.split((GOLDEN / f"{name}.args").read_text(encoding="utf-8"))
    target = tmp_path / "out.txt"
    result = invoke([*args, str(source), "--jobs", "2", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""
    assert target.read_bytes() == (GOLDEN / f"{name}.out.txt").read_bytes()


def test_version():
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("arabic-tools ")


def test_invalid_utf8_is_exit_1_with_file_and_line(tmp_path):
    bad = tmp_path / "in.txt"
    bad.write_bytes("سطر\n".encode() + b"\xd8\n")
    result = invoke(["strip-diacritics", str(bad)])
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {bad}:2: not valid UTF-8 (byte 0xD8 at column 1)\n"


def test_invalid_json_line_is_exit_1():
    result = invoke(["normalize", "-k", "utt"], b'{"utt": "a"}\n{"utt": \n')
    assert result.exit_code == 1
    assert result.stderr.startswith("arabic-tools: -:2: not valid JSON")
    assert "Traceback" not in result.stderr


def test_missing_field_is_exit_1():
    result = invoke(["normalize", "-f", "3"], b"a\tb\n")
    assert result.exit_code == 1
    assert result.stderr == "arabic-tools: -:1: line has 2 fields, no field 3\n"


def test_missing_file_is_exit_1():
    result = invoke(["normalize", "/no/such/file.txt"])
    assert result.exit_code == 1
    assert result.stderr == "arabic-tools: /no/such/file.txt: No such file or directory\n"


def test_directory_as_input_is_exit_1(tmp_path):
    result = invoke(["normalize", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {tmp_path}: Is a directory\n"


def test_field_and_key_together_is_a_usage_error():
    result = invoke(["normalize", "-f", "1", "-k", "utt"])
    assert result.exit_code == 2


def test_output_may_not_be_the_input(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("x\n")
    result = invoke(["normalize", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert source.read_text() == "x\n"


def test_unknown_option_value_is_a_usage_error_before_reading():
    result = invoke(["strip-diacritics", "--keep", "shada"], b"x\n")
    assert result.exit_code == 2
    assert "unknown diacritic shada" in result.stderr
    assert result.stdout_bytes == b""


def test_failed_run_leaves_no_output_file(tmp_path):
    target = tmp_path / "out.txt"
    result = invoke(["normalize", "-f", "2", "-o", str(target)], b"a\tb\nc\n")
    assert result.exit_code == 1
    assert not target.exists()


def test_keep_none_and_tatweel_remove():
    result = invoke(["strip-diacritics", "--keep", "none", "--tatweel", "remove"], "مُحَمَّـــدٌ\n".encode())
    assert result.stdout_bytes == "محمد\n".encode()


def test_normalize_enable_disable_digits():
    result = invoke(["normalize", "-e", "teh_marbuta", "-d", "alef", "--digits", "arabic"], "أسرة 3\n".encode())
    assert result.stdout_bytes == "أسره ٣\n".encode()


def test_rules_overlay_directory_replaces_a_shipped_file(tmp_path):
    (tmp_path / "normalize.yaml").write_text(
        'kind: normalize\ndescription: "only tatweel"\ngroups:\n  tatweel:\n    default: true\n'
        '    description: "x"\n    map:\n      "\\u0640": ""\n', encoding="utf-8")
    result = invoke(["normalize", "--rules", str(tmp_path)], "أحمـــد\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "أحمد\n".encode()


def test_broken_rule_file_is_exit_1_naming_file_and_entry(tmp_path):
    (tmp_path / "normalize.yaml").write_text(
        'kind: normalize\ndescription: "x"\ngroups:\n  alef:\n    default: yes\n    description: "x"\n'
        '    map:\n      "ab": "c"\n', encoding="utf-8")
    result = invoke(["normalize", "--rules", str(tmp_path)], b"x\n")
    assert result.exit_code == 1
    assert result.stderr == (f"arabic-tools: {tmp_path / 'normalize.yaml'}: groups.alef.map.'ab': "
                             "'ab' must be one character or a range such as \"\\u064B-\\u0652\"\n")


def test_rules_list_show_check():
    listing = invoke(["rules", "list"])
    assert listing.exit_code == 0
    names = [line.split("\t")[0] for line in listing.stdout.splitlines()]
    assert {"characters", "clitics", "normalize", "transliterate"} <= set(names)
    shown = invoke(["rules", "show", "normalize"])
    assert shown.exit_code == 0 and "alef_maksura" in shown.stdout
    checked = invoke(["rules", "check"])
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.endswith("rule files OK\n")


def test_rules_check_reports_a_bad_file(tmp_path):
    bad = tmp_path / "characters.yaml"
    bad.write_text('kind: characters\ndescription: "x"\ndiacritics:\n  fatha: ["\\u064E"]\n'
                   'keep_by_default: [shada]\nletter_marks: []\nletter_classes: {}\n', encoding="utf-8")
    result = invoke(["rules", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {bad}: keep_by_default[0]: 'shada' is not a diacritic named under 'diacritics'\n"


def test_rules_show_unknown_name_is_exit_1():
    result = invoke(["rules", "show", "nope"])
    assert result.exit_code == 1
    assert result.stderr.startswith("arabic-tools: no rule file named 'nope'")
