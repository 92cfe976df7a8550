"""Numbers and terms in words: amounts and quantities for people and machines, dates, meters, stages, notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from ..calendar import ONE_DAY
from ..i18n import money, quantity, tr, value_text, word
from ..messages import Note
from ..money import Q, decimal_text
from ..pricing import METER_GROUPS, Meter, MeterId, Stage
from .view import View


def exact(value: Fraction | Decimal | int) -> str:
    """An amount or quantity as machine-readable text (JSON, CSV): exact when it is a finite decimal, else to
    DISPLAY_PLACES decimals (half even); no exponent, no trailing zeros. (A Q is checked for first: isinstance of
    Fraction is an ABC check, slow for the thousands a report writes.)"""
    return decimal_text(value if type(value) is Q or isinstance(value, Fraction) else Fraction(value))


def qty(value: Fraction, unit: str, lang: str = "en") -> str:
    """A usage quantity for people, compact from ten thousand up (74.4k GB-h, 7.44万 GB小时)."""
    return quantity(value, unit, lang, compact=True)


def cell(value: Fraction) -> str:
    """A money cell of a table: '-' where nothing was absorbed, so the eye finds the amounts."""
    return "-" if value == 0 else money(value)


def last_day(end: date) -> date:
    return end - ONE_DAY


def span(start: date, end: date) -> str:
    """A half-open date range shown as its first and last day."""
    last = last_day(end)
    return start.isoformat() if last == start else f"{start.isoformat()}..{last.isoformat()}"


def span_words(start: date, end: date, lang: str) -> str:
    """A half-open date range in words: its first and last day (2027-03-01 to 2027-03-31)."""
    last = last_day(end)
    return start.isoformat() if last == start else tr(lang, "span", first=start, last=last)


def meter_name(key: str, lang: str = "en") -> str:
    """A meter's name: a dedicated spec by its id, the others in the reader's words (OSS storage)."""
    base, _, spec = key.partition(":")
    return spec if spec else tr(lang, f"meter.{base}")


def short_meter(key: str, lang: str = "en") -> str:
    """A meter's name for a narrow table column."""
    base, _, spec = key.partition(":")
    return spec or tr(lang, f"meter.short.{base}")


def meter_title(m: Meter, lang: str = "en") -> str:
    """A meter's name as the sheet gives it, else in the reader's words (a spec: dedicated ded-8.07)."""
    if m.name is not None:
        return m.name.text(lang)
    base, _, spec = m.id.partition(":")
    return tr(lang, "meter.dedicated-spec", spec=spec) if spec else meter_name(m.id, lang)


def covers_name(covers: frozenset[MeterId], lang: str = "en") -> str:
    """The meters a grant covers, by group name where one fits (compute, traffic, requests, oss, all)."""
    for name, group in sorted(METER_GROUPS.items(), key=lambda item: -len(item[1])):
        if covers == frozenset(group):
            return tr(lang, f"group.{name}")
    return tr(lang, "list.separator").join(meter_name(m, lang) for m in sorted(covers))


def stage_name(stage: Stage, lang: str = "en") -> str:
    """A stage in words: the catalogue's term (free trial, pack, voucher, postpaid)."""
    return value_text(stage, lang)


def stage_column(stage: Stage, lang: str = "en") -> str:
    """A stage as a narrow column's header (Trial, Pack, Voucher, Postpaid)."""
    return tr(lang, f"column.{stage.value}")


def notes_text(notes: tuple[Note, ...] | list[Note], view: View) -> list[str]:
    return [word(n.msg, view.lang) for n in notes]


def budget_text(view: View, best_plan: bool = False) -> str:
    """The budget verdict as a line; for compare-plans it is the best plan's."""
    assert view.budget is not None
    verdict = view.budget.verdict()
    return tr(view.lang, "budget.best-plan", verdict=verdict) if best_plan else word(verdict, view.lang)


def yuan(value: Fraction, lang: str) -> str:
    """An amount with its currency: 1,526.90 yuan / 1,526.90 元."""
    return tr(lang, "unit.yuan", n=money(value))
