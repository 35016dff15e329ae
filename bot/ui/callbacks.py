"""Typed, versioned, short callback data for inline buttons.

Every button's data is `<version>|<prefix>|<field>|<field>...` and at most 64 bytes (Telegram's limit). Decoding
never trusts it: an unknown version or prefix, a wrong field count or a value of the wrong type gives `None`, and
handlers then validate what it points to against the database.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, get_type_hints

VERSION = "1"
MAX_BYTES = 64
MAX_INT = 2**31 - 1
_SEPARATOR = "|"

_REGISTRY: dict[str, type[CallbackData]] = {}
C = TypeVar("C", bound="CallbackData")


class CallbackDataError(ValueError):
    """Raised when packing data that cannot be a valid button."""


@dataclass(frozen=True)
class CallbackData:
    """Base class. Subclasses are frozen dataclasses with int, str or bool fields and a unique `prefix`."""

    prefix: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.prefix:
            known = _REGISTRY.get(cls.prefix)
            # dataclass(slots=True) re-creates the class: the same class may register again.
            if known is not None and (known.__module__, known.__qualname__) != (
                cls.__module__,
                cls.__qualname__,
            ):
                raise TypeError(f"callback prefix {cls.prefix!r} is used twice")
            _REGISTRY[cls.prefix] = cls

    def pack(self) -> str:
        parts = [VERSION, self.prefix]
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            text = ("1" if value else "0") if isinstance(value, bool) else str(value)
            if _SEPARATOR in text:
                raise CallbackDataError(f"{field.name} may not contain {_SEPARATOR!r}")
            parts.append(text)
        packed = _SEPARATOR.join(parts)
        if len(packed.encode("utf-8")) > MAX_BYTES:
            raise CallbackDataError(f"callback data is over {MAX_BYTES} bytes: {packed[:20]}...")
        return packed


def _field_types(cls: type[CallbackData]) -> list[tuple[str, Any]]:
    hints = get_type_hints(cls)
    return [(field.name, hints[field.name]) for field in dataclasses.fields(cls)]


def _convert(text: str, kind: Any) -> Any:
    if kind is bool:
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"
    if kind is int:
        # Every int in callback data is a row id or a small count: non-negative and within a 32-bit INTEGER
        # column, so forged data can never reach the database as an out-of-range value.
        if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > MAX_INT:
            raise ValueError(text)
        return int(text)
    if kind is str:
        return text
    origin = typing.get_origin(kind)
    if origin is typing.Literal:
        if text not in typing.get_args(kind):
            raise ValueError(text)
        return text
    if isinstance(kind, types.UnionType):
        raise TypeError("optional fields are not supported in callback data")
    raise TypeError(f"unsupported callback field type {kind!r}")


def unpack(data: str | None) -> CallbackData | None:
    """The typed callback for `data`, or None if it is not one of ours (stale version, forged, garbage)."""
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None
    parts = data.split(_SEPARATOR)
    if len(parts) < 2 or parts[0] != VERSION:
        return None
    cls = _REGISTRY.get(parts[1])
    if cls is None:
        return None
    fields = _field_types(cls)
    if len(parts) - 2 != len(fields):
        return None
    try:
        values = {name: _convert(text, kind) for (name, kind), text in zip(fields, parts[2:], strict=True)}
        return cls(**values)
    except (ValueError, TypeError):
        return None


def unpack_as(data: str | None, cls: type[C]) -> C | None:
    parsed = unpack(data)
    return parsed if isinstance(parsed, cls) else None


def registered_prefixes() -> dict[str, type[CallbackData]]:
    return dict(_REGISTRY)
