"""Every request the tests make the service send to Zendesk, checked against Zendesk's own OpenAPI description.

Zendesk ignores what it does not know (a misspelt key is a lost write), so the
fakes answering is no proof: this checks the request itself. Rules, each named in
the failure message: `operation` (the method and path are an operation, with or
without `.json`), `query` (each parameter is declared, or documented pagination),
`sideload` (each `include` value is documented for the operation), `body` (the
JSON body is valid against the operation's request schema; a multipart/form-data
body has the fields its schema requires) and `undeclared` (it names no property,
or form field, the schema does not declare; read-only ones count as undeclared).
The description's known gaps are patched in from zendesk_gaps.py.

jsonschema validates; what is written here turns OpenAPI 3.0 schemas into JSON
Schema 2020-12 (refs inlined, `nullable`, objects closed with
`unevaluatedProperties`, which sees through `allOf`).
"""

import copy
import functools
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from support import zendesk_gaps as gaps

OAS = Path(os.environ.get("ZENDESK_OAS_DIR", Path(__file__).resolve().parents[3] / "shared/reference/zendesk-oas"))
DOCUMENTS = (("zendesk-support-oas.yaml", ""), ("zendesk-webhooks-oas.yaml", "/api/v2"))  # (file, path prefix)
METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    """One method on one path of the description."""

    method: str
    template: str
    operation_id: str
    pattern: re.Pattern
    params: frozenset
    integers: frozenset  # query parameters declared as integers
    body: dict | None = field(compare=False)  # the request body's schema (OpenAPI form), None when it takes none
    document: int = 0  # which description it comes from
    form: dict | None = field(default=None, compare=False)  # a multipart/form-data body's schema (an upload)


def available() -> bool:
    """The description is there (beside the repository, as in the shared folder)."""
    return all((OAS / name).is_file() for name, _ in DOCUMENTS)


_LOADING = threading.Lock()


def contract() -> "Contract":
    """The description, loaded once per test session (the C loader: about half a second).

    The fake server's threads ask at once when the first requests arrive together: one
    loads, the others wait (each loading its own copy took ten seconds on a busy machine,
    long enough for the service's requests to time out).
    """
    with _LOADING:
        return _contract()


@functools.cache
def _contract() -> "Contract":
    return Contract([(_load(OAS / name), prefix) for name, prefix in DOCUMENTS])


class _Loader(yaml.CSafeLoader):
    """YAML 1.1's `=` value tag appears in two examples: read it as a plain string."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as file:
        return yaml.load(file, Loader=_Loader)


class Contract:
    """Operations of the patched description, and the problems of one request against them."""

    def __init__(self, documents: list[tuple[dict, str]]):
        self.documents = [doc for doc, _ in documents]
        for gap in gaps.PATCHES:
            doc = self.documents[gap.document]
            _put(doc, gap.pointer, gap.value(doc) if callable(gap.value) else gap.value)
        found = (op for n, (doc, prefix) in enumerate(documents) for op in _operations(doc, prefix, n))
        self.operations = sorted(found, key=lambda op: op.template.count("{"))  # literal paths win: show_many, not {id}

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation a request names; a trailing `.json` is optional, as Zendesk serves both."""
        bare = path.removesuffix(".json")
        return next((op for op in self.operations if op.method == method.upper() and op.pattern.fullmatch(bare)), None)

    def problems(
        self, method: str, path: str, query: dict[str, list[str]], body, form: set[str] | None = None
    ) -> list[str]:
        """What is wrong with one request (a JSON `body`, or the field names of a multipart `form`), each as
        `rule: detail`; empty when it keeps the contract."""
        op = self.operation(method, path)
        if op is None:
            return [
                f"operation: {method} {path} is no operation of Zendesk's API description "
                f"(neither with nor without .json; {gaps.JSON_SUFFIX_PAGE})"
            ]
        sent = self._body_problems(op, body) if form is None else self._form_problems(op, form)
        found = [*self._query_problems(op, query), *sent]
        return [f"{problem} [{op.operation_id}: {op.method} {op.template}]" for problem in found]

    def _query_problems(self, op: Operation, query: dict[str, list[str]]):
        sideloads, page = gaps.SIDELOADS.get(op.operation_id, (None, None))
        for name, values in query.items():
            if name == "include" and sideloads is not None:
                for unknown in sorted({v for value in values for v in value.split(",")} - sideloads):
                    yield f"sideload: include={unknown} is not a documented sideload ({page})"
            elif name == "include" and name not in op.params:
                yield (
                    f"sideload: {op.operation_id} documents no sideloads here; if its page does, list them in "
                    "zendesk_gaps.SIDELOADS with the page"
                )
            elif name in op.integers and not all(v.isdigit() for v in values):
                yield f"query: {name}={values} is declared as an integer"
            elif name not in op.params and not (op.method == "GET" and name in gaps.PAGINATION):
                yield (
                    f"query: parameter {name!r} is neither declared (declared: {sorted(op.params) or 'none'}) "
                    f"nor documented pagination ({gaps.PAGINATION_PAGE})"
                )

    def _body_problems(self, op: Operation, body):
        if body is None:
            return
        if op.body is None:
            yield f"body: {op.operation_id} takes no request body"
            return
        for error in sorted(self._validator(op).iter_errors(body), key=lambda e: list(e.absolute_path)):
            rule = "undeclared" if error.validator == "unevaluatedProperties" else "body"
            yield f"{rule}: at {error.json_path}: {error.message}"

    @staticmethod
    def _form_problems(op: Operation, fields: set[str]):
        if op.form is None:
            yield f"body: {op.operation_id} takes no multipart/form-data body"
            return
        declared = set(op.form.get("properties", {}))
        yield from (
            f"undeclared: form field {name!r} is not declared ({sorted(declared)})"
            for name in sorted(fields - declared)
        )
        yield from (
            f"body: form field {name!r} is required" for name in op.form.get("required", []) if name not in fields
        )

    @functools.cache
    def _validator(self, op: Operation) -> Draft202012Validator:
        return Draft202012Validator(_json_schema(op.body, self.documents[op.document]))


