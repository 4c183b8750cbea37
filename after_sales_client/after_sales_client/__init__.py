"""XML-RPC (default) and JSON-RPC client helpers for the after_sales_service Odoo addon."""

from .client import AfterSalesClient, CostSummary, RegistrationReport, ServiceOrderStatus, WarrantyStatus
from .errors import (
    AccessDenied,
    AfterSalesError,
    AuthenticationFailed,
    InvalidInput,
    MissingRecord,
    ServerError,
    TransportError,
    ValidationFailed,
)
from .transport import JsonRpcTransport, Transport, XmlRpcTransport

__all__ = [
    "AccessDenied",
    "AfterSalesClient",
    "AfterSalesError",
    "AuthenticationFailed",
    "CostSummary",
    "InvalidInput",
    "JsonRpcTransport",
    "MissingRecord",
    "RegistrationReport",
    "ServerError",
    "ServiceOrderStatus",
    "Transport",
    "TransportError",
    "ValidationFailed",
    "WarrantyStatus",
    "XmlRpcTransport",
]
