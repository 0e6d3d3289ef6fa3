"""Guest passes: one-time codes and QR passes that this integration created on a panel.

The uids of the passes created here are kept in the entry's store, so that a
resident's own cards and codes can never be listed or deleted through the
actions. A pass's code or QR number is never stored: only a salted hash of
it, so that an access event can say ``guest_pass: true``.

Times: the caller's window is Home Assistant time. The device checks it on
its own clock, which may be skewed, or local time written as UTC. The window
is moved onto the device's clock by the skew seen in its last dated answer
and the zone offset the event reader learned (docs/device-api.md,
"Identifiers").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
import hashlib
import secrets
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .client import (
    BasIpClient,
    BasIpDeviceInfo,
    BasIpDuplicateError,
    BasIpError,
    IdentifierLock,
    IdentifierSpec,
    IdentifierType,
    identifier_paths,
    random_code,
    random_qr_number,
)
from .const import DOMAIN, LOGGER

STORAGE_VERSION: Final = 1
CLEANUP_INTERVAL: Final = timedelta(days=1)
# A generated code the device already holds is drawn again this many times.
CODE_ATTEMPTS: Final = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestPass:
    """One pass created here: what the actions list (never its code)."""

    uid: int
    name: str
    kind: str
    valid_from: str
    """ISO time (Home Assistant's clock)."""
    valid_until: str
    max_passes: int | None
    lock: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatedPass:
    """What ``create_guest_pass`` answers: the pass, and its code or QR number once."""

    guest_pass: GuestPass
    number: str


def _ends_after(guest: GuestPass, now: datetime) -> bool:
    until = dt_util.parse_datetime(guest.valid_until)
    return until is not None and until > now


def guest_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Build the store of one entry's guest passes."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.guest_passes")


class GuestPasses:
    """The guest passes of one entry: create, revoke, list, clean up."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        client: BasIpClient,
        *,
        device_offset_ms: Callable[[], int],
    ) -> None:
        """Nothing loaded yet; ``device_offset_ms`` maps Home Assistant time to the device's."""
        self._hass = hass
        self._client = client
        self._store = guest_store(hass, entry_id)
        self._device_offset_ms = device_offset_ms
        self._passes: dict[int, GuestPass] = {}
        self._salt = ""
        self._hashes: dict[str, int] = {}
        self._listeners: list[Callable[[], None]] = []
        self._cancel_cleanup: CALLBACK_TYPE | None = None

    async def async_load(self) -> None:
        """Load the passes created by earlier runs; start the daily clean-up."""
        stored = await self._store.async_load() or {}
        self._salt = stored.get("salt") or secrets.token_hex(16)
        for raw in stored.get("passes", []):
            try:
                guest = GuestPass(**{k: raw[k] for k in GuestPass.__dataclass_fields__})
            except (KeyError, TypeError):
                continue
            self._passes[guest.uid] = guest
            if isinstance(digest := raw.get("hash"), str):
                self._hashes[digest] = guest.uid
        self._cancel_cleanup = async_track_time_interval(
            self._hass, self._async_scheduled_cleanup, CLEANUP_INTERVAL
        )

    @callback
    def async_stop(self) -> None:
        """Stop the daily clean-up."""
        if self._cancel_cleanup is not None:
            self._cancel_cleanup()
            self._cancel_cleanup = None

    async def async_remove_store(self) -> None:
        """Forget the passes of a removed entry (the device keeps them until they expire)."""
        await self._store.async_remove()

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` after each change of the passes (the sensor)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @property
    def passes(self) -> list[GuestPass]:
        """The passes created here, soonest expiry first."""
        return sorted(self._passes.values(), key=lambda guest: guest.valid_until)

    def active(self, now: datetime) -> list[GuestPass]:
        """List the passes whose window has not ended."""
        return [g for g in self.passes if _ends_after(g, now)]

    def is_ours(self, number: str | None) -> bool:
        """Whether an access event's identifier is one of our passes."""
        return number is not None and self._hash(number) in self._hashes

    def _hash(self, number: str) -> str:
        return hashlib.sha256(f"{self._salt}:{number.casefold()}".encode()).hexdigest()

    def _to_device(self, moment: datetime) -> int:
        return round((moment.timestamp() * 1000 + self._device_offset_ms()) / 1000)

    async def async_create(
        self,
        *,
        kind: IdentifierType,
        name: str,
        valid_from: datetime,
        valid_until: datetime,
        max_passes: int | None,
        lock: IdentifierLock,
        code: str | None,
    ) -> CreatedPass:
        """Create a pass on the device (a random code the device does not hold, if none given)."""
        attempts = 1 if code is not None or kind is IdentifierType.QR else CODE_ATTEMPTS
        for attempt in range(attempts):
            number = code or (random_code() if kind is IdentifierType.CODE else random_qr_number())
            spec = IdentifierSpec(
                owner_name=name,
                type=kind,
                number=number,
                lock=lock,
                valid_from=self._to_device(valid_from),
                valid_until=self._to_device(valid_until),
                max_passes=max_passes,
            )
            try:
                uid = await self._client.identifiers.create(spec)
            except BasIpDuplicateError:
                if attempt == attempts - 1:
                    raise
                continue
            break
        guest = GuestPass(
            uid=uid,
            name=name,
            kind=str(kind),
            valid_from=valid_from.isoformat(),
            valid_until=valid_until.isoformat(),
            max_passes=max_passes,
            lock=str(lock),
        )
        self._passes[uid] = guest
        self._hashes[self._hash(number)] = uid
        await self._async_save()
        return CreatedPass(guest_pass=guest, number=number)

    async def async_revoke(self, uid: int) -> bool:
        """Delete one of our passes from the device; ``False``: not one of ours."""
        if uid not in self._passes:
            return False
        await self._client.identifiers.delete(uid)
        self._forget(uid)
        await self._async_save()
        return True

    async def async_passes_left(self, uid: int) -> int | None:
        """Ask the device how many passes are left (``None``: no limit, or unknown)."""
        identifier = await self._client.identifiers.get(uid)
        return None if identifier is None else identifier.passes_left

    async def async_cleanup(self, now: datetime | None = None) -> int:
        """Delete our expired passes from the device; return how many."""
        now = now or dt_util.utcnow()
        expired = [g.uid for g in self.passes if g not in self.active(now)]
        removed = 0
        for uid in expired:
            try:
                await self._client.identifiers.delete(uid)
            except BasIpError as err:
                LOGGER.debug("Expired guest pass not removed yet: %s", err)
                continue
            self._forget(uid)
            removed += 1
        if removed:
            await self._async_save()
        return removed

    async def _async_scheduled_cleanup(self, now: datetime) -> None:
        await self.async_cleanup(now)

    def _forget(self, uid: int) -> None:
        self._passes.pop(uid, None)
        for digest in [d for d, owner in self._hashes.items() if owner == uid]:
            del self._hashes[digest]

    async def _async_save(self) -> None:
        hashes = {uid: digest for digest, uid in self._hashes.items()}
        await self._store.async_save(
            {
                "salt": self._salt,
                "passes": [{**asdict(g), "hash": hashes.get(g.uid)} for g in self._passes.values()],
            }
        )
        for listener in tuple(self._listeners):
            listener()


async def async_setup_guest_passes(
    hass: HomeAssistant,
    entry_id: str,
    client: BasIpClient,
    *,
    info: BasIpDeviceInfo,
    zone_offset_ms: Callable[[], int],
) -> GuestPasses | None:
    """Load the guest passes of an entry whose device has identifier calls (not monitors)."""
    if not identifier_paths(info):
        return None
    client.identifiers.use_device_info(info)

    def device_offset_ms() -> int:
        device_now = client.device_now_ms()
        skew = 0 if device_now is None else device_now - round(dt_util.utcnow().timestamp() * 1000)
        return skew + zone_offset_ms()

    passes = GuestPasses(hass, entry_id, client, device_offset_ms=device_offset_ms)
    await passes.async_load()
    return passes
