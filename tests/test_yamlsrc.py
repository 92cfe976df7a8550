"""Tests of safe YAML reading: positions, and every unsafe or ambiguous input refused with its location."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import expect_one

from artlab_cost import yamlsrc
from artlab_cost.errors import InputError, Problem
from artlab_cost.yamlsrc import Map, Mark, Scalar, Seq

DATA = Path(__file__).parent / "data"
MIB = 1024 * 1024


def load_bytes(tmp_path: Path, data: bytes, name: str = "in.yaml") -> yamlsrc.Source:
    """Write raw bytes to a file and load it the way the loaders do, shown as `name`."""
    path = tmp_path / name
    path.write_bytes(data)
    return yamlsrc.load(path, name)


def refused(text: str, name: str = "in.yaml") -> InputError:
    with pytest.raises(InputError) as info:
        yamlsrc.parse(text, name)
    return info.value


def expect_at(err: InputError, file: str, line: int, col: int, *fragments: str) -> Problem:
    """Like expect_one, for a variant whose field path another test already pins down."""
    shown = "\n".join(str(p) for p in err.problems)
    assert len(err.problems) == 1, shown
    problem = err.problems[0]
    assert (problem.file, problem.line, problem.column) == (file, line, col), shown
    for fragment in fragments:
        assert fragment in problem.message, shown
    return problem


# --- what a good file reads to ---------------------------------------------------------


def test_scalars_stay_text_with_one_based_positions() -> None:
    src = yamlsrc.parse('price: 0.0077\nname: "0.1"\nlist:\n  - 3\n', "in.yaml")
    root = src.root
    assert isinstance(root, Map)
    assert root.mark == Mark(1, 1)
    assert root.key_marks == {"price": Mark(1, 1), "name": Mark(2, 1), "list": Mark(3, 1)}
    assert root.items["price"] == Scalar("0.0077", True, Mark(1, 8))  # text, not the float 0.0077
    assert root.items["name"] == Scalar("0.1", False, Mark(2, 7))  # quoted: not plain
    seq = root.items["list"]
    assert isinstance(seq, Seq)
    assert seq.mark == Mark(4, 3)
    assert seq.items == [Scalar("3", True, Mark(4, 5))]


def test_keys_keep_document_order() -> None:
    src = yamlsrc.parse("b: 1\na: 2\nc: 3\n", "in.yaml")
    assert isinstance(src.root, Map)
    assert list(src.root.items) == ["b", "a", "c"]


def test_block_scalar_and_tagged_string_are_not_plain() -> None:
    src = yamlsrc.parse("a: |\n  text\nb: !!str 3\n", "in.yaml")
    assert isinstance(src.root, Map)
    assert src.root.items["a"] == Scalar("text\n", False, Mark(1, 4))
    b = src.root.items["b"]
    assert isinstance(b, Scalar) and b.value == "3" and not b.plain


def test_byte_order_mark_is_dropped_and_positions_unchanged(tmp_path: Path) -> None:
    src = load_bytes(tmp_path, "\ufeffa: 1\nb: 2\n".encode())
    assert isinstance(src.root, Map)
    assert list(src.root.items) == ["a", "b"]
    assert src.root.key_marks["b"] == Mark(2, 1)


def test_crlf_line_endings_count_lines_once(tmp_path: Path) -> None:
    src = load_bytes(tmp_path, b"a: 1\r\nb: 2\r\nc: 3\r\n")
    assert isinstance(src.root, Map)
    assert src.root.key_marks["c"] == Mark(3, 1)


def test_small_alias_reuse_is_allowed() -> None:
    src = yamlsrc.parse("a: &x [1, 2]\nb: *x\n", "in.yaml")
    assert isinstance(src.root, Map)
    b = src.root.items["b"]
    assert isinstance(b, Seq) and [i.value for i in b.items if isinstance(i, Scalar)] == ["1", "2"]


def test_single_explicit_document_is_fine() -> None:
    src = yamlsrc.parse("---\na: 1\n...\n", "in.yaml")
    assert isinstance(src.root, Map) and src.root.key_marks["a"] == Mark(2, 1)


def test_load_names_the_file_by_path_without_a_display_name(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yamlsrc.load(path).name == str(path)
    assert yamlsrc.load(path, "shown.yaml").name == "shown.yaml"


def test_a_file_of_exactly_one_mib_is_read(tmp_path: Path) -> None:
    data = b"a: 1\n#" + b"x" * (MIB - 7) + b"\n"
    assert len(data) == MIB
    src = load_bytes(tmp_path, data)
    assert isinstance(src.root, Map) and list(src.root.items) == ["a"]


def test_nesting_of_32_levels_is_allowed() -> None:
    src = yamlsrc.parse("[" * 32 + "]" * 32, "in.yaml")
    assert isinstance(src.root, Seq)


# --- whole files refused ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", "~\n", "null\n", "---\n"],
    ids=["zero-bytes", "blank-lines", "comment", "tilde", "null", "document-marker"],
)
def test_empty_file_is_refused(text: str) -> None:
    expect_one(refused(text), "in.yaml", 0, 0, "", "file is empty", "expected a YAML mapping")


def test_empty_file_on_disk_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, b"", "empty.yaml")
    problem = expect_one(info.value, "empty.yaml", 0, 0, "", "file is empty")
    assert str(problem) == "empty.yaml: file is empty; expected a YAML mapping"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        yamlsrc.load(tmp_path / "nope.yaml", "nope.yaml")
    expect_one(info.value, "nope.yaml", 0, 0, "", "no such file")


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        yamlsrc.load(tmp_path, "dir")
    expect_one(info.value, "dir", 0, 0, "", "is a directory")


def test_file_over_one_mib_is_refused(tmp_path: Path) -> None:
    data = b"a: 1\n#" + b"x" * (MIB - 6) + b"\n"
    assert len(data) == MIB + 1
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, data, "big.yaml")
    expect_one(info.value, "big.yaml", 0, 0, "", "larger than 1,024 KiB")


def test_non_utf8_file_is_refused_at_the_bad_byte(tmp_path: Path) -> None:
    # Latin-1 'é' (0xe9) after "name: caf" on line 2: column 10.
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, b"a: 1\nname: caf\xe9\n", "latin1.yaml")
    expect_one(info.value, "latin1.yaml", 2, 10, "", "not UTF-8", "0xe9", "save the file as UTF-8")


def test_non_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    # "name: 云工 " is 9 characters (15 bytes); the bad byte 0xff is the 10th character, where an
    # editor puts the cursor (YAML marks count characters too).
    data = "a: 1\nname: 云工 ".encode() + b"\xff\n"
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, data, "mixed.yaml")
    expect_one(info.value, "mixed.yaml", 2, 10, "", "not UTF-8", "0xff")


def test_binary_file_is_refused_at_the_nul_byte(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, b"a: 1\nb: 2\n\x00\x01\x02", "bin.yaml")
    expect_one(info.value, "bin.yaml", 3, 1, "", "binary file (NUL byte)")


def test_nul_byte_column_is_where_the_byte_is(tmp_path: Path) -> None:
    # "b: x" then NUL: the NUL is the 5th character of line 2.
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, b"a: 1\nb: x\x00y\n", "bin.yaml")
    expect_one(info.value, "bin.yaml", 2, 5, "", "binary file (NUL byte)")


@pytest.mark.parametrize(
    "char, shown", [("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR"), ("\x85", "U+0085")]
)
def test_a_line_break_only_yaml_sees_is_refused_where_the_editor_shows_it(char: str, shown: str) -> None:
    # After it, YAML would read the rest of the comment as a key: `per: week` hidden in a comment. The editor shows
    # it on line 3, column 18 (the comment holds Chinese: columns count characters, not bytes).
    text = f"a: 1\nb:\n  c: 2  # 备注 note{char}per: week\n"
    expect_one(refused(text), "in.yaml", 3, 18, "", shown, "line break")


@pytest.mark.parametrize(
    "text, line, column",
    [
        ("a: 1 #\u2028x\n", 1, 7),  # on the first line
        ("a: 1\r\nb: 2 # x\u2028y\r\n", 2, 9),  # CRLF: one break
        ("a: 1\rb: 2 # x\u2028y\r", 2, 9),  # a lone CR is a break too, for YAML and editors
        ("\ufeffa: 1 #\u2028x\n", 1, 7),  # a byte-order mark is not a column
    ],
)
def test_a_hidden_line_break_is_placed_as_an_editor_places_it(text: str, line: int, column: int) -> None:
    expect_one(refused(text), "in.yaml", line, column, "", "U+2028")


def test_nul_byte_line_counts_a_lone_cr_as_a_break(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, b"a: 1\rb: x\x00y\r", "bin.yaml")
    expect_one(info.value, "bin.yaml", 2, 5, "", "binary file (NUL byte)")


def test_utf16_file_is_refused_not_misread(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_bytes(tmp_path, "a: 1\n".encode("utf-16"), "u16.yaml")
    assert "NUL byte" in str(info.value) or "not UTF-8" in str(info.value)


def test_more_than_one_document_is_refused() -> None:
    expect_one(refused("a: 1\n---\nb: 2\n"), "in.yaml", 2, 1, "", "more than one YAML document")


def test_second_document_after_end_marker_is_refused() -> None:
    expect_one(refused("a: 1\n...\n---\nb: 2\n"), "in.yaml", 3, 1, "", "more than one YAML document")


# --- structures refused ----------------------------------------------------------------


def test_duplicate_key_is_refused_at_the_second_key() -> None:
    err = refused("account:\n  new_user: true\n  student: false\n  student: true\n")
    expect_one(err, "in.yaml", 4, 3, "account.student", "duplicate key 'student'", "first defined at line 3")


def test_duplicate_key_in_flow_mapping_is_refused() -> None:
    err = refused("period: {start: 2026-01-01, start: 2026-02-01}\n")
    expect_at(err, "in.yaml", 1, 29, "duplicate key 'start'", "first defined at line 1")


def test_duplicate_key_in_list_item_is_refused() -> None:
    err = refused("usage:\n  - kind: shared\n    per: day\n    per: month\n")
    expect_at(err, "in.yaml", 4, 5, "duplicate key 'per'", "first defined at line 3")


def test_alias_bomb_is_refused() -> None:
    # Billion laughs, five levels of ten. Counting every value (keys included) as the parser
    # does, a..d come to 12,349 values and each *d adds 11,111 more: the 8th *d on line 5
    # (column 8 + 3 x 7 = 29) passes 100,000.
    text = (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    )
    expect_one(refused(text), "in.yaml", 5, 29, "", "alias bomb")


def test_alias_bomb_from_tests_data_is_refused() -> None:
    with pytest.raises(InputError) as info:
        yamlsrc.load(DATA / "bad-alias-bomb.yaml", "bad-alias-bomb.yaml")
    assert "alias bomb" in str(info.value)


def test_too_many_plain_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap counts every value; tried at 1,000 rather than the real 100,000, which only takes longer to parse."""
    assert yamlsrc.MAX_NODES == 100_000
    monkeypatch.setattr(yamlsrc, "MAX_NODES", 1000)
    yamlsrc.parse("a: [" + ", ".join(["1"] * 997) + "]\n", "in.yaml")  # mapping, key, list, 997 items: 1,000
    err = refused("a: [" + ", ".join(["1"] * 999) + "]\n")
    assert len(err.problems) == 1 and "more than 1,000 values" in err.problems[0].message
    assert err.problems[0].line == 1


