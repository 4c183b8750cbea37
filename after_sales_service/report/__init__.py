# isort: off
# First: the reports inherit it.
from . import report_groups
from . import failure_report

# isort: on
from . import failure_analysis, failure_curve, failure_rate
