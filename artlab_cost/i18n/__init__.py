"""Message catalogues: the wording of every note, warning and error, one gettext catalogue per language.

`<lang>.po` is the source a translator edits; `<lang>.mo` is its compiled form, read with the
standard library's `gettext` (`python -m artlab_cost.i18n` recompiles them, and a test fails
when the two disagree). Messages are keyed by a stable code (`note.prices`), so the English
wording is a catalogue like any other and JSON can carry the code.
"""

from __future__ import annotations

import functools
import gettext
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..messages import And, Chain, Msg, Qty, Yuan
from ..money import round_to, to_decimal
from ..pricing.model import Rounding

LANGS = ("en", "zh")
DEFAULT = "en"
HERE = Path(__file__).resolve().parent


@functools.cache
def catalogue(lang: str) -> gettext.GNUTranslations:
    with (HERE / f"{lang}.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


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


def value_text(value: Any, lang: str = DEFAULT) -> str:
    """A message value as words: terms and nested messages from the catalogue, money for people, data as is."""
    if isinstance(value, Msg):
        return word(value, lang)
    if isinstance(value, Enum):  # a term of the billing domain: stage.free_trial, limit.stackable, ...
        return template(f"{type(value).__name__.lower()}.{value.value}", lang)
    if isinstance(value, Yuan):
        return money(value.value)
    if isinstance(value, Qty):
        amount = to_decimal(Fraction(value.value), 2, Rounding.half_up).normalize()
        return f"{amount:,f} {value.unit}"
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


def word(msg: Msg, lang: str = DEFAULT) -> str:
    """A message worded in a language."""
    return template(msg.code, lang).format_map({k: value_text(v, lang) for k, v in msg.args.items()})
