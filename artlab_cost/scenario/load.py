"""Reading a scenario: the checked YAML turned into typed usage and holdings, with the purchase rules (B10-B16)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from .. import yamlsrc
from ..calendar import add_months
from ..errors import InputError
from ..messages import Level, Qty, Words, msg, note
from ..pricing import UNITS, Eligibility, GrantKind, Limit, Meter, MeterId, PriceSheet, dedicated_key
from ..schema import INVALID, Items, Obj, Span, check, end_of, suggest
from ..schema.containers import ID_PATTERN as SPEC_ID
from .model import (
    Case,
    DedicatedUsage,
    Holding,
    Per,
    RequestUsage,
    Scenario,
    SharedUsage,
    StorageUsage,
    Tool,
    TrafficUsage,
    Usage,
    UsageKind,
    overlaps,
    validity_end,
)
from .spec import MAX_PERIOD_MONTHS, SCENARIO_SPEC, WEEKDAYS


def _weekdays(entry: Obj, path: str, src: yamlsrc.Source) -> frozenset[int]:
    """The days of the week a dedicated session runs: `weekdays`, or the first `days_per_week` from Monday."""
    if "weekdays" in entry:
        if "days_per_week" in entry:
            src.problems.append(src.problem(entry.at("weekdays"), f"{path}.weekdays", msg("scenario.weekdays-both")))
        return frozenset(WEEKDAYS.index(d) for d in entry["weekdays"])
    return frozenset(range(int(entry.get("days_per_week", 7))))


def _shared_seconds(entry: Obj, src: yamlsrc.Source) -> object:
    """GPU-seconds per `per`: given, or images x seconds per image; None (a problem recorded) when ill-given."""
    has_seconds, has_images = "gpu_seconds" in entry, "images" in entry
    if has_seconds == has_images:
        src.problems.append(src.problem(entry.mark, entry.path, msg("scenario.shared-either")))
        return None
    if has_images != ("seconds_per_image" in entry):
        missing = "seconds_per_image" if has_images else "images"
        key = "images" if has_images else "seconds_per_image"
        src.problems.append(
            src.problem(entry.at(key), f"{entry.path}.{missing}", msg("scenario.required-with", key=key))
        )
        return None
    return entry["gpu_seconds"] if has_seconds else entry["images"] * entry["seconds_per_image"]


def _usage(entry: Obj, period: tuple[date, date], sheet: PriceSheet, src: yamlsrc.Source) -> Usage | None:
    path = entry.path
    start, end = period
    first = entry.get("from", start)
    last = entry.get("until")
    stop = last + timedelta(days=1) if last is not None else end
    if last is not None and "from" in entry and last < first:
        src.problems.append(
            src.problem(entry.at("until"), f"{path}.until", msg("scenario.until-before-from", until=last, first=first))
        )
        return None
    label, span = entry.get("label") or path, (max(first, start), min(stop, end))
    kind = UsageKind(entry["kind"])
    if kind is UsageKind.shared:
        seconds = _shared_seconds(entry, src)
        if seconds is None:
            return None
        return SharedUsage(label, *span, seconds, Per(entry["per"]), Tool(entry["tool"]))  # type: ignore[arg-type]
    if kind is UsageKind.dedicated:
        specs = sheet.spec_ids()
        if entry["spec"] not in specs and "price" not in entry:
            hint = suggest(entry["spec"], specs)
            src.problems.append(
                src.problem(
                    entry.at("spec"), f"{path}.spec", msg("scenario.unknown-spec", spec=entry["spec"], hint=hint)
                )
            )
            return None
        weekdays = _weekdays(entry, path, src)
        copies = int(entry.get("instances", 1))
        return DedicatedUsage(
            label, *span, entry["spec"], entry["hours_per_day"], weekdays, Tool(entry["tool"]), copies
        )
    if kind is UsageKind.storage:
        return StorageUsage(label, *span, entry["gb"], entry["growth_gb_per_month"], first)
    if kind is UsageKind.traffic:
        return TrafficUsage(label, *span, entry["gb_per_month"], entry["idle_share"])
    return RequestUsage(label, *span, entry["put_per_month"], entry["get_per_month"])


def _default_names_taken(entries: Items, src: yamlsrc.Source) -> None:
    """An entry without a label goes by its path (usage[1]); another entry labelled so would be taken for it, and
    `--by label` would add the two up: refused where that label is written."""
    unlabelled = {e.path for e in entries if not e.get("label")}
    for e in entries:
        label = e.get("label")
        if label and label != e.path and label in unlabelled:
            src.problems.append(src.problem(e.at("label"), f"{e.path}.label", msg("scenario.label-taken", label=label)))


def _at(entry: Obj, case: Case) -> Obj:
    """A usage entry with each figure given as a range at one end of it (or at its expected value)."""
    out = Obj({key: end_of(value, case.value) for key, value in entry.items()})
    out.mark, out.marks, out.path = entry.mark, entry.marks, entry.path
    return out


def _ranged(entry: Obj) -> list[str]:
    """The field paths of an entry's figures given as ranges; a range of one value (`40..40`) is that value."""
    return [f"{entry.path}.{key}" for key, v in entry.items() if isinstance(v, Span) and v.low != v.high]


