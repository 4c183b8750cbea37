"""Checks of the values outside systems send to the API methods.

Every public method is callable over RPC with any arguments: a value of the
wrong type or out of range is a UserError that names the argument, never a
TypeError, an OverflowError or a database error deep in the ORM.
"""

import reprlib
from datetime import date

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import SQL

# Record ids are PostgreSQL integers: a larger number would reach the
# database as an "integer out of range" error.
MAX_ID = 2**31 - 1
# Units one registration may cover: far above any real delivery, and small
# enough that rounding to the unit of measure stays exact.
MAX_QUANTITY = 1_000_000_000

_repr = reprlib.Repr()
_repr.maxstring = 40
_repr.maxother = 40


def shown(value):
    """A short printable form of what the caller sent, for an error message."""
    return _repr.repr(value)


def is_id(value):
    """Whether ``value`` can be a record id: a positive integer that fits the database."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def is_text(value):
    """Whether ``value`` is a non-blank string the database can store."""
    return isinstance(value, str) and bool(value.strip()) and "\x00" not in value


def check_id(env, value, label):
    """``value`` as a record id, else a UserError naming ``label``."""
    if not is_id(value):
        raise UserError(
            env._(
                "%(label)s must be the id of a record (a positive whole number), not %(value)s.",
                label=label,
                value=shown(value),
            )
        )
    return value


def check_text(env, value, label):
    """``value`` as a non-blank string the database can store, stripped."""
    if not is_text(value):
        raise UserError(
            env._("%(label)s must be a non-empty text, not %(value)s.", label=label, value=shown(value))
        )
    return value.strip()


def check_date(env, value, label):
    """``value`` (an ISO date ``YYYY-MM-DD``, or a date) as a date; None when empty."""
    if value is None or value is False:
        return None
    if isinstance(value, date):
        return fields.Date.to_date(value)
    error = None
    if isinstance(value, str) and "\x00" not in value:
        try:
            return fields.Date.to_date(value)
        except ValueError as parse_error:
            error = parse_error
    raise UserError(
        env._("Invalid %(label)s: give a date YYYY-MM-DD, not %(value)s.", label=label, value=shown(value))
    ) from error


def check_quantity(env, value, label):
    """``value`` as a quantity: a finite number above zero, at most MAX_QUANTITY."""
    # The comparison also refuses NaN and infinities, and huge integers
    # without converting them to float.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_QUANTITY:
        raise UserError(
            env._(
                "%(label)s must be a number above 0 and at most %(max)s, not %(value)s.",
                label=label,
                max=f"{MAX_QUANTITY:,}",
                value=shown(value),
            )
        )
    return float(value)


def user_today(env):
    """Today in the caller's time zone, as ``fields.Date.context_today``
    has it, without its cost on the API's read paths: outside systems send
    no ``tz`` in the context, and reading ``env.user.tz`` reads every column
    of the user and of its partner (a fifth of a warranty look-up's time).
    Here one query reads the partner's ``tz`` alone."""
    tz = env.context.get("tz")
    if not tz:
        env["res.users"].flush_model(["partner_id"])
        env["res.partner"].flush_model(["tz"])
        env.cr.execute(
            SQL(
                "SELECT partner.tz FROM res_users u JOIN res_partner partner ON partner.id = u.partner_id"
                " WHERE u.id = %s",
                env.uid,
            )
        )
        row = env.cr.fetchone()
        # No time zone: UTC, as for Odoo.
        tz = (row and row[0]) or "UTC"
    return fields.Date.context_today(env["res.users"].with_context(tz=tz))
