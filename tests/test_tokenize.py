"""tokenize: labelled cases, losslessness, offsets, the CLI, and accuracy on the dev set."""

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from arabic_tools import OptionError, RuleError, Tokenizer, rulebook, tokenize
from cli.main import app

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "tokenize.yaml").read_text(encoding="utf-8"))


def _case_param(case: dict) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.get("comment", ""))] if case.get("expect") == "fail" else []
    return pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_labelled_case(case: dict) -> None:
    options = dict(case.get("options", {}))
    if "split" in options:
        options["split"] = tuple(options["split"])
    assert Tokenizer(**options)(case["input"]) == case["expected"]


def _unmarked(tokens: str, marker: str = "+") -> str:
    """The tokenized text with markers and spaces removed."""
    pieces = [t[len(marker):] if t.startswith(marker) and len(t) > len(marker) else t for t in tokens.split(" ")]
    return "".join(pieces)


ARABIC_TEXT = st.text(alphabet=st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويىةءأإآؤئ") + ["\u064E", "\u0651", " ", ".", "،", "1", "a"]),
                      max_size=40)


@settings(max_examples=200, deadline=None)
@given(ARABIC_TEXT)
def test_output_is_lossless(text: str) -> None:
    assert _unmarked(tokenize(text)) == text.replace(" ", "")


@settings(max_examples=100, deadline=None)
@given(ARABIC_TEXT)
def test_offsets_point_into_the_input(text: str) -> None:
    for token in Tokenizer().tokens(text):
        assert text[token.start:token.end] == token.text


def test_diacritics_stay_on_the_stem() -> None:
    assert tokenize("كِتَابُهُ") == "كِتَابُ +هُ"


def test_restore_stem_keeps_the_marks_of_unchanged_letters() -> None:
    assert tokenize("كِتَابُهُ", restore_stem=True) == "كِتَابُ +هُ"
    assert tokenize("سَيَّارَتِي", restore_stem=True) == "سَيَّارَة +ي"


def test_token_kinds() -> None:
    kinds = [(t.text, t.kind) for t in Tokenizer().tokens("كلامها، ok 12")]
    assert kinds == [("كلام", "word"), ("ها", "enclitic"), ("،", "punctuation"), ("ok", "latin"), ("12", "number")]


def test_unknown_category_is_an_option_error() -> None:
    with pytest.raises(OptionError, match="unknown clitic category 'possessive'"):
        Tokenizer(split=("possessive",))("x")


def test_block_of_lines_equals_line_by_line() -> None:
    lines = ["قال إنه يحب كلامها.", "", "سيارتي\r", "في بيتهم"]
    for options in ({}, {"format": "jsonl"}):
        tokenizer = Tokenizer(**options)
        assert tokenizer("\n".join(lines) + "\n") == "\n".join(tokenizer(line) for line in lines) + "\n"


def test_duplicate_host_is_a_rule_error() -> None:
    text = (rulebook.find("tokenize").read_text(encoding="utf-8")
            .replace('hosts:\n', 'hosts:\n  - {host: "\\u0644"}\n', 1))
    from arabic_tools.tokenize import compile_rules

    with pytest.raises(RuleError, match=r"hosts\[1\]\.host: 'ل' is listed twice"):
        compile_rules(rulebook.parse(text, "tokenize.yaml"))


def test_shipped_rule_file_checks() -> None:
    rulebook.check(rulebook.load("tokenize"))


# -- CLI

runner = CliRunner()


def test_cli_text_keeps_lines_and_endings() -> None:
    result = runner.invoke(app, ["tokenize"], input="قال إنه يحب كلامها.\r\n\nسيارتي".encode())
    assert result.exit_code == 0
    assert result.stdout_bytes == "قال إن +ه يحب كلام +ها .\r\n\nسيارت +ي".encode()


def test_cli_restore_stem_and_marker() -> None:
    result = runner.invoke(app, ["tokenize", "--restore-stem", "--marker", "@"], input="سيارتي في مستشفاه\n".encode())
    assert result.exit_code == 0
    assert result.stdout_bytes == "سيارة @ي في مستشفى @ه\n".encode()


def test_cli_jsonl_one_line_per_line() -> None:
    result = runner.invoke(app, ["tokenize", "--format", "jsonl"], input="بيته\n\n".encode())
    assert result.exit_code == 0
    lines = result.stdout_bytes.decode().split("\n")
    assert lines[2] == ""
    assert json.loads(lines[0]) == {"tokens": [
        {"text": "بيت", "start": 0, "end": 3, "kind": "word"},
        {"text": "ه", "start": 3, "end": 4, "kind": "enclitic", "category": "pronoun"}]}
    assert json.loads(lines[1]) == {"tokens": []}


