"""Dates as data sets write them, read without guessing.

Accepted without options: ISO 8601 (``2022-06-17``, ``2022-06-17T10:00:00Z``), ISO's order
without zero padding (``2022-6-17``, ``2022/6/17``), RFC 2822 (``Tue, 3 Mar 2020 10:00:00
+0000``) and dates that spell their month (``March 5, 2020``, ``5 mars 2020`` is not English and
is refused). A numeric date whose year does not come first (``10/05/2019``, ``31-10-2020``) needs
``--date-format``: one file's ``10/05`` cannot say whether it is May or October, and reading some
rows one way and the rest another would be worse than asking. A value missing its day, month or
year is refused too, never completed with today's.
"""

from __future__ import annotations

import re
from datetime import datetime

from factdb.errors import Hint, HintedValueError, InvalidInputError, Setting


class DateProblem(HintedValueError):
    """Why a date cannot be read; the message names the value, the hints what to do."""


_YEAR_FIRST = re.compile(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T\s]|$)")
_NUMERIC_ONLY = re.compile(r"^[\d\s:./\-+TZ,]+$")
_HAS_LETTERS = re.compile(r"[^\W\d_]")
# Two defaults differing in every part: a part the text does not give shows up as a difference.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


def check_date_format(date_format: str) -> str:
    """The strftime pattern itself, once it has shown it can read what it writes."""
    sample = datetime(2001, 2, 3, 4, 5, 6)
    if "%" not in date_format:
        raise InvalidInputError(f"date-format: {date_format!r} has no % directive (e.g. %d-%m-%Y)")
    try:
        datetime.strptime(sample.strftime(date_format), date_format)
    except ValueError as error:
        raise InvalidInputError(f"date-format: {date_format!r}: {error}") from None
    return date_format


def read_date_text(value: str, *, date_format: str | None = None, date_only: bool = False) -> str:
    """The value as ISO 8601 text for validation; DateProblem when it cannot be read safely.

    ``date_format`` (strftime) is applied first when given, and a value it does not fit falls
    back to the unambiguous forms: a file may mix ``31-10-2020`` with ``2020-10-31``.
    """
    text = value.strip()
    parsed = _with_format(text, date_format) if date_format else None
    if parsed is None:
        parsed = _unambiguous(text, date_format)
    return parsed.date().isoformat() if date_only else parsed.isoformat()


def _with_format(text: str, date_format: str) -> datetime | None:
    try:
        return datetime.strptime(text, date_format)
    except ValueError:
        return None


def _unambiguous(text: str, date_format: str | None) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    if _YEAR_FIRST.match(text):
        return _dateutil(text, date_format, yearfirst=True)
    if _NUMERIC_ONLY.match(text) and len(re.findall(r"\d+", text)) >= 3:
        raise _problem(
            f"{text!r}: day and month order cannot be told from a numeric date", date_format
        )
    if not _HAS_LETTERS.search(text):
        raise _problem(f"{text!r} is not a full date factdb can read", date_format)
    rfc = _rfc2822(text)
    return rfc if rfc is not None else _dateutil(text, date_format, yearfirst=False)


def _rfc2822(text: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    if "," not in text[:5] and not re.search(r"[+-]\d{4}$|\b(?:GMT|UT|UTC)$", text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _dateutil(text: str, date_format: str | None, *, yearfirst: bool) -> datetime:
    import warnings

    from dateutil import parser

    with warnings.catch_warnings():
        # A zone name dateutil does not know (EST, CET…) would be dropped silently: refuse it.
        warnings.simplefilter("error", parser.UnknownTimezoneWarning)
        try:
            return _agreed_reading(text, date_format, yearfirst=yearfirst)
        except parser.UnknownTimezoneWarning:
            raise _problem(
                f"{text!r} names a time zone factdb cannot place (an offset such as +0200 can be)",
                date_format,
            ) from None


def _agreed_reading(text: str, date_format: str | None, *, yearfirst: bool) -> datetime:
    from dateutil import parser

    readings = set()
    # Year first means year-month-day: no convention writes year-day-month.
    orders = (False,) if yearfirst else (False, True)
    for default in _DEFAULTS:
        for dayfirst in orders:
            try:
                readings.add(
                    parser.parse(text, default=default, dayfirst=dayfirst, yearfirst=yearfirst)
                )
            except (ValueError, OverflowError, parser.ParserError):
                raise _problem(f"{text!r} is not a date factdb can read", date_format) from None
    if len(readings) != 1:
        # Either a part is missing (the defaults showed through) or the order is ambiguous.
        raise _problem(f"{text!r} is not a full, unambiguous date", date_format)
    return readings.pop()


def _problem(message: str, date_format: str | None) -> DateProblem:
    """A date that cannot be read; the file's date format would say how, unless it was given."""
    if date_format:
        return DateProblem(f"{message}; it does not fit the date format {date_format!r} either")
    return DateProblem(message, hints=[Hint.give(Setting.DATE_FORMAT, "%d/%m/%Y")])
