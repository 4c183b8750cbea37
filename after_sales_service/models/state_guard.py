import functools
from contextvars import ContextVar

from odoo import models
from odoo.exceptions import AccessError, UserError

# True while a method of the addon marked @workflow runs. Neither an argument
# nor a context key: nothing a caller sends over XML-RPC can set it.
_IN_WORKFLOW = ContextVar("after_sales_in_workflow", default=False)


def workflow(method):
    """Mark a method of the addon that moves records through their workflow:
    while it runs, the fields of ``_workflow_fields`` may be written."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        token = _IN_WORKFLOW.set(True)
        try:
            return method(self, *args, **kwargs)
        finally:
            _IN_WORKFLOW.reset(token)

    return wrapper


class AfterSalesStateGuard(models.AbstractModel):
    """Buttons that only apply in some states say which record and state
    refused; fields that only the workflow sets are refused to plain writes;
    decisions reserved to managers are refused to other users."""

    _name = "after_sales.state.guard"
    _description = "After-Sales State Guard"

    # Fields set by the buttons or the system only (the views show them
    # read-only): a user's create or write that names them is refused.
    _workflow_fields = ("state",)
    # Values a new record may be created with (falsy values always may).
    _workflow_initial = {"state": ("draft",)}

    def _in_workflow(self):
        """Whether the addon's own code is writing (a @workflow method, or a
        sudo'ed consequence of another app's action, e.g. a stock return)."""
        return self.env.su or _IN_WORKFLOW.get()

    def _check_workflow_vals(self, vals_list, create=False):
        if not create:
            self._check_company_move(vals_list)
        if self._in_workflow():
            return
        refused = sorted(
            {
                name
                for vals in vals_list
                for name, value in vals.items()
                if name in self._workflow_fields
                and not (create and (not value or value in self._workflow_initial.get(name, ())))
            }
        )
        if refused:
            # A user who may not write at all hears that first.
            self.check_access("create" if create else "write")
            labels = ", ".join(self._fields[name].get_description(self.env)["string"] for name in refused)
            raise UserError(
                self.env._(
                    "%(fields)s of a %(model)s change through its buttons only, not by writing them.",
                    fields=labels,
                    model=self._description,
                )
            )

    def _check_company_move(self, vals_list):
        """Refuse to move records to a company the user does not work in.

        Odoo checks the company rules of a new record, but a write only
        against the record as it was: without this, a user could move a
        record out of their own reach."""
        company_ids = {vals["company_id"] for vals in vals_list if vals.get("company_id")}
        if company_ids and not self.env.su and company_ids - set(self.env.companies.ids):
            raise AccessError(
                self.env._(
                    "A %(model)s can only move to a company you work in (one of your active companies).",
                    model=self._description,
                )
            )

    def _check_manager(self, message):
        """Refuse a decision reserved to After-Sales managers (goodwill, voiding,
        a loaner kept, a supplier claim) with ``message``. The superuser
        passes: what the addon's code decides in sudo is no user's decision."""
        if not (self.env.su or self.env.user.has_group("after_sales_service.group_after_sales_manager")):
            raise AccessError(message)

    def _check_state(self, allowed, action):
        self._refuse_state(self.filtered(lambda record: record.state not in allowed), action)

    def _check_can(self, flag, action):
        """Refuse ``action`` on the records whose computed ``flag`` (a ``can_*``
        boolean, the one the view shows the button by) is false. A user who
        may not change the records hears that first."""
        self.check_access("write")
        self._refuse_state(self.filtered(lambda record: not record[flag]), action)

    def _refuse_state(self, wrong, action):
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(record)s in state %(state)s.",
                    action=action,
                    record=wrong[0].display_name,
                    state=states[wrong[0].state],
                )
            )
