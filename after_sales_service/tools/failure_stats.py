"""What counts as a failure and how its figures are computed: one source for
the failure analysis, the failure rates and the quality alerts."""

from odoo.tools import SQL, index_exists


def failure_sql(alias=None):
    """The condition of a failure on a service order (``alias`` its table
    alias): a defect recorded, not cancelled, and a fault found. Also the
    condition of the partial index the failure queries read."""

    def column(name):
        return SQL.identifier(alias, name) if alias else SQL.identifier(name)

    return SQL(
        "%s IS NOT NULL AND %s <> 'cancel' AND %s IS NOT TRUE",
        column("defect_code_id"),
        column("state"),
        column("no_fault_found"),
    )


def create_covering_index(cr, name, table, keys, include, where):
    """Create the partial index ``name`` on ``table`` unless it exists: its
    ``keys`` (columns or expressions) carry ``include`` columns, so that the
    failure queries read the index alone (index-only scans)."""
    if index_exists(cr, name):
        return
    cr.execute(
        SQL(
            "CREATE INDEX %s ON %s (%s) INCLUDE (%s) WHERE %s",
            SQL.identifier(name),
            SQL.identifier(table),
            SQL(", ".join(keys)),
            SQL(", ".join(include)),
            where,
        )
    )


def service_start(registration):
    """The day the unit of ``registration`` entered service: the start of the
    first registration of its chain of extensions."""
    while registration.parent_id:
        registration = registration.parent_id
    return registration.date_start


def complete_months(date_from, date_to):
    """Complete months from ``date_from`` to ``date_to``, as PostgreSQL's
    ``age()`` counts them: a month is complete on the same day of the month
    (31 January to 28 February: 0; 31 January to 1 March: 1)."""
    if not (date_from and date_to):
        return None
    months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month
    return months - 1 if date_to.day < date_from.day else months


def failure_rate(failures, installed_base):
    """Failures per 100 units of the installed base; 0.0 without a base."""
    return failures * 100.0 / installed_base if installed_base else 0.0
