"""Tests of the declarative field specs: each turns located YAML into exact values or located problems."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import examples, expect_one
from hypothesis import given
from hypothesis import strategies as st

from artlab_cost import schema, yamlsrc
from artlab_cost.errors import Problem
from artlab_cost.i18n import word
from artlab_cost.schema import (
    INVALID,
    Day,
    Field,
    Flag,
    Items,
    ListOf,
    MapOf,
    Num,
    Obj,
    Record,
    Tagged,
    Text,
)
from artlab_cost.yamlsrc import Mark


def run(spec: schema.Spec, text: str, name: str = "t.yaml") -> tuple[Any, list[Problem]]:
    """Check a YAML text (dedented) against a spec, returning the value and the problems."""
    src = yamlsrc.parse(textwrap.dedent(text), name)
    value = schema.check(src, spec)
    return value, src.problems


def value_of(spec: schema.Spec, scalar: str) -> tuple[Any, list[Problem]]:
    """Check `v: <scalar>` against a record with one field `v` of the given spec; return v and the problems."""
    value, problems = run(Record({"v": Field(spec)}), f"v: {scalar}\n")
    return (value["v"] if value is not INVALID else INVALID), problems


def has(problems: list[Problem], file: str, line: int, col: int, path: str, fragment: str) -> None:
    shown = "\n".join(str(p) for p in problems)
    assert any(
        (p.file, p.line, p.column, p.path) == (file, line, col, path) and fragment in p.message for p in problems
    ), f"no {file}:{line}:{col}: {path}: ...{fragment}... among:\n{shown}"


# --- Num ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.0077", Decimal("0.0077")),
        ("0.1", Decimal("0.1")),
        ("8.07", Decimal("8.07")),
        ("39.54", Decimal("39.54")),
        ("5000000", Decimal(5000000)),
        ("1_000", Decimal(1000)),
        ("1_000_000.000_5", Decimal("1000000.0005")),  # grouped as Python groups digits
        ("1e1_0", Decimal("1e10")),
        ("1e3", Decimal(1000)),
        (".5", Decimal("0.5")),
        ("+2", Decimal(2)),
        ("0", Decimal(0)),
    ],
)
def test_num_reads_the_exact_decimal_of_the_text(text: str, expected: Decimal) -> None:
    value, problems = value_of(Num(), text)
    assert problems == []
    assert type(value) is Decimal
    assert value == expected


@examples(100)
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=8, allow_nan=False, allow_infinity=False))
def test_num_reads_any_plain_decimal_exactly(number: Decimal) -> None:
    text = format(number, "f")
    value, problems = value_of(Num(minimum=None), text)
    assert problems == []
    assert type(value) is Decimal and value == number


def test_num_keeps_more_digits_than_a_float_would() -> None:
    value, _ = value_of(Num(), "0.10000000000000000001")
    assert value == Decimal("0.10000000000000000001")
    assert value != Decimal(0.1)


def test_num_minus_zero_is_zero_and_not_negative() -> None:
    value, problems = value_of(Num(), "-0")
    assert problems == [] and value == 0 and not value.is_signed()


@pytest.mark.parametrize(
    "text, shown",
    [
        ("abc", "expected a number, got 'abc'"),
        ("0x10", "expected a number, got '0x10'"),
        ("1_0_", "expected a number, got '1_0_'"),  # YAML 1.1 reads 10: an underscore not between two digits
        ("1__0", "expected a number, got '1__0'"),
        ("1_.5", "expected a number, got '1_.5'"),
        ("1:30", "expected a number, got '1:30'"),  # YAML 1.1 base 60; never a price
        ("true", "expected a number, got 'true'"),
        ("5 yuan", "expected a number, got '5 yuan'"),
        ("'5'", "expected a number, got the quoted text '5'"),
        ('"0.0077"', "expected a number, got the quoted text '0.0077'"),
        ("~", "expected a number, got nothing"),
        ("[1]", "expected a number, got a list"),
        ("{a: 1}", "expected a number, got a mapping"),
    ],
)
def test_num_refuses_what_is_not_a_plain_number(text: str, shown: str) -> None:
    value, problems = value_of(Num(), text)
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 4, "v", shown)


def test_num_refuses_an_empty_value_where_it_is_written() -> None:
    # an empty value sits right after the key's colon
    value, problems = value_of(Num(), "")
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 3, "v", "expected a number, got nothing")


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN", ".inf", ".Inf", "-.inf", "+.inf", "nan", "inf", "-Infinity"])
def test_num_refuses_nan_and_infinity(text: str) -> None:
    value, problems = value_of(Num(), text)
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 4, "v", f"expected a finite number, got '{text}'")


@pytest.mark.parametrize("text", ["1e400", "1e16", "1e-16"])
def test_num_refuses_absurd_magnitudes(text: str) -> None:
    value, problems = value_of(Num(), text)
    expect_one(problems, "t.yaml", 1, 4, "v", f"number '{text}' is out of range")


@pytest.mark.parametrize("text", ["-1", "-0.0001", "-5000000"])
def test_num_refuses_negative_numbers(text: str) -> None:
    value, problems = value_of(Num(), text)
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 4, "v", f"must not be negative, got {text}")


def test_num_without_a_minimum_accepts_negative() -> None:
    value, problems = value_of(Num(minimum=None), "-3.5")
    assert problems == [] and value == Decimal("-3.5")


def test_num_minimum_and_maximum() -> None:
    spec = Num(minimum=Decimal(1), maximum=Decimal(7), integer=True)
    expect_one(value_of(spec, "0")[1], "t.yaml", 1, 4, "v", "must be at least 1, got 0")
    expect_one(value_of(spec, "8")[1], "t.yaml", 1, 4, "v", "must be at most 7, got 8")
    assert value_of(spec, "7") == (Decimal(7), [])
    assert value_of(spec, "1") == (Decimal(1), [])


def test_num_exclusive_minimum() -> None:
    spec = Num(exclusive_minimum=True)
    expect_one(value_of(spec, "0")[1], "t.yaml", 1, 4, "v", "must be greater than 0, got 0")
    assert value_of(spec, "0.001") == (Decimal("0.001"), [])


def test_num_integer_refuses_fractions_and_accepts_whole_decimals() -> None:
    spec = Num(integer=True)
    expect_one(value_of(spec, "1.5")[1], "t.yaml", 1, 4, "v", "expected a whole number, got '1.5'")
    assert value_of(spec, "2.0")[0] == 2


# --- Text, Flag, Day ---------------------------------------------------------------------


def test_text_keeps_the_written_characters() -> None:
    # a float loader would turn 2026.10 into 2026.1
    assert value_of(Text(), "2026.10") == ("2026.10", [])
    assert value_of(Text(), '"quoted: yes"') == ("quoted: yes", [])


def test_text_refuses_nothing_and_containers() -> None:
    expect_one(value_of(Text(), "")[1], "t.yaml", 1, 3, "v", "expected text, got nothing")
    expect_one(value_of(Text(), "[a]")[1], "t.yaml", 1, 4, "v", "expected text, got a list")


def test_text_choice_suggests_the_close_one() -> None:
    spec = Text(choices=("free_trial", "pack", "voucher", "postpaid"))
    value, problems = value_of(spec, "vouchers")
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 4, "v", "unknown value 'vouchers'; did you mean 'voucher'?")


def test_text_choice_without_a_close_one_lists_the_choices() -> None:
    spec = Text(choices=("second", "minute", "hour"))
    expect_one(value_of(spec, "fortnight")[1], "t.yaml", 1, 4, "v", "expected one of: hour, minute, second")


def test_text_length_and_pattern() -> None:
    expect_one(value_of(Text(max_length=3), "abcd")[1], "t.yaml", 1, 4, "v", "longer than 3 characters")
    expect_one(value_of(Text(pattern=r"[a-z]+"), "ab1")[1], "t.yaml", 1, 4, "v", "does not match")


@pytest.mark.parametrize("text, expected", [("true", True), ("false", False), ("True", True), ("FALSE", False)])
def test_flag_reads_booleans(text: str, expected: bool) -> None:
    assert value_of(Flag(), text) == (expected, [])


@pytest.mark.parametrize("text", ["yes", "no", "on", "off", "Y"])
def test_flag_refuses_yaml11_near_booleans(text: str) -> None:
    expect_one(value_of(Flag(), text)[1], "t.yaml", 1, 4, "v", f"expected true or false, got '{text}'")


@pytest.mark.parametrize("text", ['"true"', "1", "[true]"])
def test_flag_refuses_other_things(text: str) -> None:
    expect_one(value_of(Flag(), text)[1], "t.yaml", 1, 4, "v", "expected true or false")


def test_day_reads_a_date() -> None:
    assert value_of(Day(), "2024-02-29") == (date(2024, 2, 29), [])
    assert value_of(Day(), "'2026-03-31'") == (date(2026, 3, 31), [])


@pytest.mark.parametrize("text", ["2026-02-30", "2026-02-29", "2026-13-01", "2026-04-31", "2026-00-10"])
def test_day_refuses_impossible_dates(text: str) -> None:
    value, problems = value_of(Day(), text)
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 4, "v", f"'{text}' is not a real calendar date")


@pytest.mark.parametrize("text", ["2026-2-3", "03/01/2026", "2026-03-01T10:00:00", "20260301", "yesterday"])
def test_day_refuses_other_formats(text: str) -> None:
    expect_one(value_of(Day(), text)[1], "t.yaml", 1, 4, "v", "expected a date (YYYY-MM-DD)")


def test_day_refuses_dates_outside_the_supported_years() -> None:
    expect_one(value_of(Day(), "1999-12-31")[1], "t.yaml", 1, 4, "v", "outside 2000-2200")
    expect_one(value_of(Day(), "2201-01-01")[1], "t.yaml", 1, 4, "v", "outside 2000-2200")


# --- ListOf, Record, MapOf, Tagged -------------------------------------------------------


def test_list_of_returns_items_with_marks_and_indexed_paths() -> None:
    value, problems = run(Record({"xs": Field(ListOf(Num()))}), "xs:\n  - 1\n  - 2.5\n")
    assert problems == []
    xs = value["xs"]
    assert isinstance(xs, Items)
    assert list(xs) == [Decimal(1), Decimal("2.5")]
    assert xs.marks == [Mark(2, 5), Mark(3, 5)]
    assert xs.path == "xs"


def test_list_of_reports_each_bad_item_at_its_position() -> None:
    value, problems = run(Record({"xs": Field(ListOf(Num()))}), "xs: [1, -2, x]\n")
    assert value is INVALID
    assert [str(p) for p in problems] == [
        "t.yaml:1:9: xs[1]: must not be negative, got -2",
        "t.yaml:1:13: xs[2]: expected a number, got 'x'",
    ]


def test_list_of_refuses_a_mapping_and_counts_items() -> None:
    spec = Record({"xs": Field(ListOf(Num(), min_items=1, max_items=2))})
    expect_one(run(spec, "xs: {a: 1}\n")[1], "t.yaml", 1, 5, "xs", "expected a list, got a mapping")
    expect_one(run(spec, "xs: []\n")[1], "t.yaml", 1, 5, "xs", "needs at least 1 item")
    expect_one(run(spec, "xs: [1, 2, 3]\n")[1], "t.yaml", 1, 5, "xs", "has more than 2 items")


RECORD = Record(
    {
        "price": Field(Num(), required=True),
        "source": Field(Text(), required=True),
        "name": Field(Text()),
        "count": Field(Num(integer=True), default=Decimal(1)),
    }
)


def test_record_returns_values_defaults_and_marks() -> None:
    value, problems = run(RECORD, "price: 0.0077\nsource: B3\n")
    assert problems == []
    assert isinstance(value, Obj)
    assert dict(value) == {"price": Decimal("0.0077"), "source": "B3", "count": Decimal(1)}
    assert "name" not in value
    assert value.at("source") == Mark(2, 9)
    assert value.at("count") == Mark(1, 1)  # not written: the mapping's own position


def test_record_unknown_key_is_reported_at_the_key_with_a_suggestion() -> None:
    value, problems = run(RECORD, "price: 1\nsource: B3\nnmae: x\n")
    assert value is INVALID
    expect_one(problems, "t.yaml", 3, 1, "nmae", "unknown key 'nmae'; did you mean 'name'?")


def test_record_unknown_key_without_a_close_one_lists_the_keys() -> None:
    _, problems = run(RECORD, "price: 1\nsource: B3\nzzz: x\n")
    expect_one(problems, "t.yaml", 3, 1, "zzz", "unknown key 'zzz'; expected one of: count, name, price, source")


def test_record_missing_required_key_names_its_path() -> None:
    spec = Record({"outer": Field(RECORD, required=True)})
    _, problems = run(spec, "outer:\n  price: 1\n")
    expect_one(problems, "t.yaml", 2, 3, "outer.source", "required key is missing")


def test_record_refuses_a_list_where_a_mapping_is_expected() -> None:
    spec = Record({"outer": Field(RECORD, required=True)})
    _, problems = run(spec, "outer:\n  - price: 1\n")
    expect_one(problems, "t.yaml", 2, 3, "outer", "expected a mapping, got a list")


def test_record_one_of() -> None:
    spec = Record({"a": Field(Num()), "b": Field(Num())}, one_of=(("a", "b"),))
    assert run(spec, "a: 1\n")[1] == []
    expect_one(run(spec, "a: 1\nb: 2\n")[1], "t.yaml", 1, 1, "", "give exactly one of a, b (got both a and b)")
    expect_one(run(spec, "{}\n")[1], "t.yaml", 1, 1, "", "give exactly one of a, b (got none)")


def test_record_reports_every_problem_at_every_depth() -> None:
    spec = Record({"outer": Field(Record({"items": Field(ListOf(RECORD))}), required=True), "top": Field(Flag())})
    text = """\
        top: yes
        outer:
          items:
            - price: -1
              source: B3
            - price: "2"
              sorce: B3
    """
    value, problems = run(spec, text)
    assert value is INVALID
    assert [str(p) for p in problems] == [
        "t.yaml:1:6: top: expected true or false, got 'yes'",
        "t.yaml:4:14: outer.items[0].price: must not be negative, got -1",
        "t.yaml:6:14: outer.items[1].price: expected a number, got the quoted text '2'",
        "t.yaml:7:7: outer.items[1].sorce: unknown key 'sorce'; did you mean 'source'?",
        "t.yaml:6:7: outer.items[1].source: required key is missing",
    ]


def test_map_of_checks_ids_and_values() -> None:
    spec = Record({"specs": Field(MapOf(RECORD, min_items=1))})
    value, problems = run(spec, "specs:\n  ded-8.07: {price: 8.07, source: B4}\n")
    assert problems == []
    assert value["specs"]["ded-8.07"]["price"] == Decimal("8.07")
    assert value["specs"].at("ded-8.07") == Mark(2, 3)


def test_map_of_refuses_a_bad_id_at_the_key() -> None:
    spec = Record({"specs": Field(MapOf(RECORD))})
    _, problems = run(spec, "specs:\n  ok: {price: 1, source: x}\n  Big A10: {price: 1, source: x}\n")
    expect_one(problems, "t.yaml", 3, 3, "specs.Big A10", "ids use lower-case letters")


def test_map_of_reports_value_problems_with_the_id_in_the_path() -> None:
    spec = Record({"specs": Field(MapOf(RECORD))})
    _, problems = run(spec, "specs:\n  a10:\n    price: .inf\n    source: x\n")
    expect_one(problems, "t.yaml", 3, 12, "specs.a10.price", "expected a finite number")


def test_map_of_refuses_empty_and_lists() -> None:
    spec = Record({"specs": Field(MapOf(RECORD, min_items=1))})
    expect_one(run(spec, "specs: {}\n")[1], "t.yaml", 1, 8, "specs", "needs at least 1 entry")
    expect_one(run(spec, "specs: [a]\n")[1], "t.yaml", 1, 8, "specs", "expected a mapping of ids, got a list")


TAGGED = Record(
    {
        "usage": Field(
            ListOf(
                Tagged(
                    {
                        "shared": Record({"gpu_seconds": Field(Num(), required=True)}),
                        "storage": Record({"gb": Field(Num(), required=True)}),
                    }
                )
            )
        )
    }
)


def test_tagged_picks_the_record_by_kind_and_keeps_the_kind() -> None:
    value, problems = run(TAGGED, "usage:\n  - kind: storage\n    gb: 5\n")
    assert problems == []
    assert dict(value["usage"][0]) == {"kind": "storage", "gb": Decimal(5)}


def test_tagged_unknown_kind_suggests() -> None:
    _, problems = run(TAGGED, "usage:\n  - kind: sharde\n    gpu_seconds: 5\n")
    expect_one(problems, "t.yaml", 2, 11, "usage[0].kind", "unknown value 'sharde'; did you mean 'shared'?")


def test_tagged_missing_kind() -> None:
    _, problems = run(TAGGED, "usage:\n  - gb: 5\n")
    expect_one(problems, "t.yaml", 2, 5, "usage[0].kind", "required key is missing", "shared, storage")


def test_tagged_unknown_key_suggests_from_that_kind() -> None:
    _, problems = run(TAGGED, "usage:\n  - kind: shared\n    gpu_seconds: 5\n    gb: 1\n")
    expect_one(problems, "t.yaml", 4, 5, "usage[0].gb", "unknown key 'gb'")


def test_tagged_refuses_a_scalar() -> None:
    _, problems = run(TAGGED, "usage:\n  - shared\n")
    expect_one(problems, "t.yaml", 2, 5, "usage[0]", "expected a mapping, got 'shared'")


# --- the document as a whole ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("- a\n- b\n", "got a list"),
        ("hello\n", "got 'hello'"),
        ("'quoted'\n", "got the quoted text 'quoted'"),
        ("42\n", "got '42'"),
    ],
)
def test_top_of_the_document_must_be_a_mapping(text: str, shown: str) -> None:
    value, problems = run(RECORD, text)
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 1, "", "expected a mapping at the top of the file", shown)


def test_suggest() -> None:
    assert word(schema.suggest("prise", ("price", "source"))) == "; did you mean 'price'?"
    assert word(schema.suggest("zzz", ("b", "a"))) == "; expected one of: a, b"
    assert schema.suggest("zzz", tuple(f"option{i}" for i in range(13))) == ""


def test_join() -> None:
    assert schema.join("", "a") == "a"
    assert schema.join("a", "b") == "a.b"
    assert schema.join("a", 3) == "a[3]"


# --- the JSON Schema a spec emits agrees with what the spec accepts ---------------------------


def _plain(value: Any) -> Any:
    """YAML data as JSON data: dates back to their text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    "text, ok",
    [
        ("price: 1\nsource: B3\n", True),
        ("price: 1\nsource: B3\ncount: 2\n", True),
        ("price: -1\nsource: B3\n", False),
        ("price: 1\n", False),
        ("price: 1\nsource: B3\nnmae: x\n", False),
        ("price: 1\nsource: B3\ncount: 1.5\n", False),
    ],
)
def test_json_schema_agrees_with_check(text: str, ok: bool) -> None:
    _, problems = run(RECORD, text)
    assert (problems == []) is ok
    validator = jsonschema.Draft202012Validator(RECORD.json_schema())
    assert validator.is_valid(_plain(yaml.safe_load(text))) is ok


