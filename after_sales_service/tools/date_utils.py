"""Date arithmetic for warranty periods, free of the ORM."""

from dateutil.relativedelta import relativedelta

UNITS = {
    "day": "days",
    "month": "months",
    "year": "years",
}


def add_duration(date_start, duration, unit):
    """Return ``date_start`` moved ``duration`` days, months or years ahead.

    Months and years keep the day of the month where it exists and fall back
    to the month's last day otherwise: 31 January + 1 month is 28 February
    (29 in a leap year), 29 February + 1 year is 28 February.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown duration unit {unit!r}")
    if not date_start:
        return False
    return date_start + relativedelta(**{UNITS[unit]: duration})
