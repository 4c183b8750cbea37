from . import (
    account_move,
    product_category,
    product_template,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    sale_order_line,
    stock_lot,
    stock_move,
    warranty,
    warranty_term,
)