def _operations(doc: dict, prefix: str, document: int):
    """The description's operations, with their query parameters and request body schema."""
    for template, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            spec = item[method]
            params = [_resolve(doc, p) for p in [*shared, *spec.get("parameters", [])]]
            query = [p for p in params if p.get("in") == "query"]
            content = _resolve(doc, spec["requestBody"])["content"] if "requestBody" in spec else {}
            path = prefix + template
            yield Operation(
                method.upper(),
                path,
                spec.get("operationId", f"{method} {path}"),
                re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))),
                frozenset(p["name"] for p in query),
                frozenset(p["name"] for p in query if p.get("schema", {}).get("type") == "integer"),
                content.get("application/json", {}).get("schema"),
                document,
                content.get("multipart/form-data", {}).get("schema"),
            )


def _resolve(doc: dict, node: dict) -> dict:
    """Follow a local $ref (#/components/...) to what it names."""
    while "$ref" in node:
        node = _get(doc, node["$ref"].removeprefix("#"))
    return node


SAME = (
    "type",
    "enum",
    "format",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)


def _json_schema(schema: dict, doc: dict, close: bool = True, seen: tuple = ()) -> dict:
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: refs inlined, nullable, objects closed (not by their parts)."""
    if "$ref" in schema:
        if schema["$ref"] in seen:  # a recursive schema: accept anything below the first repetition
            return {}
        return _json_schema(_resolve(doc, schema), doc, close, (*seen, schema["$ref"]))
    out = {key: schema[key] for key in SAME if key in schema}
    if "items" in schema:
        out["items"] = _json_schema(schema["items"], doc, True, seen)
    writable = {
        name: sub for name, sub in schema.get("properties", {}).items() if not _resolve(doc, sub).get("readOnly")
    }  # a request may not set a read-only property
    if writable:
        out["properties"] = {name: _json_schema(sub, doc, True, seen) for name, sub in writable.items()}
    if schema.get("required"):
        out["required"] = [name for name in schema["required"] if name in writable]
    for key in ("allOf", "anyOf", "oneOf"):  # their parts see the same object: the node closes it, not they
        if key in schema:
            out[key] = [_json_schema(sub, doc, False, seen) for sub in schema[key]]
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = _json_schema(extra, doc, True, seen)
    elif extra is not None:
        out["additionalProperties"] = extra
    elif close and {"properties", "allOf", "anyOf", "oneOf"} & set(schema):
        out["unevaluatedProperties"] = False
    return {"anyOf": [out, {"type": "null"}]} if schema.get("nullable") else out


def _get(doc: dict, pointer: str):
    """What a JSON pointer names."""
    return _walk(doc, _parts(pointer))


def _walk(node, parts: list[str]):
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _put(doc: dict, pointer: str, value) -> None:
    """Set what a JSON pointer names (its parent must exist)."""
    *parents, last = _parts(pointer)
    node = _walk(doc, parents)
    node[int(last) if isinstance(node, list) else last] = copy.deepcopy(value)


def _parts(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.lstrip("/").split("/")] if pointer else []