def test_json_schema_of_tagged_uses_the_kind_as_a_constant() -> None:
    variants = TAGGED.json_schema()["properties"]["usage"]["items"]["oneOf"]
    assert [v["properties"]["kind"] for v in variants] == [{"const": "shared"}, {"const": "storage"}]
    assert all(v["required"][0] == "kind" for v in variants)


def test_a_yaml_merge_key_is_named_as_unsupported() -> None:
    src = yamlsrc.parse("base: &b {x: 1}\nthing:\n  <<: *b\n", "m.yaml")
    spec = Record({"base": Field(Record({"x": Field(Num())})), "thing": Field(Record({"x": Field(Num())}))})
    schema.check(src, spec)
    assert [str(p) for p in src.problems] == [
        "m.yaml:3:3: thing: YAML merge keys (<<) are not supported; write the keys out"
    ]


@pytest.mark.parametrize(
    "text",
    ["٤٠", "１０", "४२", "1٠", "٤٠.٥", "1e٣", "𝟏𝟎"],
    ids=["arabic", "fullwidth", "devanagari", "mixed", "decimals", "exponent", "math"],
)
def test_num_refuses_digits_that_are_not_ascii(text: str) -> None:
    """YAML's numbers are ASCII digits: `images: ٤٠` is text, never 40 (Decimal alone would read it)."""
    value, problems = value_of(Num(), text)
    assert value is INVALID
    expect_one(problems, "t.yaml", 1, 4, "v", f"expected a number, got '{text}'")


