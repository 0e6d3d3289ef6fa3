"""Attributes of a component, read (and written) through the object that holds it.

``door_open = Settable[bool]("doors")`` on a class makes ``device.door_open``
read and write ``device.doors.door_open``; ``Forward`` is the read-only kind.
They keep :class:`~simulator.server.DeviceSimulator`'s public attributes
while the state lives in its components.
"""

from __future__ import annotations

from typing import Never, Self, cast, overload


class Forward[T]:
    """A read-only attribute of the component ``component`` (same name unless ``name``)."""

    __slots__ = ("component", "name")

    def __init__(self, component: str, name: str | None = None) -> None:
        """Forward to ``<holder>.<component>.<name>``."""
        self.component = component
        self.name = name or ""

    def __set_name__(self, owner: type, name: str) -> None:
        """Take the attribute's own name unless one was given."""
        if not self.name:
            self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object, owner: type | None = None) -> T | Self:
        """Read the component's value (the descriptor itself on the class)."""
        if instance is None:
            return self
        return cast(T, getattr(getattr(instance, self.component), self.name))

    def __set__(self, instance: object, value: Never) -> None:
        """Refuse: the attribute is read-only (type checkers refuse it too)."""
        raise AttributeError(f"{self.name} is read-only")


class Settable[T](Forward[T]):
    """A read-write attribute of a component."""

    __slots__ = ()

    def __set__(self, instance: object, value: T) -> None:
        """Set the component's value."""
        setattr(getattr(instance, self.component), self.name, value)
