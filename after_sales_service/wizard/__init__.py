# isort: off
# First: the wizards inherit it.
from . import order_wizard

# isort: on
from . import add_part, claim_expertise, parts_forecast, return_part
