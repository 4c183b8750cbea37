"""Typed errors, mapped from Odoo's XML-RPC faults."""

# Fault codes of Odoo's /xmlrpc/2 endpoints (odoo.addons.base.controllers.rpc).
FAULT_APPLICATION_ERROR = 1
FAULT_WARNING = 2  # UserError, ValidationError, MissingError
FAULT_ACCESS_DENIED = 3  # wrong login, password or API key
FAULT_ACCESS_ERROR = 4  # AccessError: rights or record rules

MISSING_RECORD_MARKERS = ("does not exist or has been deleted", "Record does not exist")


class AfterSalesError(Exception):
    """Base of every error the client raises."""


class InvalidInput(AfterSalesError):
    """Refused before anything was sent: the input is not valid."""


class TransportError(AfterSalesError):
    """The server could not be reached or did not answer in time."""


class AuthenticationFailed(AfterSalesError):
    """Wrong database, login, password or API key."""


class AccessDenied(AfterSalesError):
    """The user may not do this (access rights or record rules)."""


class ValidationFailed(AfterSalesError):
    """Odoo refused the data (UserError, ValidationError)."""


class MissingRecord(ValidationFailed):
    """The record does not exist or was deleted."""


class ServerError(AfterSalesError):
    """An unexpected error on the server; the message holds its traceback."""


def map_fault(fault):
    """The typed error for an ``xmlrpc.client.Fault`` raised by Odoo."""
    message = str(fault.faultString or "").strip()
    code = fault.faultCode
    if code == FAULT_ACCESS_DENIED:
        return AuthenticationFailed(message or "Access denied")
    if code == FAULT_ACCESS_ERROR:
        return AccessDenied(message)
    if code == FAULT_WARNING:
        if any(marker in message for marker in MISSING_RECORD_MARKERS):
            return MissingRecord(message)
        return ValidationFailed(message)
    # Application errors carry a traceback whose last line names the error.
    last_line = message.splitlines()[-1] if message else ""
    return ServerError(last_line or f"Server error (fault {code})")
