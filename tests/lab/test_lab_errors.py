"""Every error the lab can send has a code with English and French templates (lab/errors.py,
served at /api/errors), pydantic's errors are mapped onto them with their bounds as params, and
no error's words start with a Python exception's name."""

import ast
import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from helpers.lab import lab_client, opened, send, until
from profond.lab import errors
from profond.lab.errors import LabError, from_validation
from profond.lab.pages.schema import MESSAGE as PAGE_MESSAGE
from profond.lab.schema import MESSAGE, Config

LAB = Path(errors.__file__).parent
SLOT = re.compile(r"\{(\w+)\}")
# the codes `from_validation` gives besides pydantic's own types and ALIASES
MAPPED = {"literal_error", "missing", "too_deep", "invalid"}


def _raised_codes() -> set[str]:
    """The code of every `LabError(field, "code", ...)` written in the lab's Python."""
    codes = set()
    for path in LAB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "LabError"
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                codes.add(node.args[1].value)
    return codes


def _page_codes() -> set[str]:
    """The codes the page's own checks use (settings.js, main.js): `code: "..."`."""
    codes = set()
    for path in (LAB / "static").rglob("*.js"):
        for expression in re.findall(r"\bcode: ([^,}]+)", path.read_text()):
            codes.update(re.findall(r'"(\w+)"', expression))
    return codes


def _lacking(codes: set[str], tables: dict) -> list[str]:
    """The codes without a template in either language, or whose two templates differ in slots."""
    return sorted(code for code in codes if not tables["en"].get(code) or not tables["fr"].get(code)
                  or set(SLOT.findall(tables["en"][code])) != set(SLOT.findall(tables["fr"][code])))


@pytest.fixture(scope="module")
def served():
    with lab_client() as client:
        return client.get("/api/errors").json()


def test_every_code_the_lab_can_send_has_both_templates(served):
    raised, page = _raised_codes(), _page_codes()
    assert len(raised) > 30 and {"less_than_equal", "too_big", "int_parsing"} <= page  # found
    emitted = raised | page | MAPPED | set(errors.ALIASES.values())
    assert _lacking(emitted, served) == []


def test_a_code_without_a_template_is_caught(served):
    dropped = {lang: {k: v for k, v in table.items() if k != "too_big"}
               for lang, table in served.items()}
    assert _lacking({"too_big", "binary"}, dropped) == ["too_big"]
    half = {"en": served["en"], "fr": {**served["fr"], "binary": ""}}
    assert _lacking({"binary"}, half) == ["binary"]
    with pytest.raises(KeyError, match="code"):
        LabError("x", "no_such_code")


def _config_error(**values) -> LabError:
    with pytest.raises(ValidationError) as info:
        Config.model_validate(values)
    return from_validation(info.value, drop_tag=False)


@pytest.mark.parametrize(("values", "field", "code", "params"), [
    ({"hidden": [9]}, "hidden", "less_than_equal", {"le": 8, "got": 9}),
    ({"noise": -5}, "noise", "greater_than_equal", {"ge": 0, "got": -5}),
    ({"hidden": [2] * 7}, "hidden", "too_long", {"max_length": 6, "actual_length": 7}),
    ({"activation": "elu"}, "activation", "literal_error",
     {"expected": ["'relu'", "'tanh'", "'sigmoid'", "'linear'"], "got": '"elu"'}),
    ({"lr": 0.2}, "lr", "literal_error", {"expected": [1e-05, 0.0001, 0.001, 0.003, 0.01, 0.03,
                                                       0.1, 0.3, 1, 3, 10], "got": 0.2}),
    ({"bogus": 1}, "bogus", "extra_forbidden", {"got": 1}),
    ({"noise": "loud"}, "noise", "int_parsing", {"got": '"loud"'}),
    ({"noise": 2.5}, "noise", "int_parsing", {"got": 2.5}),
    ({"lr": "fast"}, "lr", "float_parsing", {"got": '"fast"'}),
    ({"features": ["x1", "x1"]}, "features", "distinct", {"got": '["x1", "x1"]'}),
])
def test_pydantic_errors_map_to_codes_with_their_bounds(values, field, code, params):
    error = _config_error(**values)
    assert (error.field, error.code, error.params) == (field, code, params)
    assert "{" not in str(error) and str(error).startswith(f"{field}: expected")


def test_a_too_short_list_names_its_bound():
    with pytest.raises(ValidationError) as info:
        PAGE_MESSAGE.validate_python({"type": "backprop", "x": [0.5], "t": 1.0})
    error = from_validation(info.value, drop_tag=True)
    assert (error.field, error.code, error.params) == (
        "x", "too_short", {"min_length": 2, "actual_length": 1})


def test_message_errors_map_missing_unknown_type_and_bad_json():
    with pytest.raises(ValidationError) as info:
        MESSAGE.validate_python({"type": "add_point", "x": 0, "y": 0})
    assert from_validation(info.value, drop_tag=True).frame() == {
        "type": "error", "field": "label", "code": "missing", "params": {},
        "message": "label: expected a value; got none"}
    with pytest.raises(ValidationError) as info:
        MESSAGE.validate_python({"type": "launch"})
    error = from_validation(info.value, drop_tag=True)
    assert (error.field, error.code, error.params["got"]) == ("type", "literal_error", '"launch"')
    assert "'play'" in error.params["expected"]
    with pytest.raises(ValidationError) as info:
        PAGE_MESSAGE.validate_json('{"type": ')
    error = from_validation(info.value, drop_tag=True, indices=True)
    assert (error.field, error.code) == ("message", "json_invalid")


def test_params_are_finite_json_and_integral_floats_read_as_integers():
    error = LabError("x", "less_than_equal", le=100.0, got=float("nan"))
    assert error.params == {"le": 100, "got": "nan"}
    assert json.loads(json.dumps(error.frame(), allow_nan=False))["message"] == (
        "x: expected at most 100; got nan")


def test_every_error_frame_on_the_wire_has_a_template(served):
    """A playground session's refusals, as a client reads them: code, params, English message."""
    with lab_client() as client, client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"hidden": [9]})
        hidden = until(ws, "error")
        ws.send_bytes(b"\x00")
        binary = until(ws, "error")
        send(ws, type="edit", layer=1, node=7, source=0, value=1.0)
        node = until(ws, "error")
    assert hidden["code"] == "less_than_equal" and hidden["params"] == {"le": 8, "got": 9}
    assert binary == {"type": "error", "field": "message", "code": "binary", "params": {},
                      "message": "message: expected JSON text; got binary"}
    assert node["params"] == {"min": 0, "max": 3, "got": 7}
    for frame in (hidden, binary, node):
        assert frame["code"] in served["fr"] and not re.match(r"\w+Error\b", frame["message"])


def test_a_bug_is_named_after_the_words_internal_error():
    error = errors.internal(KeyError("w"))
    assert error.frame()["message"] == "internal error: KeyError: 'w'"
    assert errors.frame_of(ValueError("seed: expected an int")) == {
        "type": "error", "field": "seed", "message": "seed: expected an int"}  # no code: as is
