# isort: off
# First: service orders and supplier claims inherit it.
from . import state_guard

# isort: on
from . import (
    account_chart_template,
    account_move,
    defect,
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
    service_labor,
    service_order,
    service_order_api,
    service_order_costing,
    service_order_loaner,
    service_order_norm,
    service_order_quality,
    service_order_transfer,
    stock_lot,
    stock_move,
    stock_picking,
    stock_picking_type,
    stock_warehouse,
    supplier_claim,
    warranty,
    warranty_api,
    warranty_provision,
    warranty_term,
)