@pytest.mark.parametrize("text", ["٢٠٢٦-٠٣-٠١", "２０２６-０３-０１"], ids=["arabic", "fullwidth"])
def test_day_refuses_digits_that_are_not_ascii(text: str) -> None:
    expect_one(value_of(Day(), text)[1], "t.yaml", 1, 4, "v", "expected a date (YYYY-MM-DD)")


@pytest.mark.parametrize(
    "spec, text, shown",
    [
        (Text(choices=("stable-diffusion", "comfyui")), "x" * 900_000, "unknown value '" + "x" * 79 + "\u2026'"),
        (Num(), "9" * 900_000, "number '" + "9" * 79 + "\u2026' is out of range"),
        (Num(), "'" + "5" * 900_000 + "'", "got the quoted text '" + "5" * 79 + "\u2026'"),
        (Flag(), "y" * 900_000, "got '" + "y" * 79 + "\u2026'"),
    ],
    ids=["choice", "number", "quoted", "flag"],
)
def test_a_huge_bad_value_is_echoed_cut_to_80_characters(spec: schema.Spec, text: str, shown: str) -> None:
    """A 900 KB value is not repeated whole in its one error line: 79 of its characters and an ellipsis."""
    value, problems = value_of(spec, text)
    assert value is INVALID
    problem = expect_one(problems, "t.yaml", 1, 4, "v", shown)
    assert len(str(problem)) < 300, str(problem)[:400]


def test_a_bad_value_is_cut_to_80_characters_as_shown_escapes_counted() -> None:
    """1,000 line breaks are shown as 4,000 characters of \\x0a: the cut counts what is shown, so 19 breaks
    (76 characters) and the ellipsis are echoed, and the error line stays short."""
    from artlab_cost.render.escape import visible

    value, problems = value_of(Num(), '"' + "\\n" * 1000 + '"')
    assert value is INVALID
    problem = expect_one(problems, "t.yaml", 1, 4, "v", "got the quoted text '" + "\n" * 19 + "\u2026'")
    assert len(visible(str(problem))) < 140, visible(str(problem))


def test_a_short_bad_value_is_echoed_whole() -> None:
    value = "x" * 80  # the limit itself: nothing to cut
    expect_one(value_of(Text(choices=("a", "b")), value)[1], "t.yaml", 1, 4, "v", f"unknown value '{value}'")
