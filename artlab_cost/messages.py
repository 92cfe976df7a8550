"""Messages as data: a stable code and the values its wording needs. The catalogues in i18n/ word them.

The core never builds a sentence: it says *what* happened (`Msg("scenario.unknown-offer",
{"offer": "x"})`), and a renderer or the command line words it in the reader's language with
`i18n.word(msg, lang)`. JSON carries the code, so a script never has to parse prose. This module is
the bottom layer: it imports nothing of the package, and a record never words itself.
"""

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, NamedTuple

LANGS = ("en", "zh")  # the languages artlab-cost speaks; en is the default and the fallback


class Msg(NamedTuple):
    """A message: its catalogue code and the values the wording needs (text, numbers, dates, terms, Msgs)."""

    code: str
    args: dict[str, Any]


def msg(code: str, **args: Any) -> Msg:
    return Msg(code, args)


class Level(StrEnum):
    note = "note"  # which price sheet and settings were used, what rests on an assumption
    warning = "warning"  # something in the input that is probably not what was meant


class Note(NamedTuple):
    """A note or warning attached to a result: what a reader should know about how it was made."""

    code: str
    args: dict[str, Any]
    rule: str = ""  # the billing rule it concerns (B13), if any
    level: Level = Level.note

    @property
    def msg(self) -> Msg:
        return Msg(self.code, self.args)


def note(code: str, rule: str = "", level: Level = Level.note, **args: Any) -> Note:
    return Note(code, args, rule, level)


def before_warnings(notes: tuple[Note, ...], extra: list[Note]) -> tuple[Note, ...]:
    """The notes with `extra` after the other notes and before the warnings (a result lists its warnings last)."""
    plain = [n for n in notes if n.level is Level.note]
    return (*plain, *extra, *(n for n in notes if n.level is not Level.note))


def unique(notes: list[Note]) -> list[Note]:
    """The notes without repeats, in their first order (one note per offer, however many slots it has)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for n in notes:
        key = (n.code, repr(sorted(n.args.items())))
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


class Yuan(NamedTuple):
    """An amount worded for people (two decimals, thousands separated) rather than exactly."""

    value: Fraction | Decimal


class Qty(NamedTuple):
    """A quantity worded for people: thousands separated, at most two decimals, then its unit (1,566 h)."""

    value: Fraction | Decimal
    unit: str


class Chain(tuple[Any, ...]):
    """Values worded one after another with ' > ' (a deduction order)."""

    __slots__ = ()


class Words(NamedTuple):
    """Prose a file gives in one language or several (a price sheet's names, notes and reasons): the text for
    a language, else the text given without one, else the English, else the first."""

    texts: tuple[tuple[str, str], ...]  # (language, text); "" is text given without naming a language

    @classmethod
    def plain(cls, text: str) -> "Words":
        return cls((("", text),))

    def text(self, lang: str = "en") -> str:
        found = dict(self.texts)
        return found.get(lang) or found.get("") or found.get("en") or self.texts[0][1]

    def __str__(self) -> str:
        return self.text()


class And(tuple[Any, ...]):
    """Values worded as 'a and b' in the reader's language (a plain tuple is worded 'a, b')."""

    __slots__ = ()