def _ends(
    raw: Obj, kept: list[int], period: tuple[date, date], sheet: PriceSheet, src: yamlsrc.Source
) -> tuple[tuple[Usage, ...], tuple[Usage, ...]]:
    """The kept usage entries at the low and at the high end of their ranges.

    Built as the expected entries are, from the entry at that end; any problem an entry has, its
    expected value already reported (the checks across fields look at which keys are given, not at
    the figures), so what these record is dropped.
    """
    quiet = yamlsrc.Source(src.name, src.root, [])
    entries = [raw["usage"][i] for i in kept]
    low, high = (
        tuple(u for e in entries if (u := _usage(_at(e, case), period, sheet, quiet)) is not None)
        for case in (Case.low, Case.high)
    )
    return low, high


def _spec(spec_id: str, price: Decimal, source: str | None, name: str | None, field: str, origin: str) -> Meter:
    """A dedicated spec the scenario prices itself: a meter like the sheet's, its price an assumption without a
    source."""
    return Meter(
        dedicated_key(spec_id),
        Words.plain(name) if name else None,
        UNITS[MeterId.dedicated],
        price,
        Decimal(1),
        "hour",
        source or "",
        () if source else (("price", msg("assumed.own-price")),),
        origin=origin,
        field=field,
    )


def _own_specs(raw: Obj, sheet: PriceSheet, src: yamlsrc.Source) -> tuple[Meter, ...]:
    """The specs a scenario prices: under `specs`, and on dedicated usage entries with a `price`. One price per
    spec, and never a spec the price sheet already prices."""
    out: dict[str, Meter] = {}
    listed = raw.get("specs") or Obj()
    for spec_id, spec in listed.items():
        if dedicated_key(spec_id) in sheet.meters:
            src.problems.append(
                src.problem(listed.marks[spec_id], f"specs.{spec_id}", msg("scenario.spec-in-sheet", spec=spec_id))
            )
            continue
        out[spec_id] = _spec(spec_id, spec["price"], spec.get("source"), spec.get("name"), f"specs.{spec_id}", src.name)
    for entry in raw["usage"]:
        if entry["kind"] != UsageKind.dedicated.value:
            continue
        if "price" not in entry:
            if "source" in entry:
                src.problems.append(
                    src.problem(entry.at("source"), f"{entry.path}.source", msg("scenario.source-alone"))
                )
            continue
        spec_id, where = entry["spec"], entry.at("price")
        if not re.fullmatch(SPEC_ID, spec_id):
            src.problems.append(src.problem(entry.at("spec"), f"{entry.path}.spec", msg("spec.id-pattern")))
        elif dedicated_key(spec_id) in sheet.meters:
            src.problems.append(src.problem(where, f"{entry.path}.price", msg("scenario.spec-in-sheet", spec=spec_id)))
        elif spec_id in out and out[spec_id].price != entry["price"]:
            problem = msg("scenario.spec-priced-twice", spec=spec_id, price=out[spec_id].price)
            src.problems.append(src.problem(where, f"{entry.path}.price", problem))
        elif spec_id not in out or (entry.get("source") and not out[spec_id].source):
            # the first price given, or the same price where a source is given for it
            out[spec_id] = _spec(spec_id, entry["price"], entry.get("source"), None, entry.path, src.name)
    return tuple(out.values())


def _holding(
    h: Obj, index: int, account: Obj, period_start: date, sheet: PriceSheet, src: yamlsrc.Source
) -> Holding | None:
    """One holding, checked on its own: a known offer the account may hold, a count and `used` that fit it."""
    path = h.path
    offer = sheet.offers.get(h["offer"])
    if offer is None:
        hint = suggest(h["offer"], tuple(sheet.offers))
        src.problems.append(
            src.problem(h.at("offer"), f"{path}.offer", msg("scenario.unknown-offer", offer=h["offer"], hint=hint))
        )
        return None
    if Eligibility.new_user in offer.eligible and not account["new_user"]:
        src.problems.append(src.problem(h.at("offer"), f"{path}.offer", msg("scenario.new-users-only", offer=offer.id)))
    if Eligibility.student in offer.eligible and not account["student"]:
        src.problems.append(src.problem(h.at("offer"), f"{path}.offer", msg("scenario.students-only", offer=offer.id)))
    count = int(h["count"])
    if count > 1 and offer.limit is not Limit.stackable:
        src.problems.append(
            src.problem(h.at("count"), f"{path}.count", msg("scenario.count-one", offer=offer.id, limit=offer.limit))
        )
    used = h.get("used")
    if used is not None:
        where, grant = h.at("used"), offer.grants[0]
        if len(offer.grants) != 1 or grant.kind not in (GrantKind.amount, GrantKind.quantity):
            src.problems.append(src.problem(where, f"{path}.used", msg("scenario.used-kind")))
        elif h["date"] >= period_start:
            src.problems.append(src.problem(where, f"{path}.used", msg("scenario.used-before-period")))
        elif used > grant.size * count:  # stacked packs are used one after another (B16)
            src.problems.append(
                src.problem(
                    where, f"{path}.used", msg("scenario.used-more", amount=Qty(grant.size * count, grant.unit))
                )
            )
    return Holding(offer.id, h["date"], count, used, h.get("label") or "", index)


