"""Calendar arithmetic for validity periods and monthly bills."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """`months` calendar months after `day`, clamped to the month's last day.

    So one month from 2026-01-31 is 2026-02-28: a validity that starts on 31 January ends,
    exclusive, at 00:00 on 28 February (the rule of Java's plusMonths and dateutil).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
