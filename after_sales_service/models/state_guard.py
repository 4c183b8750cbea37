from odoo import models
from odoo.exceptions import UserError


class AfterSalesStateGuard(models.AbstractModel):
    """Buttons that only apply in some states say which record and state refused."""

    _name = "after_sales.state.guard"
    _description = "After-Sales State Guard"

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda record: record.state not in allowed)
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
