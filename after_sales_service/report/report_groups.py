from odoo import models
from odoo.tools import SQL

from ..tools.planner import planner_setting


class AfterSalesReportGroups(models.AbstractModel):
    """Groupings of the large report views, in the order Odoo shows groups.

    Odoo sorts the groups of a many2one by its records' order (names, codes)
    by joining the records' tables to every row before grouping: over a
    million orders that doubles the time and keeps PostgreSQL from scanning
    in parallel. Here the rows are grouped on the ids alone, and the groups
    then sorted in that same order in Python (one small query per many2one)."""

    _name = "after_sales.report.groups"
    _description = "After-Sales Report Groups"
    # A rate measure (aggregator "avg") computed for each group from two sums,
    # per 100: (rate field, numerator field, denominator field). A group's
    # rate is its failures over its units, not the mean of its rows' rates.
    _weighted_rate = None
    # False: PostgreSQL's JIT stays off for the view's groupings. A view whose
    # row count the planner cannot estimate (a set-returning function per
    # row) looks costly enough for JIT to compile it, which then takes longer
    # than the query itself (measured: 330 to 540 ms of a 400 ms to 1 s
    # grouping over 1,000,000 registrations).
    _jit = True

    def _read_group_select(self, aggregate_spec, query):
        if self._weighted_rate and aggregate_spec == f"{self._weighted_rate[0]}:avg":
            _rate, numerator, denominator = self._weighted_rate
            return SQL(
                "SUM(%s) * 100.0 / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        if self._jit:
            return self._read_group_sorted(domain, groupby, aggregates, having, offset, limit, order)
        with planner_setting(self.env.cr, "jit", "off"):
            return self._read_group_sorted(domain, groupby, aggregates, having, offset, limit, order)

    def _read_group_sorted(self, domain, groupby, aggregates, having, offset, limit, order):
        groupby = list(groupby)
        many2ones = [
            index
            for index, spec in enumerate(groupby)
            if spec in self._fields and self._fields[spec].type == "many2one"
        ]
        # Only the natural order of the groups (what read_group asks for
        # without an explicit order), of all of them.
        if not many2ones or limit or offset or (order and order != ",".join(groupby)):
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        rows = super()._read_group(domain, groupby, aggregates, having, offset, limit, None)
        ranks = {}
        for index in many2ones:
            records = self.env[self._fields[groupby[index]].comodel_name].union(*(row[index] for row in rows))
            # sudo: only the order of records the rows already name.
            ordered = records.sudo().with_context(active_test=False).search([("id", "in", records.ids)])
            ranks[index] = {record_id: rank for rank, record_id in enumerate(ordered.ids)}

        def sort_key(row):
            key = []
            for index, value in enumerate(row[: len(groupby)]):
                if index in ranks:
                    key.append((not value, ranks[index].get(value.id, 0) if value else 0))
                elif isinstance(value, bool):
                    key.append((False, value))
                else:
                    # Empty groups last, as PostgreSQL sorts NULL.
                    key.append((value is None or value is False, value if value not in (None, False) else 0))
            return key

        return sorted(rows, key=sort_key)