def _purchase_rules(holdings: list[Holding], raw: tuple[Obj, ...], sheet: PriceSheet, src: yamlsrc.Source) -> None:
    """Rules across holdings: once per user (B10, B15), and one at a time per group (B16)."""
    seen: dict[str, Holding] = {}
    for hold in holdings:
        if sheet.offers[hold.offer].limit is Limit.once_per_user:
            if hold.offer in seen:
                where = raw[hold.position].at("offer")
                problem = msg("scenario.once-per-user", offer=hold.offer, other=seen[hold.offer].position)
                src.problems.append(src.problem(where, f"holdings[{hold.position}].offer", problem))
            seen[hold.offer] = hold
    for a, b in overlaps(holdings, sheet):
        problem = msg(
            "scenario.overlap", offer=b.offer, other=a.position, other_offer=a.offer, until=validity_end(a, sheet)
        )
        src.problems.append(src.problem(raw[b.position].at("date"), f"holdings[{b.position}].date", problem))


def _period(raw: Obj, src: yamlsrc.Source) -> tuple[date, date]:
    start = raw["start"]
    if "end" not in raw:
        return start, add_months(start, int(raw["months"]))
    end = raw["end"] + timedelta(days=1)
    if end <= start:
        src.problems.append(
            src.problem(raw.at("end"), "period.end", msg("scenario.end-before-start", end=raw["end"], start=start))
        )
    elif end > add_months(start, MAX_PERIOD_MONTHS):
        src.problems.append(
            src.problem(raw.at("end"), "period.end", msg("scenario.too-long", months=MAX_PERIOD_MONTHS))
        )
    return start, end


def _warnings(
    usage: list[Usage | None],
    holdings: list[Holding],
    period: tuple[date, date],
    sheet: PriceSheet,
    raw: Obj,
    name: str,
) -> list:  # type: ignore[type-arg]
    """What is probably not meant, each said where it is written (FILE:LINE:COLUMN, as a problem is)."""
    start, end = period

    def at(items: Items, i: int) -> str:
        mark = items.marks[i]
        return f"{name}:{mark.line}:{mark.column}"

    out = [
        note("warning.usage-outside", level=Level.warning, file=at(raw["usage"], i), label=u.label)
        for i, u in enumerate(usage)
        if u is not None and u.start >= u.end
    ]
    for h in holdings:
        here = at(raw["holdings"], h.position)
        if h.acquired >= end:
            out.append(note("warning.holding-after", level=Level.warning, file=here, index=h.position, offer=h.offer))
        elif validity_end(h, sheet) <= start:
            expired = validity_end(h, sheet)
            out.append(
                note(
                    "warning.holding-expired",
                    level=Level.warning,
                    file=here,
                    index=h.position,
                    offer=h.offer,
                    expired=expired,
                )
            )
    return out


def parse_scenario(src: yamlsrc.Source, sheet: PriceSheet) -> Scenario:
    if isinstance(src.root, yamlsrc.Map) and {"sheet", "meters"} <= src.root.items.keys():
        raise InputError([src.problem(None, "", msg("scenario.is-sheet"))])
    raw = check(src, SCENARIO_SPEC)
    if raw is INVALID or src.problems:
        raise InputError(src.problems or [src.problem(None, "", msg("scenario.invalid"))])
    period = _period(raw["period"], src)
    account = raw["account"]
    specs = _own_specs(raw, sheet, src)
    sheet = sheet.with_specs(specs)
    usage = [_usage(_at(e, Case.expected), period, sheet, src) for e in raw["usage"]]
    _default_names_taken(raw["usage"], src)
    holdings = [_holding(h, i, account, period[0], sheet, src) for i, h in enumerate(raw["holdings"])]
    known = [h for h in holdings if h is not None]
    _purchase_rules(known, raw["holdings"], sheet, src)
    if src.problems:
        raise InputError(src.problems)
    checked = [u for u in usage if u is not None]
    kept = [i for i, u in enumerate(usage) if u is not None and u.start < u.end]
    ranges = tuple(path for i in kept for path in _ranged(raw["usage"][i]))
    return Scenario(
        name=raw.get("name") or Path(src.name).stem,
        new_user=account["new_user"],
        student=account["student"],
        start=period[0],
        end=period[1],
        usage=tuple(u for u in checked if u.start < u.end),
        holdings=tuple(known),
        origin=src.name,
        warnings=tuple(_warnings(usage, known, period, sheet, raw, src.name)),
        specs=specs,
        ranges=ranges,
        ends=_ends(raw, kept, period, sheet, src) if ranges else ((), ()),
    )


def load_scenario(path: Path | str, sheet: PriceSheet, display: str | None = None) -> Scenario:
    return parse_scenario(yamlsrc.load(Path(path), display or str(path)), sheet)
