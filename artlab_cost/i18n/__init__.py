"""Message catalogues: the wording of every note, warning and error, one gettext catalogue per language.

`<lang>.po` is the source a translator edits; `<lang>.mo` is its compiled form, read with the
standard library's `gettext` (`python -m artlab_cost.i18n` recompiles them, and a test fails
when the two disagree). Messages are keyed by a stable code (`note.prices`), so the English
wording is a catalogue like any other and JSON can carry the code. The command line's --help
is written in English beside each option and translated in `help-<lang>.po`, keyed by that
English, as gettext usually is.
"""

from __future__ import annotations

import functools
import gettext
import string
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..messages import LANGS as LANGS
from ..messages import And, Chain, Msg, Qty, Words, Yuan
from ..money import Rounding, round_to, to_decimal

DEFAULT = "en"
HERE = Path(__file__).resolve().parent


@functools.cache
def catalogue(lang: str) -> gettext.GNUTranslations:
    """The message catalogue of a language artlab-cost speaks (LANGS)."""
    if lang not in LANGS:
        raise ValueError(f"no message catalogue for language {lang!r}; there are {', '.join(LANGS)}")
    with (HERE / f"{lang}.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


@functools.cache
def help_catalogue(lang: str) -> gettext.NullTranslations:
    """The translations of the command line's help, keyed by its English text (help-<lang>.po)."""
    path = HERE / f"help-{lang}.mo"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def help_text(text: str, lang: str = DEFAULT) -> str:
    """A help text of the command line in a language: its translation, else the English it was written in."""
    if lang == DEFAULT or not text:
        return text
    import inspect  # the command line's (Typer imports it anyway); a library user never pays for it

    return help_catalogue(lang).gettext(inspect.cleandoc(text))


def template(code: str, lang: str = DEFAULT) -> str:
    """The wording of a code in a language; English when the language lacks it (a test keeps them complete)."""
    found = catalogue(lang).gettext(code)
    if found == code and lang != DEFAULT:
        found = catalogue(DEFAULT).gettext(code)
    if found == code:
        raise KeyError(f"message code {code!r} is in no catalogue")
    return found


def money(value: Decimal | Fraction) -> str:
    """Yuan for people: rounded half up to two decimals, thousands separated (the one display rule, everywhere)."""
    cents = round_to(Fraction(value), 2, Rounding.half_up)
    return f"{Decimal(cents.numerator) / Decimal(cents.denominator):,.2f}"


def tr(lang: str, code: str, **args: Any) -> str:
    """A catalogue message worded in a language: tr("zh", "table.summary") (renderers' own labels)."""
    return word(Msg(code, args), lang)


# Large quantities in the reader's units of ten: thousands (k, M, G) in English, 万 and 亿 in Chinese.
_COMPACT = {
    "en": ((10**9, "G", 1), (10**6, "M", 1), (10**3, "k", 1)),
    "zh": ((10**8, "亿", 2), (10**4, "万", 2)),
}


def quantity(value: Fraction | Decimal | int, unit: str, lang: str = DEFAULT, compact: bool = False) -> str:
    """A quantity with its unit for people: 1,566 h / 1,566 小时; `compact`, from ten thousand up in the
    language's units of ten (74.4k GB-h, 7.44万 GB小时); small amounts keep up to four decimals."""
    value = Fraction(value)
    number = ""
    if compact and abs(value) >= 10_000:
        for size, suffix, places in _COMPACT.get(lang, _COMPACT[DEFAULT]):
            if abs(value) >= size:
                scaled = to_decimal(value / size, places, Rounding.half_up).normalize()
                number = f"{scaled:f}{suffix}"
                break
    if not number:
        if value.denominator == 1:
            number = f"{int(value):,}"
        else:
            places = 2 if abs(value) >= Fraction(1, 100) or not compact else 4
            amount = to_decimal(value, places, Rounding.half_up)
            number = f"{amount:,}" if compact else f"{amount.normalize():,f}"
    return template(f"unit.{unit}", lang).format(n=number)


def value_text(value: Any, lang: str = DEFAULT) -> str:
    """A message value as words: terms and nested messages from the catalogue, money for people, data as is."""
    if isinstance(value, Msg):
        return word(value, lang)
    if isinstance(value, Words):  # prose a file gives per language (a sheet's names and reasons)
        return value.text(lang)
    if isinstance(value, Enum):  # a term of the billing domain: stage.free_trial, limit.stackable, ...
        return template(f"{type(value).__name__.lower()}.{value.value}", lang)
    if isinstance(value, Yuan):
        return money(value.value)
    if isinstance(value, Qty):
        return quantity(value.value, value.unit, lang)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return str(to_decimal(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Chain):
        return " > ".join(value_text(v, lang) for v in value)
    if isinstance(value, And):
        return template("list.and", lang).join(value_text(v, lang) for v in value)
    if isinstance(value, (tuple, list)):
        return template("list.separator", lang).join(value_text(v, lang) for v in value)
    return str(value)


def count(n: int, forms: str = "") -> str:
    """A whole number for people, thousands separated (320,013,504); with `forms` ("plan|plans", a template's
    format spec), followed by the singular for 1 and the plural otherwise (1 plan, 0 plans, 2 plans). A
    position (a line, an index) is written `{line:d}` in a template and never separated.

    English has these two forms; a language without plural forms (Chinese) writes its measure word in the
    template and no spec."""
    one, _, other = forms.partition("|")
    text = f"{n:,}"
    return f"{text} {one if n == 1 else other}" if forms else text


class _Wording(string.Formatter):
    """Fills a template: each value worded (value_text), a count with separators and its plural form."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, int) and not isinstance(value, bool):  # `:d`: a number that is a position, as is
            return str(value) if format_spec == "d" else count(value, format_spec)
        return format(value_text(value, self.lang), format_spec)


def word(msg: Msg, lang: str = DEFAULT) -> str:
    """A message worded in a language."""
    text = template(msg.code, lang)
    if not any(type(v) is int for v in msg.args.values()):  # most messages: no count to word, the fast way
        return text.format_map({k: value_text(v, lang) for k, v in msg.args.items()})
    return _Wording(lang).vformat(text, (), msg.args)
