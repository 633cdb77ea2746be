"""Fast positional construction of frozen slots dataclasses.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` to get
past its own guard: 3.2 µs for ``Event``'s 19 fields, against 0.34 µs for plain slot
stores. The normalizer builds an ``Event`` for every record read back from the store, and
a diff builds a ``Change`` and an ``ActorInfo`` for every change; they use a builder that
fills an unguarded twin class (the same slots in the same order) and then gives the
instance the frozen class (0.5 µs in all). The instance is an ordinary frozen instance
afterwards: equal, hashed and guarded as any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


def positional_builder(kind: type[T]) -> Callable[..., T]:
    """A constructor taking every field of the frozen slots dataclass ``kind``, in order.

    No defaults apply and no ``__post_init__`` runs, so ``kind`` must not define one.
    """
    if not dataclasses.is_dataclass(kind) or "__slots__" not in vars(kind):
        raise TypeError(f"{kind.__name__} is not a slots dataclass")
    if hasattr(kind, "__post_init__"):
        raise TypeError(f"{kind.__name__} has a __post_init__ the builder would skip")
    names = [item.name for item in dataclasses.fields(kind)]
    if tuple(names) != tuple(vars(kind)["__slots__"]):
        raise TypeError(f"{kind.__name__} has slots besides its fields")
    twin: Any = dataclasses.make_dataclass(f"_Unfrozen{kind.__name__}", names, slots=True)

    def construct(*values: Any) -> T:
        instance = twin(*values)
        instance.__class__ = kind  # the same slot layout: Python allows the switch
        return cast(T, instance)

    construct.__doc__ = f"A ``{kind.__name__}`` from all its fields, in order."
    return construct
