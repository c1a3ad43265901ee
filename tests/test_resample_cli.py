"""The resample command: exact output bytes, reports, exit codes and error messages."""

import json

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()

TEXT = "اتصل على [person : محمد]\nاتصل على [person : خالد]\nارسل رسالة [person : لخالد]\nوقف المنبه\n".encode()
RECORDS = (
    '{"id": "1", "locale": "ar-SA", "intent": "calling", "utt": "اتصل على محمد", "annot_utt": "اتصل على [person : محمد]"}\n'
    '{"id": "2", "locale": "ar-SA", "intent": "calling", "utt": "اتصل على خالد", "annot_utt": "اتصل على [person : خالد]"}\n'
    '{"id": "3", "locale": "ar-SA", "intent": "email", "utt": "ارسل لمحمد", "annot_utt": "ارسل [person : لمحمد]"}\n'
).encode()


def invoke(args, data=b""):
    return runner.invoke(app, args, input=data)


def test_text_input_exact_bytes():
    result = invoke(["resample", "--format", "text", "-n", "5", "--quiet"], TEXT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == (
        "اتصل على [person : خالد]\n"
        "اتصل على [person : محمد]\n"
        "ارسل رسالة [person : لخالد]\n"
        "ارسل رسالة [person : لمحمد]\n"
        "وقف المنبه\n"
    ).encode()
    assert result.stderr == ""


def test_jsonl_records_keep_the_schema_and_add_source_and_template():
    result = invoke(["resample", "-n", "4", "--quiet", "--seed", "3"], RECORDS)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["r1", "r2", "r3", "r4"]
    assert list(records[0]) == ["id", "locale", "intent", "utt", "annot_utt", "source_id", "template"]
    assert {(r["template"], r["source_id"]) for r in records} == {("اتصل على <person>", "1"), ("ارسل ل<person>", "3")}
    assert sorted(r["utt"] for r in records if r["intent"] == "email") == ["ارسل لخالد", "ارسل لمحمد"]
    for record in records:
        assert record["utt"] == record["annot_utt"].replace("[person : ", "").replace("]", "")


def test_same_seed_same_bytes_and_output_file(tmp_path):
    target = tmp_path / "out.jsonl"
    first = invoke(["resample", "-n", "4", "-q", "--seed", "9"], RECORDS)
    second = invoke(["resample", "-", "-n", "4", "-q", "--seed", "9", "-o", str(target)], RECORDS)
    assert second.exit_code == 0 and second.stdout_bytes == b""
    assert target.read_bytes() == first.stdout_bytes


def test_report_file_and_table_on_stderr(tmp_path):
    report = tmp_path / "report.json"
    result = invoke(["resample", "-n", "4", "--report", str(report)], RECORDS)
    assert result.exit_code == 0, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["total_generated"] == 4
    assert data["intents"]["email"] == {"templates": 1, "sources": 1, "allocated": 2, "generated": 2}
    assert data["templates"][1]["pools"] == [{"slot": "ل<person>", "values": 2}]
    assert "complexity\tallocated\tgenerated\tpools\tintent\ttemplate\n" in result.stderr
    assert result.stderr.endswith("total\t2\t3\t4\t4\n")


def test_catalogue_values(tmp_path):
    catalogue = tmp_path / "people.txt"
    catalogue.write_text("سارة\n\nنورة\n", encoding="utf-8")
    result = invoke(["resample", "--format", "text", "-n", "20", "-q", "--values", f"person={catalogue}"], TEXT)
    assert result.exit_code == 0, result.stderr
    assert "ارسل رسالة [person : لنورة]" in result.stdout
    assert len(result.stdout.splitlines()) == 9


def test_catalogue_map_file(tmp_path):
    (tmp_path / "people.txt").write_text("سارة\n", encoding="utf-8")
    (tmp_path / "values.yaml").write_text("person: people.txt\n", encoding="utf-8")
    result = invoke(["resample", "--format", "text", "-n", "20", "-q", "--values", str(tmp_path / "values.yaml")], TEXT)
    assert result.exit_code == 0, result.stderr
    assert "اتصل على [person : سارة]" in result.stdout


def test_fewer_than_total_is_said_on_stderr():
    result = invoke(["resample", "--format", "text", "-n", "100", "-q"], TEXT)
    assert result.exit_code == 0
    assert result.stderr.startswith("arabic-tools: fewer than --total 100: only 5 distinct utterances are possible")


def test_unbalanced_bracket_is_exit_1_with_line():
    result = invoke(["resample", "--format", "text", "-n", "5"], "ok [a : b]\nbad [a : b\n".encode())
    assert result.exit_code == 1
    assert result.stderr == "arabic-tools: -:2: unbalanced brackets: '[' at column 5 is never closed\n"
    assert result.stdout_bytes == b""


def test_missing_field_is_exit_1_with_file_and_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(RECORDS + b'{"id": "4", "intent": "x"}\n')
    result = invoke(["resample", str(source), "-n", "5"])
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {source}:4: no key 'annot_utt'\n"


def test_skip_invalid_continues_and_counts():
    data = RECORDS + b'{"id": "4", "intent": "x"}\n' + b'{"id": "5", "annot_utt": "x [ : y]"}\n'
    result = invoke(["resample", "-n", "3", "--skip-invalid"], data)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert "skipped 2 invalid lines\n" in result.stderr


def test_invalid_utf8_is_exit_1():
    result = invoke(["resample", "--format", "text", "-n", "5"], b"ok [a : b]\n\xd8\n")
    assert result.exit_code == 1
    assert result.stderr == "arabic-tools: -:2: not valid UTF-8 (byte 0xD8 at column 1)\n"


def test_bad_values_option_is_a_usage_error():
    result = invoke(["resample", "--format", "text", "-n", "5", "--values", "people.txt"], TEXT)
    assert result.exit_code == 2
    assert "SLOT=FILE" in result.stderr


def test_unknown_catalogue_slot_is_a_usage_error(tmp_path):
    catalogue = tmp_path / "c.txt"
    catalogue.write_text("x\n", encoding="utf-8")
    result = invoke(["resample", "--format", "text", "-n", "5", "--values", f"artist={catalogue}"], TEXT)
    assert result.exit_code == 2
    assert "no slot called 'artist'" in result.stderr


def test_missing_catalogue_file_is_exit_1():
    result = invoke(["resample", "--format", "text", "-n", "5", "--values", "person=/nonexistent/x.txt"], TEXT)
    assert result.exit_code == 1
    assert result.stderr == "arabic-tools: /nonexistent/x.txt: No such file or directory\n"


def test_total_is_required():
    result = invoke(["resample", "--format", "text"], TEXT)
    assert result.exit_code == 2


def test_output_may_not_be_the_input(tmp_path):
    source = tmp_path / "in.txt"
    source.write_bytes(TEXT)
    result = invoke(["resample", str(source), "--format", "text", "-n", "2", "-o", str(source)])
    assert result.exit_code == 2
    assert source.read_bytes() == TEXT


def test_records_are_plain_json_whatever_the_key_order():
    data = '{"annot_utt": "رسالة [person : لمحمد]", "utt": "رسالة لمحمد", "id": "9", "note": "a\\"b"}\n'
    data += '{"annot_utt": "كلم [person : محمد]", "id": "10"}\n'
    result = invoke(["resample", "-n", "2", "-q", "--locale", "ar-SA"], data.encode())
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == json.dumps({"annot_utt": "رسالة [person : لمحمد]", "utt": "رسالة لمحمد", "id": "r1",
                                   "note": 'a"b', "source_id": "9", "template": "رسالة ل<person>"}, ensure_ascii=False)
    assert lines[1] == json.dumps({"annot_utt": "كلم [person : محمد]", "id": "r2", "utt": "كلم محمد",
                                   "source_id": "10", "template": "كلم <person>"}, ensure_ascii=False)


def test_broken_rule_overlay_is_exit_1_naming_the_entry(tmp_path):
    from arabic_tools.rulebook import rules_dir

    shipped = (rules_dir() / "resample.yaml").read_text(encoding="utf-8")
    (tmp_path / "resample.yaml").write_text(shipped.replace("per_slot: 1.0", "per_slot: -1"), encoding="utf-8")
    result = invoke(["resample", "--format", "text", "-n", "2", "--rules", str(tmp_path)], TEXT)
    assert result.exit_code == 1
    assert result.stderr == f"arabic-tools: {tmp_path / 'resample.yaml'}: complexity.per_slot: -1 must be a number >= 0\n"


def test_rule_overlay_changes_the_allocation(tmp_path):
    from arabic_tools.rulebook import rules_dir

    shipped = (rules_dir() / "resample.yaml").read_text(encoding="utf-8")
    (tmp_path / "resample.yaml").write_text(shipped.replace("max_per_template: 50", "max_per_template: 1"),
                                            encoding="utf-8")
    result = invoke(["resample", "--format", "text", "-n", "10", "-q", "--rules", str(tmp_path)], TEXT)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3