def test_unknown_alias_is_refused() -> None:
    expect_one(refused("a: 1\nb: *nowhere\n"), "in.yaml", 2, 4, "", "unknown alias '*nowhere'")


def test_deep_flow_nesting_is_refused() -> None:
    # 100 nested lists: the 33rd '[' (column 33) is one level too deep.
    expect_one(refused("[" * 100 + "]" * 100), "in.yaml", 1, 33, "", "nested deeper than 32 levels")


def test_deep_block_nesting_is_refused() -> None:
    # 40 nested mappings; the 33rd starts on line 33 at column 2 x 32 + 1 = 65.
    text = "".join("  " * i + "a:\n" for i in range(40)) + "  " * 40 + "b: 1\n"
    expect_one(refused(text), "in.yaml", 33, 65, "", "nested deeper than 32 levels")


def test_mapping_as_key_is_refused() -> None:
    expect_one(refused("? [a, b]\n: 1\n"), "in.yaml", 1, 3, "", "a mapping key must be a plain name")


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!!python/object:os.system x", "python/object:os.system"),
        ("!!python/object/apply:os.system [ls]", "python/object/apply:os.system"),
        ("!!python/name:os.system ''", "python/name:os.system"),
        ("!!float 0.0077", "tag:yaml.org,2002:float"),
        ("!!binary aGk=", "tag:yaml.org,2002:binary"),
        ("!custom 1", "!custom"),
    ],
)
def test_yaml_tags_are_refused(value: str, tag: str) -> None:
    err = refused(f"meters:\n  price: {value}\n")
    expect_at(err, "in.yaml", 2, 10, "YAML tag", tag, "not allowed")


def test_yaml_tag_problem_names_the_field_path() -> None:
    err = refused("meters:\n  shared_gpu:\n    price: !!python/object:os.system x\n")
    expect_one(err, "in.yaml", 3, 12, "meters.shared_gpu.price", "YAML tag", "python/object:os.system")


def test_tag_on_a_mapping_is_refused() -> None:
    err = refused("sheet: !!map\n  name: x\n")
    assert len(err.problems) == 1
    assert err.problems[0].line == 1 and err.problems[0].column == 8
    assert "tag:yaml.org,2002:map" in err.problems[0].message


def test_invalid_yaml_is_refused_with_position() -> None:
    expect_one(refused("a: b: c\n"), "in.yaml", 1, 5, "", "invalid YAML", "mapping values are not allowed")


def test_unclosed_flow_list_is_refused() -> None:
    err = refused("a: [1, 2\nb: 3\n")
    assert len(err.problems) == 1
    assert err.problems[0].line >= 2 and "invalid YAML" in err.problems[0].message
