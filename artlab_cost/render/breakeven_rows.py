"""A comparison's break-even prices as words and rows that every format shares ("Worth buying up to")."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

from ..i18n import money, tr
from ..messages import Yuan
from .wording import exact

if TYPE_CHECKING:
    from ..plans import BreakEven, Comparison


def fen_down(value: Fraction) -> Fraction:
    """A price rounded down to the fen: at that price, buying still costs no more than going without."""
    return Fraction(math.floor(value * 100), 100)


def fen_up(value: Fraction) -> Fraction:
    """A bound rounded up to the fen, so that the bracket shown still holds the price."""
    return Fraction(math.ceil(value * 100), 100)


def break_even_header(lang: str) -> list[str]:
    codes = ("breakeven.column.offer", "breakeven.column.standing", "breakeven.column.price")
    return [tr(lang, c) for c in (*codes, "breakeven.column.listed", "breakeven.column.copies")]


def standing(b: BreakEven, lang: str) -> str:
    """What the price says: not worth buying at all, stays in the best plan, pays off, or a bracket unproven."""
    if not b.buyable:
        return tr(lang, "breakeven.not-buyable")
    if not b.proven:
        low, high = b.bracket
        return tr(lang, "breakeven.unproven", low=Yuan(fen_down(low)), high=Yuan(fen_up(high)))
    if b.worthless:
        return tr(lang, "breakeven.worthless")
    return tr(lang, "breakeven.stays" if b.in_best else "breakeven.pays")


def break_even_rows(comparison: Comparison, lang: str) -> list[list[str]]:
    """One row an offer: its id, what the price says, the price (rounded down to the fen), the sheet's price (*
    when assumed) and the copies the plan at that price buys."""
    return [
        [
            b.offer,
            standing(b, lang),
            money(fen_down(b.price)),
            money(b.listed_price) + (" *" if b.assumed_price else ""),
            str(b.copies),
        ]
        for b in comparison.break_even
    ]


def break_even_headlines(comparison: Comparison, lang: str) -> list[str]:
    """A line for each compute pack: 'a 100-yuan compute pack pays off for you at up to X yuan (Y% of face value)'."""
    out = []
    for b in comparison.break_even:
        if not b.face_value:
            continue
        face = exact(b.face_value)  # as the offer's name says it: 100, not 100.00
        if not b.buyable:
            continue
        if b.worthless:
            out.append(tr(lang, "breakeven.headline-never", face=face, offer=b.offer))
            continue
        price = fen_down(b.price)
        percent = math.floor(price * 100 / b.face_value)
        code = "breakeven.headline" if b.proven else "breakeven.headline-unproven"
        out.append(
            tr(
                lang,
                code,
                face=face,
                offer=b.offer,
                price=Yuan(price),
                percent=percent,
                high=Yuan(fen_up(b.bracket[1])),
            )
        )
    return out
