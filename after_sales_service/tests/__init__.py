from . import (
    test_date_utils,
    test_service_order_flow,
    test_service_order_guards,
    test_service_order_queries,
    test_service_order_tour,
    test_warranty_access,
    test_warranty_delivery,
    test_warranty_extension,
    test_warranty_registration,
    test_warranty_report,
    test_warranty_term,
    test_warranty_xmlrpc,
)
