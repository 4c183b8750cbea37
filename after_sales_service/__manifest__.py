{
    "name": "After-Sales Service",
    "summary": "Warranty terms and registrations, service orders, spare parts "
    "and service costs for manufacturers and dealers",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "after_sales_service developers",
    "website": "https://example.invalid/after_sales_service",
    "depends": [
        "repair",
        "sale_stock",
        "stock_account",
    ],
    "data": [
        "security/after_sales_service_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "report/warranty_certificate_report.xml",
        "views/warranty_term_views.xml",
        "views/warranty_views.xml",
        "views/product_views.xml",
        "views/stock_lot_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/after_sales_demo.xml",
    ],
    "installable": True,
    "application": True,
}
