# isort: off
# First: service orders and supplier claims inherit it.
from . import state_guard

# First too: the records customers see on the portal inherit it.
from . import portal_document

# isort: on
from . import (
    account_chart_template,
    account_move,
    account_move_expertise,
    claim,
    claim_portal,
    defect,
    expertise,
    ir_sequence,
    part_norm,
    part_norm_report,
    product_category,
    product_template,
    repair_order,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    sale_order_line,
    satisfaction_report,
    service_labor,
    service_order,
    service_order_api,
    service_order_costing,
    service_order_expertise,
    service_order_failure,
    service_order_loaner,
    service_order_norm,
    service_order_notification,
    service_order_portal,
    service_order_quality,
    service_order_rating,
    service_order_transfer,
    stock_lot,
    stock_move,
    stock_picking,
    stock_picking_type,
    stock_warehouse,
    supplier_claim,
    warranty,
    warranty_api,
    warranty_check,
    warranty_portal,
    warranty_provision,
    warranty_term,
)
