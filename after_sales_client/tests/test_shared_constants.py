"""The client and the addon agree on what the client checks before sending:
request types, the keys of a registration row and of an order to open, and
the size of a registration batch.

The addon is read as source (``ast``), without importing Odoo. Where the
client is installed without the addon beside it, the test is skipped.
"""

import ast
import inspect
import pathlib

import pytest

from after_sales_client import AfterSalesClient, Transport
from after_sales_client.cli import build_parser
from after_sales_client.client import REGISTRATION_KEYS, REQUEST_TYPES

MODELS = pathlib.Path(__file__).resolve().parents[2] / "after_sales_service" / "models"
if not (MODELS.parent / "__manifest__.py").is_file():
    pytest.skip(
        f"the after_sales_service addon is not beside the client ({MODELS.parent})", allow_module_level=True
    )

SERVICE_ORDER = "after_sales.service.order"
WARRANTY = "after_sales.warranty"


def _modules():
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(MODELS.glob("*.py"))}


def _constants(modules):
    """Module-level ``NAME = <literal>`` of every model file."""
    constants = {}
    for tree in modules.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                constants[node.targets[0].id] = node.value
    return constants


def _literal(node, constants):
    """The Python value of a literal, of a set()/frozenset()/tuple() of one, or
    of a module constant holding one."""
    if isinstance(node, ast.Name) and node.id in constants:
        return _literal(constants[node.id], constants)
    wrappers = ("set", "frozenset", "tuple")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in wrappers:
        return _literal(node.args[0], constants) if node.args else ()
    return ast.literal_eval(node)


def _classes_of(model, modules):
    """Class bodies that define or extend ``model``."""
    for tree in modules.values():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.targets[0], ast.Name)
                    and statement.targets[0].id in ("_name", "_inherit")
                    and isinstance(statement.value, ast.Constant)
                    and statement.value.value == model
                ):
                    yield node
                    break


def _method(model, name, modules):
    for cls in _classes_of(model, modules):
        for node in cls.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node
    pytest.fail(f"{model}.{name} not found in {MODELS}: update this test to the addon's code")


def _allowed_keys(function, argument, constants):
    """The keys in ``set(<argument>) - <allowed>``, how the API methods refuse
    unknown keys; else a name bound to a set literal of strings."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Sub)
            and isinstance(node.left, ast.Call)
            and isinstance(node.left.func, ast.Name)
            and node.left.func.id == "set"
            and [ast.unparse(a) for a in node.left.args] == [argument]
        ):
            right = node.right
            if isinstance(right, ast.Name):
                # A local `allowed = {...}` or a module constant.
                local = [
                    n.value
                    for n in ast.walk(function)
                    if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == right.id for t in n.targets)
                ]
                right = local[0] if local else right
            return set(_literal(right, constants))
    pytest.fail(f"no `set({argument}) - <allowed keys>` in {function.name}: update this test to the addon")


def _server_batch_limit(modules, constants):
    """The most rows register_warranties accepts in one call, or None.

    A limit is either a module constant named like one (``*BATCH*``,
    ``*MAX*ROWS*``, ``*LIMIT*``) in the registration model's files, or a comparison of
    ``len(rows)`` with a number in register_warranties."""
    function = _method(WARRANTY, "register_warranties", modules)
    for node in ast.walk(function):
        if isinstance(node, ast.Compare) and "len(rows)" in ast.unparse(node.left):
            return int(_literal(node.comparators[0], constants))
    for name, tree in modules.items():
        # The registration model's files; not e.g. the public check's throttle.
        if name in ("warranty.py", "warranty_api.py"):
            for node in tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    constant = node.targets[0].id
                    named_like_a_limit = any(word in constant for word in ("BATCH", "LIMIT")) or (
                        "MAX" in constant and "ROW" in constant
                    )
                    value = _literal(node.value, constants) if named_like_a_limit else None
                    # A number, not e.g. the name of a system parameter.
                    if isinstance(value, int) and not isinstance(value, bool):
                        return value
    return None


@pytest.fixture(scope="module")
def addon():
    modules = _modules()
    return modules, _constants(modules)


def test_request_types_are_the_service_orders(addon):
    modules, constants = addon
    selections = []
    for cls in _classes_of(SERVICE_ORDER, modules):
        for node in cls.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "request_type"
            ):
                call = node.value
                keywords = {k.arg: k.value for k in call.keywords}
                argument = call.args[0] if call.args else keywords["selection"]
                selections.append([key for key, _label in _literal(argument, constants)])
    assert len(selections) == 1, f"request_type defined {len(selections)} times on {SERVICE_ORDER}"
    assert set(REQUEST_TYPES) == set(selections[0])


def test_registration_keys_are_the_ones_register_warranties_accepts(addon):
    modules, constants = addon
    # register_warranties hands each row to a helper that refuses unknown keys.
    for cls in _classes_of(WARRANTY, modules):
        for node in cls.body:
            if isinstance(node, ast.FunctionDef) and "set(row) -" in ast.unparse(node):
                assert _allowed_keys(node, "row", constants) == REGISTRATION_KEYS
                return
    pytest.fail("no helper of register_warranties refuses unknown row keys: update this test")


class _Recorder(Transport):
    def __init__(self):
        self.calls = []

    def call(self, service, method, *args):
        if service == "common":
            return 1
        self.calls.append(args)
        fields = ("customer", "product", "serial", "date_deadline", "overdue")
        return {"name": "SRV/1", "state": "draft", "coverage": "paid", **dict.fromkeys(fields, False)}


def test_an_opened_order_sends_only_keys_api_open_accepts(addon):
    modules, constants = addon
    accepted = _allowed_keys(_method(SERVICE_ORDER, "api_open", modules), "values", constants)
    recorder = _Recorder()
    client = AfterSalesClient("http://odoo.invalid", "db", "shop", "key", transport=recorder)
    every_argument = {"product_id": 1, "partner_id": 2, "request_type": REQUEST_TYPES[-1], "confirm": False}
    client.open_service_order(serial="SN-1", symptom="noise", **every_argument)
    (args,) = recorder.calls
    _db, _uid, _secret, model, method, (values,), _kwargs = args
    assert (model, method) == (SERVICE_ORDER, "api_open")
    assert set(values) <= accepted, set(values) - accepted


def test_the_default_batch_fits_the_server(addon):
    modules, constants = addon
    library = inspect.signature(AfterSalesClient.register_warranties).parameters["batch_size"].default
    command = build_parser().parse_args(["import-warranties", "rows.csv"]).batch_size
    assert library == command, "the library and the command line send batches of different sizes"
    limit = _server_batch_limit(modules, constants)
    # No limit found: register_warranties takes any number of rows in one call.
    assert limit is None or 1 <= library <= limit, f"client batches of {library}, server limit {limit}"
