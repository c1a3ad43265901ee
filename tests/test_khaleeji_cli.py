"""khaleeji on the command line: exact bytes, line preservation, errors and exit codes."""

import json

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def invoke(args, data=b""):
    return runner.invoke(app, ["khaleeji", *args], input=data)


def test_stdin_to_stdout_keeps_every_line_and_ending():
    data = "كَيْفَ حَالُكِ؟\r\n\nThe end, 2024.\nقَالَ لِي".encode()
    result = invoke(["--dialect", "kuwaiti"], data)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "شْلُونِچ؟\r\n\nThe end, 2024.\nگَال لِي".encode()
    assert result.stderr == ""


def test_spelling_form():
    result = invoke(["--form", "spelling"], "سوف أذهب إلى السوق الآن\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "بروح السوق الحين\n".encode()


def test_phonemes_form():
    result = invoke(["--form", "phonemes", "-d", "omani"], "قَالَ لِي\n".encode())
    assert result.stdout_bytes == "qaːl liː\n".encode()


def test_data_alias_dialect_name():
    result = invoke(["-d", "saudi_najdi"], "لِمَاذَا ذَهَبْتَ؟\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "لَيْه رِحْت؟\n".encode()


def test_explain_keeps_one_line_per_input_line():
    result = invoke(["--explain"], "هَلْ عِنْدَكَ سَيَّارَةٌ؟\n\nok\n".encode())
    assert result.exit_code == 0, result.stderr
    lines = result.stdout_bytes.decode().split("\n")
    assert len(lines) == 4 and lines[-1] == ""
    first = json.loads(lines[0])
    assert first["output"] == "عِنْدَك سَيَّارَة؟"
    assert [w["word"] for w in first["words"]] == ["هَلْ", "عِنْدَكَ", "سَيَّارَةٌ"]
    assert json.loads(lines[1]) == {"input": "", "output": "", "words": []}
    assert json.loads(lines[2])["output"] == "ok"


def test_tsv_field_only():
    result = invoke(["-f", "2", "--header", "--form", "spelling"], "id\ttext\nu1\tلم أذهب\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "id\ttext\nu1\tما رحت\n".encode()


def test_unknown_dialect_is_a_usage_error():
    result = invoke(["--dialect", "hijazi"], "قَالَ\n".encode())
    assert result.exit_code == 2
    assert "unknown dialect 'hijazi'" in result.stderr
    assert result.stdout_bytes == b""


def test_unknown_form_is_a_usage_error():
    result = invoke(["--form", "ipa"], "قَالَ\n".encode())
    assert result.exit_code == 2
    assert "unknown form 'ipa'" in result.stderr


def test_invalid_utf8_is_exit_1_with_line(tmp_path):
    bad = tmp_path / "in.txt"
    bad.write_bytes("قَالَ\n".encode() + b"\xd9\n")
    result = invoke([str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"arabic-tools: {bad}:2: not valid UTF-8")


def test_broken_user_profile_is_exit_1_naming_the_file(tmp_path):
    (tmp_path / "khaleeji").mkdir()
    (tmp_path / "khaleeji" / "mine.yaml").write_text(
        'kind: khaleeji\ndescription: "x"\ninherits: khaleeji/gulf\nsettings:\n  j: "z"\n', encoding="utf-8")
    result = invoke(["--rules", str(tmp_path), "-d", "mine"], "قَالَ\n".encode())
    assert result.exit_code == 1
    assert result.stderr.startswith("arabic-tools: ")
    assert "mine.yaml: settings.j: 'z' must be one of y, j, g" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_check_validates_the_profiles():
    result = runner.invoke(app, ["rules", "check"])
    assert result.exit_code == 0, result.stderr
