"""PostgreSQL planner settings for one block of queries, where the planner's
estimate is known to mislead it."""

import contextlib

import psycopg2

from odoo.tools import SQL


@contextlib.contextmanager
def planner_setting(cr, name, value):
    """Run the block with the planner setting ``name`` at ``value``, then set
    it back, also when the block raises (a database error aborts the
    transaction or the savepoint, whose rollback sets it back: no query can
    run before). The setting is local to the transaction (``set_config``)."""
    cr.execute(SQL("SELECT current_setting(%s), set_config(%s, %s, true)", name, name, value))
    previous = cr.fetchone()[0]
    restore = SQL("SELECT set_config(%s, %s, true)", name, previous)
    try:
        yield
    except psycopg2.Error:
        # The transaction (or the savepoint) failed: its rollback sets it back.
        raise
    except Exception:
        cr.execute(restore)
        raise
    cr.execute(restore)


def lot_names_lookup(env):
    """The block looks serial numbers up by many names (``name IN (...)``),
    Odoo's uniqueness check of new serials among them, without bitmap scans.

    Odoo indexes ``stock_lot.name`` with trigrams (GIN) for its searches by
    part of a name. PostgreSQL also serves ``name IN (...)`` from that index,
    and believes it cheap, while every name of the list then reads the rows
    of each of its trigrams: serial numbers share most of theirs (same
    prefix, digits), and the index's pending list, which fills as serials are
    created, is read again for each name. Measured on a table of 23,000
    serials: 500 names in 650 to 950 ms from the trigram index, 3 ms from a
    scan of the table, and 7 s per batch of 500 with four batches at once.
    A GIN index is read only through bitmap scans: without them, the
    planner takes the addon's b-tree index on (name, product) or a scan of
    the table."""
    return planner_setting(env.cr, "enable_bitmapscan", "off")
