"""Classes that behave as ``@dataclass`` classes without importing dataclasses at start-up.

``import dataclasses`` imports ``inspect`` (and with it ``ast``, ``dis``, ``tokenize``): about
5 ms of CPU in every task, and each task is a fresh process. :class:`~.kfp_arguments.RunIdentity`
and :class:`~.executor_io.OutputArtifact` are made on every run, so they cannot wait for it.
They were dataclasses, and users may call ``dataclasses.asdict``, ``replace``, ``fields`` or
``is_dataclass`` on them; so they stay dataclasses to everything outside:

- :class:`DataclassCompat` and :func:`dataclass_compat` give the methods ``@dataclass``
  writes: ``__repr__``, ``__eq__`` (same class, fields compared in order),
  ``__match_args__``, and for ``frozen=True`` ``__hash__`` over the fields and a
  ``__setattr__`` / ``__delattr__`` raising ``dataclasses.FrozenInstanceError``; each class
  writes its own ``__init__``;
- ``__dataclass_fields__`` and ``__dataclass_params__``, which those functions read, are
  made on first access by applying ``@dataclass`` to the class's twin (a real dataclass with
  the same fields, ``_dataclass_twin``), so dataclasses is imported only then.

tests/test_dataclass_compat.py checks each class against its twin: repr, equality, hashing,
frozenness, pattern matching, asdict, astuple, replace, fields, pickling.
"""

from __future__ import annotations

import reprlib

TYPE_CHECKING = False  # typing for annotations only (see __init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from dataclasses import Field
    from typing import Any, ClassVar, TypeVar

    T = TypeVar("T")

__all__ = ["DataclassCompat", "dataclass_compat"]


class _FromTwin:
    """A class attribute (``__dataclass_fields__``, ``__dataclass_params__``) read from the twin dataclass."""

    def __init__(self, owner: Any, name: str) -> None:
        self.owner, self.name = owner, name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        twin = self.owner._dataclass_twin()
        # from now on plain class attributes: the twin is made once
        type.__setattr__(self.owner, "__dataclass_fields__", twin.__dataclass_fields__)
        type.__setattr__(self.owner, "__dataclass_params__", twin.__dataclass_params__)
        return getattr(twin, self.name)


class DataclassCompat:
    """The methods ``@dataclass`` writes, over the field names in ``_fields``; see :func:`dataclass_compat`."""

    _fields: tuple[str, ...] = ()
    if TYPE_CHECKING:  # what dataclasses' functions take (typeshed's DataclassInstance)
        __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    @reprlib.recursive_repr()  # as @dataclass: "..." where the object contains itself
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented


def dataclass_compat(*, frozen: bool = False) -> Callable[[type[T]], type[T]]:
    """Makes a :class:`DataclassCompat` subclass answer as ``@dataclass(frozen=frozen)`` would.

    The class sets ``_fields`` (the field names, in order), writes ``__init__`` as ``@dataclass``
    would (``object.__setattr__`` when frozen), and a static ``_dataclass_twin()`` returning the
    same class declared with ``@dataclass`` (dataclasses imported inside it).
    """

    def apply(cls: type[T]) -> type[T]:
        cls.__match_args__ = cls._fields  # type: ignore[attr-defined,misc]
        for name in ("__dataclass_fields__", "__dataclass_params__"):
            setattr(cls, name, _FromTwin(cls, name))
        if not frozen:
            cls.__hash__ = None  # type: ignore[assignment]  # as @dataclass(eq=True): mutable, so unhashable
            return cls
        fields = frozenset(cls._fields)  # type: ignore[attr-defined]

        # as @dataclass(frozen=True): a field, or any attribute of the class itself, is read-only
        def __setattr__(self: Any, name: str, value: object) -> None:
            if type(self) is cls or name in fields:
                raise _frozen_error(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)

        def __delattr__(self: Any, name: str) -> None:
            if type(self) is cls or name in fields:
                raise _frozen_error(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)

        def __hash__(self: Any) -> int:
            return hash(self._values())

        for method in (__setattr__, __delattr__, __hash__):
            method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
            setattr(cls, method.__name__, method)
        return cls

    return apply


def _frozen_error(message: str) -> Exception:
    from dataclasses import FrozenInstanceError  # on the error path only

    return FrozenInstanceError(message)
