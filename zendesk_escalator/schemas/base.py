"""What every schema here shares: strict and lenient bases, the base that builds a core dataclass, error flattening."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from marshmallow import EXCLUDE, RAISE, Schema, fields, post_load


class Strict(Schema):
    """Unknown keys are errors that name them (a typo must not pass unnoticed)."""

    class Meta:
        unknown = RAISE


class Lenient(Schema):
    """Unknown keys are left out: Zendesk may add keys to what it sends."""

    class Meta:
        unknown = EXCLUDE


class DataclassSchema(Strict):
    """A strict schema that loads into the core dataclass `builds`, its keys given their shape by `shapes` first.

    `shapes` maps a key to what turns its loaded value (a list, a dict) into the dataclass's (a frozenset, a tuple);
    a key not named is passed as loaded.
    """

    builds: ClassVar[Callable[..., Any]]
    shapes: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Any:
        return self.builds(**{key: self.shapes.get(key, _as_loaded)(value) for key, value in data.items()})


def _as_loaded(value: Any) -> Any:
    return value


def lower_case_set(values: Iterable[str]) -> frozenset[str]:
    """Host and domain names compare in lower case."""
    return frozenset(value.lower() for value in values)


class OneOrMany(fields.List[Any]):
    """A list, or a single value standing for a list of one (policy files: `priority = "urgent"`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> list[Any]:
        return super()._deserialize(value if isinstance(value, list) else [value], attr, data, **kwargs)


def first_error(messages: object, prefix: str = "") -> tuple[str, str]:
    """Flatten marshmallow's nested messages to ('impact[2].when.priority[1]', 'Must be one of ...').

    A list's entries are counted from 1, as the file's reader counts them.
    """
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        if isinstance(key, int):
            name = f"{prefix}[{key + 1}]"
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        return first_error(value, name)
    if isinstance(messages, list) and messages:
        return prefix or "body", str(messages[0])
    return prefix or "body", str(messages)
