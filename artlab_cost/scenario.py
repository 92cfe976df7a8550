"""The usage scenario: who the account is, the period, how it is used and what it already holds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from . import yamlsrc
from .calendar import add_months
from .errors import InputError
from .pricing import PriceSheet
from .schema import INVALID, Day, Field, Flag, ListOf, Num, Obj, Record, Tagged, Text, check, suggest

MAX_PERIOD_MONTHS = 120
TOOLS = ("stable-diffusion", "comfyui")
PER = ("day", "week", "month")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_RANGE = {
    "label": Field(Text(doc="A name for this entry, used in warnings about it.")),
    "from": Field(Day(doc="First day this entry applies (default: the period's start).")),
    "until": Field(Day(doc="Last day this entry applies, inclusive (default: the period's end).")),
}
_TOOL = Field(
    Text(choices=TOOLS, doc="The ArtLab tool, for your own record: both are billed alike (B3, B4)."),
    default="stable-diffusion",
)

USAGE_KINDS = {
    "shared": Record(
        {
            **_RANGE,
            "tool": _TOOL,
            "gpu_seconds": Field(Num(doc="GPU-seconds of image generation per `per` (B3).")),
            "images": Field(Num(doc="Images generated per `per`; with seconds_per_image.")),
            "seconds_per_image": Field(Num(exclusive_minimum=True, doc="GPU-seconds one image takes.")),
            "per": Field(Text(choices=PER), required=True),
        },
        doc="Shared edition: billed per GPU-second actually spent generating (B3).",
    ),
    "dedicated": Record(
        {
            **_RANGE,
            "tool": _TOOL,
            "spec": Field(Text(doc="A dedicated spec id of the price sheet."), required=True),
            "hours_per_day": Field(Num(exclusive_minimum=True, maximum=Decimal(24)), required=True),
            "days_per_week": Field(
                Num(minimum=Decimal(1), maximum=Decimal(7), integer=True, doc="Monday first: 5 means Monday to Friday.")
            ),
            "weekdays": Field(
                ListOf(Text(choices=WEEKDAYS), min_items=1, max_items=7, doc="The days it runs, e.g. [sat, sun].")
            ),
        },
        doc="Dedicated edition: billed from start to stop, one session a day (B4, B5).",
    ),
    "storage": Record(
        {
            **_RANGE,
            "gb": Field(Num(doc="GB stored when the entry starts."), required=True),
            "growth_gb_per_month": Field(
                Num(doc="GB added at the start of each later calendar month."), default=Decimal(0)
            ),
        },
        doc="OSS standard storage, billed by the hour (B6, B7).",
    ),
    "traffic": Record(
        {
            **_RANGE,
            "gb_per_month": Field(Num(doc="Downstream GB per calendar month."), required=True),
            "idle_share": Field(
                Num(maximum=Decimal(1), doc="Share of the traffic in idle hours, 00:00-08:00 (B7)."), default=Decimal(0)
            ),
        },
        doc="OSS internet downstream traffic (B6, B7).",
    ),
    "requests": Record(
        {
            **_RANGE,
            "put_per_month": Field(Num(integer=True), default=Decimal(0)),
            "get_per_month": Field(Num(integer=True), default=Decimal(0)),
        },
        doc="OSS PUT and GET requests; the monthly free allowance is applied per calendar month (B6).",
    ),
}

SCENARIO_SPEC = Record(
    {
        "name": Field(Text(doc="What this scenario describes.")),
        "account": Field(
            Record(
                {
                    "new_user": Field(Flag(doc="A new main account, real-name verified (B10)."), required=True),
                    "student": Field(Flag(doc="Student identity verified (B11)."), required=True),
                }
            ),
            required=True,
        ),
        "period": Field(
            Record(
                {
                    "start": Field(Day(), required=True),
                    "months": Field(Num(minimum=Decimal(1), maximum=Decimal(MAX_PERIOD_MONTHS), integer=True)),
                    "end": Field(Day(doc="Last day of the period, inclusive.")),
                },
                one_of=(("months", "end"),),
            ),
            required=True,
        ),
        "usage": Field(ListOf(Tagged(USAGE_KINDS), max_items=200), default=[]),
        "holdings": Field(
            ListOf(
                Record(
                    {
                        "offer": Field(Text(doc="An offer id of the price sheet."), required=True),
                        "date": Field(Day(doc="The day it was claimed or bought."), required=True),
                        "count": Field(
                            Num(minimum=Decimal(1), maximum=Decimal(1000), integer=True), default=Decimal(1)
                        ),
                        "used": Field(Num(doc="Already used before the period starts, in the offer's unit.")),
                        "label": Field(Text()),
                    }
                ),
                max_items=500,
            ),
            default=[],
        ),
    },
    title="artlab-cost scenario",
)


class Usage(NamedTuple):
    """One usage entry, normalised: a daily, weekly or monthly rate of a meter over a date range."""

    kind: str  # shared, dedicated, storage, traffic, requests
    label: str
    start: date  # first day, inclusive (clipped to the period)
    end: date  # exclusive
    tool: str = ""
    spec: str = ""
    per: str = "month"
    gpu_seconds: Decimal = Decimal(0)  # per `per`
    hours_per_day: Decimal = Decimal(0)
    weekdays: frozenset[int] = frozenset(range(7))  # Monday is 0
    gb: Decimal = Decimal(0)
    growth: Decimal = Decimal(0)
    anchor: date = date(2000, 1, 1)  # the day storage growth counts from
    gb_per_month: Decimal = Decimal(0)
    idle_share: Decimal = Decimal(0)
    put_per_month: Decimal = Decimal(0)
    get_per_month: Decimal = Decimal(0)


class Holding(NamedTuple):
    offer: str
    acquired: date
    count: int  # type: ignore[assignment]
    used: Decimal | None
    label: str
    index: int  # type: ignore[assignment]  # position in the scenario, for the B13 tie-break


class Scenario(NamedTuple):
    name: str
    new_user: bool
    student: bool
    start: date
    end: date  # exclusive
    usage: tuple[Usage, ...]
    holdings: tuple[Holding, ...]
    origin: str
    warnings: tuple[str, ...] = ()

    def with_holdings(self, extra: tuple[Holding, ...]) -> Scenario:
        return self._replace(holdings=self.holdings + extra)


def _weekdays(entry: Obj, path: str, src: yamlsrc.Source) -> frozenset[int]:
    """The days of the week a dedicated session runs: `weekdays`, or the first `days_per_week` from Monday."""
    if "weekdays" in entry:
        if "days_per_week" in entry:
            src.problems.append(
                src.problem(entry.at("weekdays"), f"{path}.weekdays", "give days_per_week or weekdays, not both")
            )
        return frozenset(WEEKDAYS.index(d) for d in entry["weekdays"])
    return frozenset(range(int(entry.get("days_per_week", 7))))


def _usage(entry: Obj, period: tuple[date, date], sheet: PriceSheet, src: yamlsrc.Source) -> Usage | None:
    path = entry.path
    start, end = period
    first = entry.get("from", start)
    last = entry.get("until")
    stop = last + timedelta(days=1) if last is not None else end
    if last is not None and "from" in entry and last < first:
        src.problems.append(src.problem(entry.at("until"), f"{path}.until", f"{last} is before from {first}"))
        return None
    label = entry.get("label") or path
    kind = entry["kind"]
    common = {"kind": kind, "label": label, "start": max(first, start), "end": min(stop, end)}
    if kind == "shared":
        has_seconds, has_images = "gpu_seconds" in entry, "images" in entry
        if has_seconds == has_images:
            src.problems.append(
                src.problem(entry.mark, path, "give either gpu_seconds, or images with seconds_per_image")
            )
            return None
        if has_images != ("seconds_per_image" in entry):
            missing = "seconds_per_image" if has_images else "images"
            key = "images" if has_images else "seconds_per_image"
            src.problems.append(src.problem(entry.at(key), f"{path}.{missing}", f"required with {key}"))
            return None
        seconds = entry["gpu_seconds"] if has_seconds else entry["images"] * entry["seconds_per_image"]
        return Usage(**common, tool=entry["tool"], per=entry["per"], gpu_seconds=seconds)
    if kind == "dedicated":
        specs = sheet.spec_ids()
        if entry["spec"] not in specs:
            src.problems.append(
                src.problem(
                    entry.at("spec"),
                    f"{path}.spec",
                    f"unknown dedicated spec '{entry['spec']}'{suggest(entry['spec'], specs)} "
                    "(add it to the price sheet)",
                )
            )
            return None
        return Usage(
            **common,
            tool=entry["tool"],
            spec=entry["spec"],
            hours_per_day=entry["hours_per_day"],
            weekdays=_weekdays(entry, path, src),
        )
    if kind == "storage":
        return Usage(**common, gb=entry["gb"], growth=entry["growth_gb_per_month"], anchor=first)
    if kind == "traffic":
        return Usage(**common, gb_per_month=entry["gb_per_month"], idle_share=entry["idle_share"])
    return Usage(**common, put_per_month=entry["put_per_month"], get_per_month=entry["get_per_month"])


def _holdings(
    raw: list[Obj], new_user: bool, student: bool, period_start: date, sheet: PriceSheet, src: yamlsrc.Source
) -> tuple[Holding, ...]:
    out: list[Holding] = []
    for i, h in enumerate(raw):
        path = h.path
        offer = sheet.offers.get(h["offer"])
        if offer is None:
            src.problems.append(
                src.problem(
                    h.at("offer"),
                    f"{path}.offer",
                    f"unknown offer '{h['offer']}'{suggest(h['offer'], tuple(sheet.offers))}",
                )
            )
            continue
        if "new_user" in offer.eligible and not new_user:
            src.problems.append(
                src.problem(
                    h.at("offer"),
                    f"{path}.offer",
                    f"'{offer.id}' is for new users only, and account.new_user is false (B10)",
                )
            )
        if "student" in offer.eligible and not student:
            src.problems.append(
                src.problem(
                    h.at("offer"),
                    f"{path}.offer",
                    f"'{offer.id}' is for students only, and account.student is false (B11)",
                )
            )
        count = int(h["count"])
        if count > 1 and offer.limit != "stackable":
            src.problems.append(
                src.problem(
                    h.at("count"),
                    f"{path}.count",
                    f"'{offer.id}' is {offer.limit.replace('_', ' ')}, so count must be 1",
                )
            )
        used = h.get("used")
        if used is not None:
            if len(offer.grants) != 1 or offer.grants[0].kind == "capacity":
                src.problems.append(
                    src.problem(
                        h.at("used"),
                        f"{path}.used",
                        "used is only for an offer of one amount or quantity, not a capacity",
                    )
                )
            elif h["date"] >= period_start:
                src.problems.append(
                    src.problem(
                        h.at("used"), f"{path}.used", "used is only for a holding acquired before the period starts"
                    )
                )
            elif used > offer.grants[0].size * count:  # stacked packs are used one after another (B16)
                src.problems.append(
                    src.problem(
                        h.at("used"),
                        f"{path}.used",
                        f"is more than the {offer.grants[0].size * count} {offer.grants[0].unit} it holds",
                    )
                )
        out.append(Holding(offer.id, h["date"], count, used, h.get("label") or "", i))
    # Purchase rules across holdings: once per user (B10, B15) and one at a time per group (B16).
    seen: dict[str, Holding] = {}
    for hold in out:
        offer = sheet.offers[hold.offer]
        if offer.limit == "once_per_user":
            if hold.offer in seen:
                src.problems.append(
                    src.problem(
                        raw[hold.index].at("offer"),
                        f"holdings[{hold.index}].offer",
                        f"'{offer.id}' can be claimed once per user, "
                        f"and holdings[{seen[hold.offer].index}] has it already",
                    )
                )
            seen[hold.offer] = hold
    for clash in overlaps(out, sheet):
        a, b = clash
        src.problems.append(
            src.problem(
                raw[b.index].at("date"),
                f"holdings[{b.index}].date",
                f"'{b.offer}' overlaps holdings[{a.index}] ('{a.offer}', valid until {validity_end(a, sheet)}): "
                "a storage pack can be bought only once per validity (B16)",
            )
        )
    return tuple(out)


def validity_end(hold: Holding, sheet: PriceSheet) -> date:
    return add_months(hold.acquired, sheet.offers[hold.offer].validity_months)


def overlaps(holdings: list[Holding] | tuple[Holding, ...], sheet: PriceSheet) -> list[tuple[Holding, Holding]]:
    """Pairs of holdings that break a once-per-validity rule (B16): same group or offer, validity overlapping."""
    clashes = []
    limited = [h for h in holdings if sheet.offers[h.offer].limit == "once_per_validity"]
    for j, b in enumerate(limited):
        key_b = sheet.offers[b.offer].group or b.offer
        for a in limited[:j]:
            key_a = sheet.offers[a.offer].group or a.offer
            if key_a == key_b and a.acquired < validity_end(b, sheet) and b.acquired < validity_end(a, sheet):
                clashes.append((a, b))
    return clashes


def parse_scenario(src: yamlsrc.Source, sheet: PriceSheet) -> Scenario:
    if isinstance(src.root, yamlsrc.Map) and {"sheet", "meters"} <= src.root.items.keys():
        raise InputError([src.problem(None, "", "this is a price sheet, not a scenario (pass it with --pricing)")])
    raw = check(src, SCENARIO_SPEC)
    if raw is INVALID or src.problems:
        raise InputError(src.problems or [src.problem(None, "", "invalid scenario")])
    period = raw["period"]
    start = period["start"]
    if "end" in period:
        end = period["end"] + timedelta(days=1)
        if end <= start:
            src.problems.append(src.problem(period.at("end"), "period.end", f"{period['end']} is before start {start}"))
        elif end > add_months(start, MAX_PERIOD_MONTHS):
            src.problems.append(
                src.problem(period.at("end"), "period.end", f"period is longer than {MAX_PERIOD_MONTHS} months")
            )
    else:
        end = add_months(start, int(period["months"]))
    account = raw["account"]
    usage = [_usage(e, (start, end), sheet, src) for e in raw["usage"]]
    holdings = _holdings(raw["holdings"], account["new_user"], account["student"], start, sheet, src)
    if src.problems:
        raise InputError(src.problems)
    warnings = []
    for u in usage:
        assert u is not None
        if u.start >= u.end:
            warnings.append(f"{src.name}: {u.label} lies outside the period; it adds nothing")
    for h in holdings:
        if h.acquired >= end:
            warnings.append(
                f"{src.name}: holdings[{h.index}] ({h.offer}) is acquired after the period ends; it adds nothing"
            )
        elif validity_end(h, sheet) <= start:
            warnings.append(
                f"{src.name}: holdings[{h.index}] ({h.offer}) expired on {validity_end(h, sheet)}, before the period; "
                "it adds nothing"
            )
    return Scenario(
        name=raw.get("name") or Path(src.name).stem,
        new_user=account["new_user"],
        student=account["student"],
        start=start,
        end=end,
        usage=tuple(u for u in usage if u is not None and u.start < u.end),
        holdings=holdings,
        origin=src.name,
        warnings=tuple(warnings),
    )


def load_scenario(path: Path, sheet: PriceSheet, display: str | None = None) -> Scenario:
    return parse_scenario(yamlsrc.load(path, display), sheet)
