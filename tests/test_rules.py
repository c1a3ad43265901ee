import pytest

from arabic_tools import RuleError, rulebook


@pytest.mark.parametrize("name", sorted(rulebook.available()))
def test_every_shipped_rule_file_loads_and_compiles(name):
    rules = rulebook.load(name)
    assert rules.description.strip()
    rulebook.check(rules)


def test_load_is_cached_per_search_path():
    assert rulebook.load("normalize") is rulebook.load("normalize")


@pytest.mark.parametrize(("text", "message"), [
    ("[1, 2]", "must be a mapping with 'kind' and 'description'"),
    ("kind: normalize\n", "description: is missing"),
    ('kind: nonsense\ndescription: "x"\n', "kind: unknown kind 'nonsense'"),
    ("on: 1\n", "True: key True must be a quoted string"),
    ("kind: [unclosed\n", "line 2: not valid YAML"),
])
def test_parse_errors_name_file_and_entry(text, message):
    with pytest.raises(RuleError, match=f"^bad.yaml: {message}"):
        rulebook.parse(text, "bad.yaml")


def test_charset_rejects_descending_range():
    rules = rulebook.parse('kind: characters\ndescription: "x"\nset: ["\\u0652-\\u064B"]\n', "r.yaml")
    with pytest.raises(RuleError, match=r"^r.yaml: set\[0\]: "):
        rules.charset("set")


def test_overlay_directory_wins(tmp_path, monkeypatch):
    (tmp_path / "transliterate.yaml").write_text(
        'kind: transliterate\ndescription: "mine"\nschemes: {}\n', encoding="utf-8")
    monkeypatch.setenv("ARABIC_TOOLS_RULES", str(tmp_path))
    assert rulebook.load("transliterate").description == "mine"
    assert str(rulebook.available()["transliterate"]).startswith(str(tmp_path))


def test_add_overlay_refuses_a_missing_directory(tmp_path):
    with pytest.raises(RuleError, match="not a directory"):
        rulebook.add_overlay(tmp_path / "missing")
