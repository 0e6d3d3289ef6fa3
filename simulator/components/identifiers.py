"""The identifiers a panel holds (cards, codes, QR passes) and what its door does with them.

docs/device-api.md, "Identifiers". The body rules are in
:mod:`.identifier_rules`. Validity is judged by the **device** clock (it may
be skewed): a window ``from <= now <= to`` in device seconds, and passes
that count down per opening unless permanent. :meth:`IdentifierBook.present`
is someone at the door: it logs ``access_granted_by_valid_identifier`` or
the matching denial with ``owner``, ``type``, ``number`` and ``lock`` in
``info.model``, like every access event of :mod:`simulator.log.items`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import math
from typing import Any, Final, Self

from simulator.log import DeviceLog
from simulator.log.items import access_model
from simulator.profiles import ProfileData
from simulator.validation import SettingsError

from .identifier_rules import LOG_TYPES, Fields, read_identifier

GRANTED: Final = "access_granted_by_valid_identifier"
NOT_VALID: Final = "access_denied_by_not_valid_identifier"
PRESENTED: Final = {"code": "inputCode", "qr": "qr", "card": "card"}
"""What can be presented at the door, and the identifier type it is."""
UNKNOWN_KEYS: Final = {
    "inputCode": "access_denied_by_not_valid_input_code",
    "qr": "access_denied_by_unknown_qr_code",
    "card": "access_denied_by_unknown_card",
}
LOCK_NUMBERS: Final = {"first": 1, "second": 2, "all": 0}
"""The ``lock`` an opening logs when none is presented (``0``: both locks, inferred)."""
DUPLICATE_MESSAGE: Final = "Identifier with that type and number already exist"
WRONG_UID_MESSAGE: Final = "Wrong Identifier uid"


class DuplicateIdentifier(SettingsError):
    """Another identifier has this type and number (the device's message is flat)."""

    def __init__(self) -> None:
        """Name the field, never its value."""
        super().__init__({"identifier_number": "already held with this type"})


def _folded(kind: str, number: str) -> tuple[str, str]:
    # Hex cards and UUIDs are the same whatever their case.
    return kind, number if kind == "inputCode" else number.lower()


@dataclass(slots=True)
class Identifier:
    """One identifier the device holds."""

    uid: int
    fields: Fields
    created_ms: int
    passes_left: int | None

    def answer(self) -> dict[str, Any]:
        """Build the body of ``GET .../item/{uid}`` (the number included)."""
        f = self.fields
        time: dict[str, Any] = {"is_permanent": f.window.permanent}
        time |= {k: v for k, v in (("from", f.window.start), ("to", f.window.end)) if v is not None}
        passes: dict[str, Any] = {"is_permanent": f.passes_permanent}
        if f.max_passes is not None:
            passes["max_passes"] = f.max_passes
        return {
            "identifier_owner": {"name": f.name, "type": f.owner_type},
            "identifier_type": f.kind,
            "identifier_number": f.number,
            "lock": f.lock,
            "valid": {"time": time, "passes": passes},
            "apartment": {"uid": -1},
            "time_profiles": {"uid_items": [], "count": 0},
            "additional": {"passes_left": -1 if self.passes_left is None else self.passes_left},
        }

    def body(self) -> dict[str, Any]:
        """Build the create body this identifier would be made from (a change starts here)."""
        answer = self.answer()
        return {key: answer[key] for key in ("identifier_owner", "identifier_type", "lock")} | {
            "identifier_number": self.fields.number,
            "valid": answer["valid"],
        }

    def held(self) -> dict[str, Any]:
        """Describe it without its number: uid, owner, type, lock, window, passes left."""
        f = self.fields
        return {
            "uid": self.uid,
            "owner": {"name": f.name, "type": f.owner_type},
            "type": f.kind,
            "lock": f.lock,
            "valid_from": None if f.window.permanent else f.window.start,
            "valid_to": None if f.window.permanent else f.window.end,
            "passes_left": self.passes_left,
            "created_ms": self.created_ms,
        }


class IdentifierBook:
    """A panel's identifiers; empty and unreachable (404) on families without them."""

    def __init__(self, log: DeviceLog, data: ProfileData) -> None:
        """Hold nothing yet; ``log`` stamps and keeps the door's events."""
        self._log = log
        self.spellings: tuple[str, ...] = data.identifier_spellings
        self._face_ids = data.face_ids
        self._items: dict[int, Identifier] = {}
        self._next_uid = 1
        self._numbers: set[str] = set()
        self.forbidden = False
        """Whether identifier calls answer 403 (the account is no admin)."""

    # --- the device API ---------------------------------------------------------

    def get(self, uid: int) -> Identifier | None:
        """Find identifier ``uid``."""
        return self._items.get(uid)

    def _check(self, body: Any, uid: int | None) -> Fields:
        # Every number offered is a secret, held or refused.
        number = body.get("identifier_number") if isinstance(body, dict) else None
        if isinstance(number, str) and number:
            self._numbers.add(number)
        fields = read_identifier(body, face_ids=self._face_ids)
        wanted = _folded(fields.kind, fields.number)
        for other in self._items.values():
            if other.uid != uid and _folded(other.fields.kind, other.fields.number) == wanted:
                raise DuplicateIdentifier
        return fields

    def create(self, body: Any) -> int:
        """Add an identifier from a create body; answer its uid.

        Raises :class:`DuplicateIdentifier` or :class:`SettingsError`.
        """
        fields = self._check(body, None)
        uid, self._next_uid = self._next_uid, self._next_uid + 1
        passes = None if fields.passes_permanent else fields.max_passes
        self._items[uid] = Identifier(uid, fields, self._log.now_ms(), passes)
        return uid

    def change(self, uid: int, body: Any) -> None:
        """Write the given top-level fields over existing identifier ``uid`` (checked whole)."""
        item = self._items[uid]
        if not isinstance(body, dict):
            raise SettingsError({"body": "must be a JSON object"})
        fields = self._check(item.body() | body, uid)
        old = item.fields
        item.fields = fields
        if fields.passes_permanent:
            item.passes_left = None
        elif old.passes_permanent or old.max_passes != fields.max_passes:
            item.passes_left = fields.max_passes

    def delete(self, uid: int) -> None:
        """Remove existing identifier ``uid``."""
        del self._items[uid]

    def reset_passes(self, uid: int) -> None:
        """Give existing identifier ``uid`` its maximum of passes again."""
        item = self._items[uid]
        if not item.fields.passes_permanent:
            item.passes_left = item.fields.max_passes

    def page(self, limit: int, page_number: int) -> dict[str, Any]:
        """Build one page of the list, oldest identifier first."""
        held = sorted(self._items.values(), key=lambda item: item.uid)
        start = (page_number - 1) * limit
        return {
            "list_option": {
                "pagination": {
                    "total_items": len(held),
                    "items_limit": limit,
                    "total_pages": math.ceil(len(held) / limit),
                    "current_page": page_number,
                }
            },
            "list_items": [
                item.answer() | {"identifier_uid": item.uid} for item in held[start : start + limit]
            ],
        }

    # --- the door ---------------------------------------------------------------

    def _find(self, kind: str, number: str) -> Identifier | None:
        wanted = _folded(kind, number)
        for item in self._items.values():
            if _folded(item.fields.kind, item.fields.number) == wanted:
                return item
        return None

    def _admits(self, item: Identifier, lock: int | None) -> bool:
        fields = item.fields
        if lock is not None and fields.lock != "all" and LOCK_NUMBERS[fields.lock] != lock:
            return False
        if not fields.window.covers(self._log.clock.now()):
            return False
        return item.passes_left is None or item.passes_left > 0

    def present(self, what: str, number: str, lock: int | None = None) -> dict[str, Any]:
        """Someone presents a ``code``, ``qr`` or ``card`` at the door: log and answer the item.

        Raises ``ValueError`` on a family without identifiers or for
        another kind of identifier.
        """
        if not self.spellings:
            raise ValueError("this family holds no identifiers")
        kind = PRESENTED.get(what)
        if kind is None:
            raise ValueError(f"type must be one of {', '.join(PRESENTED)}")
        item = self._find(kind, number)
        if item is None:
            model = access_model(LOG_TYPES[kind], number, lock=lock)
            return self._log.event(UNKNOWN_KEYS[kind], info=model, category="warning")
        fields = item.fields
        granted = self._admits(item, lock)
        opened = LOCK_NUMBERS[fields.lock] if lock is None else lock
        model = access_model(LOG_TYPES[kind], fields.number, lock=opened, owner=fields.name)
        if not granted:
            return self._log.event(NOT_VALID, info=model, category="warning")
        if item.passes_left is not None:
            item.passes_left -= 1
        return self._log.event(GRANTED, info=model)

    # --- controls -----------------------------------------------------------------

    def held(self) -> list[dict[str, Any]]:
        """Describe every identifier held, without numbers, oldest first."""
        return [item.held() for _, item in sorted(self._items.items())]

    def secrets(self) -> set[str]:
        """Every identifier number ever offered or held (codes are secrets), for the log guard."""
        return set(self._numbers)


class IdentifierView(frozenset[str]):
    """``device.identifiers``: the numbers in the log (a frozenset, as ever), and the book.

    Comparing, iterating and ``<=`` see the card numbers, codes and QR
    numbers of the log; the calls reach the device's :class:`IdentifierBook`.
    """

    __slots__ = ("book",)
    book: IdentifierBook

    def __new__(cls, numbers: Iterable[str], book: IdentifierBook) -> Self:
        """Bind the log's ``numbers`` to ``book``."""
        view = super().__new__(cls, numbers)
        view.book = book
        return view

    def __eq__(self, other: object) -> bool:
        """Compare the numbers, as any set (kept so type checkers see sets compare)."""
        return super().__eq__(other)

    __hash__ = frozenset.__hash__

    def present(self, type: str, number: str, lock: int | None = None) -> dict[str, Any]:
        """Present a ``code``, ``qr`` or ``card`` at the door; answer the logged item."""
        return self.book.present(type, number, lock)

    def create(self, body: Any) -> int:
        """Add an identifier from a create body (as the device API takes it); answer its uid."""
        return self.book.create(body)

    def get(self, uid: int) -> dict[str, Any] | None:
        """Read identifier ``uid`` as the device answers it (number included), or ``None``."""
        item = self.book.get(uid)
        return None if item is None else item.answer()

    def held(self) -> list[dict[str, Any]]:
        """Describe every identifier held, without numbers."""
        return self.book.held()

    @property
    def forbidden(self) -> bool:
        """Whether identifier calls answer 403."""
        return self.book.forbidden

    @forbidden.setter
    def forbidden(self, value: bool) -> None:
        self.book.forbidden = value
