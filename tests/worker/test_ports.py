"""The worker's ports (worker/ports.py): each implementation has every method declared, with a compatible
signature, and every read or write the worker makes on its reader and writer is declared."""

import ast
import inspect
from pathlib import Path

import pytest

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.worker import ports
from zendesk_escalator.worker.escalate import CommentLimitWriter
from zendesk_escalator.zendesk.client import ZendeskClient
from zendesk_escalator.zendesk.reader import TicketReader
from zendesk_escalator.zendesk.stand_ins import DryRunWriter, HintReader

IMPLEMENTATIONS = {
    ports.TicketSource: (TicketReader, ZendeskClient, HintReader),
    ports.Reader: (TicketReader, ZendeskClient),
    ports.ReportWriter: (ZendeskWriter, DryRunWriter, CommentLimitWriter),
    ports.Writer: (ZendeskWriter, DryRunWriter, CommentLimitWriter),
}
WORKER = Path(ports.__file__).parent
PORT_NAMES = ("reader", "writer")


def declared(protocol: type) -> list[str]:
    """The methods a protocol declares, its bases' included."""
    return sorted(
        {
            name
            for klass in protocol.__mro__
            if klass is not object and getattr(klass, "_is_protocol", False)
            for name, value in vars(klass).items()
            if inspect.isfunction(value) and not name.startswith("_")
        }
    )


def incompatibilities(wanted: inspect.Signature, given: inspect.Signature) -> list[str]:
    """What keeps `given` from being called as `wanted` says (same names, same places, defaults kept)."""
    wanted_params = list(wanted.parameters.values())[1:]  # self
    given_params = list(given.parameters.values())[1:]
    problems = []
    for place, param in enumerate(wanted_params):
        match = given_params[place] if place < len(given_params) else None
        if match is None or match.name != param.name or match.kind != param.kind:
            problems.append(f"no parameter {param.name!r} ({param.kind.description}) in place {place + 1}")
        elif param.default is not inspect.Parameter.empty and match.default is inspect.Parameter.empty:
            problems.append(f"{param.name!r} has no default")
    problems += [
        f"extra parameter {param.name!r} has no default"
        for param in given_params[len(wanted_params) :]
        if param.default is inspect.Parameter.empty and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)
    ]
    return problems


CASES = [
    pytest.param(protocol, implementation, name, id=f"{implementation.__name__}.{name} as {protocol.__name__}")
    for protocol, implementations in IMPLEMENTATIONS.items()
    for implementation in implementations
    for name in declared(protocol)
]


@pytest.mark.parametrize(("protocol", "implementation", "name"), CASES)
def test_implementation_has_the_method_with_a_compatible_signature(protocol, implementation, name):
    method = getattr(implementation, name, None)
    assert callable(method), f"{implementation.__name__} has no {name}, which {protocol.__name__} declares"
    problems = incompatibilities(inspect.signature(getattr(protocol, name)), inspect.signature(method))
    assert not problems, f"{implementation.__name__}.{name} is not {protocol.__name__}'s: {problems}"


def calls_on_ports(tree: ast.AST) -> set[str]:
    """The attributes used on a `reader` or `writer` (`self.reader.ticket`, `self.lifecycle.writer.apply`)."""
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and (
            (isinstance(node.value, ast.Attribute) and node.value.attr in PORT_NAMES)
            or (isinstance(node.value, ast.Name) and node.value.id in PORT_NAMES)
        )
    }


def test_every_call_on_the_worker_s_reader_and_writer_is_declared():
    # The notification handler's writer is a CommentLimitWriter: the notes it left out are its own attribute.
    known = {name for protocol in IMPLEMENTATIONS for name in declared(protocol)} | {"warnings"}
    used = {
        (path.name, name)
        for path in sorted(WORKER.glob("*.py"))
        for name in calls_on_ports(ast.parse(path.read_text()))
    }
    assert used, "no call on a reader or writer found: the scan is broken"
    assert not {(module, name) for module, name in used if name not in known}


def test_the_scan_sees_a_call_not_declared():
    assert calls_on_ports(ast.parse("self.lifecycle.reader.tickets_of_all(1)\nreader.audits(2)")) == {
        "tickets_of_all",
        "audits",
    }