def test_cli_tsv_field() -> None:
    result = runner.invoke(app, ["tokenize", "-f", "2", "--header"], input="id\ttext\nu1\tبيتهم\n".encode())
    assert result.exit_code == 0
    assert result.stdout_bytes == "id\ttext\nu1\tبيت +هم\n".encode()


def test_cli_bad_split_is_a_usage_error() -> None:
    result = runner.invoke(app, ["tokenize", "--split", "possessive"], input=b"x\n")
    assert result.exit_code == 2
    assert "unknown clitic category 'possessive'" in result.stderr
    assert result.stdout_bytes == b""


def test_cli_bad_utf8_names_the_line() -> None:
    result = runner.invoke(app, ["tokenize"], input=b"ok\n\xff\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("arabic-tools: -:2: not valid UTF-8")


# -- accuracy on the development set (the thresholds)

def test_accuracy_thresholds_on_wikinews(shared_data: Path) -> None:
    spec = importlib.util.spec_from_file_location("score_tokenize", Path(__file__).parent.parent / "benchmarks" / "score_tokenize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result, _, _ = module.evaluate(shared_data / "segmentation" / "wikinews-enclitics.tsv",
                                   shared_data.parent / "tools" / "score_enclitics.py")
    assert result["misaligned_sentences"] == 0
    assert result["token_accuracy"] >= 0.995
    assert result["enclitic_f1"] >= 0.96


# -- the optional camel-tools backend

def test_morphology_backend_needs_a_database() -> None:
    result = runner.invoke(app, ["tokenize", "--backend", "morphology"], input=b"x\n")
    assert result.exit_code == 2
    assert "--backend morphology needs --db: a camel-tools morphology database" in result.stderr


def test_morphology_backend_missing_database_is_one_line() -> None:
    result = runner.invoke(app, ["tokenize", "--backend", "morphology", "--db", "/nonexistent/calima.db"], input=b"x\n")
    assert result.exit_code == 1
    assert result.stderr == "arabic-tools: /nonexistent/calima.db: No such file or directory\n"


def test_morphology_backend_gulf_database(shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # where an empty camel-tools catalogue may be written
    database = str(shared_data / "camel" / "calima-glf-01.db")
    result = runner.invoke(app, ["tokenize", "--backend", "morphology", "--db", database], input="بيتج قاله عربي\n".encode())
    assert result.exit_code == 0
    assert result.stdout_bytes == "بيت +ج قال +ه عربي\n".encode()


def test_morphology_database_by_installed_name(shared_data: Path, tmp_path: Path, camel_catalogue) -> None:
    folder = tmp_path / "glf"
    folder.mkdir()
    (folder / "morphology.db").symlink_to(shared_data / "camel" / "calima-glf-01.db")
    camel_catalogue({"calima-glf-01": folder, "calima-msa-r13": tmp_path / "absent"})
    result = runner.invoke(app, ["tokenize", "--backend", "morphology", "--db", "calima-glf-01"], input="بيتج قاله عربي\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "بيت +ج قال +ه عربي\n".encode()
    result = runner.invoke(app, ["tokenize", "--backend", "morphology", "--db", "calima-msa-r13"], input=b"x\n")
    assert result.exit_code == 2
    assert "calima-msa-r13: listed by camel-tools but not installed (installed: calima-glf-01;" in " ".join(result.stderr.split())


def test_morphology_database_unknown_name_is_usage_error(camel_catalogue) -> None:
    camel_catalogue({})
    result = runner.invoke(app, ["tokenize", "--backend", "morphology", "--db", "calima-xyz"], input=b"x\n")
    assert result.exit_code == 2
    assert "calima-xyz: not a file, nor a database name camel-tools lists (installed: none;" in " ".join(result.stderr.split())


def test_morphology_backend_thresholds_on_wikinews(shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    spec = importlib.util.spec_from_file_location("score_tokenize", Path(__file__).parent.parent / "benchmarks" / "score_tokenize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result, _, _ = module.evaluate(shared_data / "segmentation" / "wikinews-enclitics.tsv",
                                   shared_data.parent / "tools" / "score_enclitics.py",
                                   backend="morphology", database=str(shared_data / "camel" / "calima-msa-r13.db"))
    assert result["token_accuracy"] >= 0.995
    assert result["enclitic_f1"] >= 0.96
