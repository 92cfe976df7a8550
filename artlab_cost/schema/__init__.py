"""Declarative field specs: one description of a file format that both checks a node tree and emits JSON Schema.

base.py        the Spec interface, checked containers (Obj, Items), did-you-mean, check()
scalars.py     Num (exact decimals), Text, Flag, Day
containers.py  ListOf, Record (with Field), MapOf, Tagged, TextOrMap, Prose
ranges.py      Ranged: a figure that may be a range (Span), low..high
"""

from .base import INVALID, Items, Obj, Spec, check, describe, join, suggest
from .containers import Field, ListOf, MapOf, Prose, Record, Tagged, TextOrMap
from .ranges import Ranged, Span, end_of
from .scalars import Day, Flag, Num, Text

__all__ = [
    "INVALID",
    "Day",
    "Field",
    "Flag",
    "Items",
    "ListOf",
    "MapOf",
    "Num",
    "Obj",
    "Prose",
    "Ranged",
    "Record",
    "Spec",
    "Span",
    "Tagged",
    "Text",
    "TextOrMap",
    "check",
    "describe",
    "end_of",
    "join",
    "suggest",
]
