"""A starter scenario (`artlab-cost init`): commented YAML, valid as written, for a new user, a student, shared
or dedicated use. The comments are worded in the reader's language; keys and values are the format's own."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from ..calendar import add_months
from ..errors import UsageError
from ..i18n import tr
from ..messages import msg
from ..pricing import Eligibility, PriceSheet


class Starter(NamedTuple):
    """What the starter scenario is for: the account, and the kinds of usage to begin with."""

    new_user: bool = False
    student: bool = False
    shared: bool = False
    dedicated: str | None = None  # a spec id of the sheet


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.split("\n")]


def starter_text(choice: Starter, sheet: PriceSheet, today: date, lang: str = "en") -> str:
    """The scenario: a 12-month period from the 1st of the month after `today`, the usage chosen (shared when
    neither is), and, for a new user or a student, the free offers they may claim, claimed on its first day."""
    specs = sheet.spec_ids()
    if choice.dedicated is not None and choice.dedicated not in specs:
        raise UsageError(msg("init.unknown-spec", spec=choice.dedicated, specs=specs))
    start = add_months(today.replace(day=1), 1)
    out = _comment(tr(lang, "init.header"))
    out += ["", f"name: {tr(lang, 'init.name')}"]
    out += _comment(tr(lang, "init.account"))
    out += [f"account: {{new_user: {str(choice.new_user).lower()}, student: {str(choice.student).lower()}}}"]
    out += _comment(tr(lang, "init.period"))
    out += [f"period: {{start: {start.isoformat()}, months: 12}}", "usage:"]
    if choice.shared or choice.dedicated is None:
        out += _comment(tr(lang, "init.shared"), "  ")
        out += ["  - kind: shared", "    images: 40", "    seconds_per_image: 6", "    per: day"]
    if choice.dedicated is not None:
        out += _comment(tr(lang, "init.dedicated", spec=choice.dedicated), "  ")
        out += ["  - kind: dedicated", f"    spec: {choice.dedicated}", "    hours_per_day: 2"]
        out += ["    days_per_week: 5", "    instances: 1"]
    out += _comment(tr(lang, "init.storage"), "  ")
    out += ["  - {kind: storage, gb: 20, growth_gb_per_month: 2}"]
    out += ["  - {kind: traffic, gb_per_month: 5}"]
    who = {Eligibility.new_user} if choice.new_user else set()
    who |= {Eligibility.student} if choice.student else set()
    free = [o for o in sheet.offers.values() if o.price == 0 and o.eligible and o.eligible <= who]
    if free:
        out += _comment(tr(lang, "init.holdings"))
        out += ["holdings:"] + [f"  - {{offer: {o.id}, date: {start.isoformat()}}}" for o in free]
    else:
        out += _comment(tr(lang, "init.no-holdings")) + ["holdings: []"]
    return "\n".join(out) + "\n"
