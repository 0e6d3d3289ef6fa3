"""What a loaded config entry holds: the client, its coordinators, what the device can do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .client import BasIpClient, BasIpDeviceInfo, RtspSettings

if TYPE_CHECKING:
    from .coordinator import BasIpDeviceCoordinator
    from .event_coordinator import BasIpEventCoordinator
    from .event_stream import BasIpEventStream
    from .guest_passes import GuestPasses
    from .push import BasIpPush
    from .snapshots import SnapshotSource
    from .visitors import VisitorHistory

type BasIpConfigEntry = ConfigEntry[BasIpRuntimeData]


@dataclass(frozen=True, slots=True, kw_only=True)
class BasIpCapabilities:
    """What the device offers, probed once at set-up (and at each reload)."""

    locks: int
    """Door locks a release can open; 0 on monitors."""
    door_sensor: bool
    """The door-status call answers (the input is wired as a door sensor)."""
    emergency_hold: bool
    """Locks can be held open (emergency mode). (inferred) Only the families
    that answer the lock-type call (Camdroid panels) document it."""
    camera: bool
    """The device has a camera (its RTSP settings call answers)."""
    rtsp: RtspSettings | None
    """RTSP credentials the device reported, if any."""
    webhooks: bool
    """The device keeps webhooks (its webhook list answers): events can be pushed."""
    sip_status: bool = True
    """The SIP registration status call answers (found by the first SIP refresh)."""
    event_log: bool = True
    """The device has an event log (found by the first poll; ``True`` while events are off)."""


@dataclass(slots=True, kw_only=True)
class BasIpRuntimeData:
    """Everything a loaded entry shares between its platforms."""

    client: BasIpClient
    device_info: BasIpDeviceInfo
    capabilities: BasIpCapabilities
    coordinator: BasIpDeviceCoordinator
    """SIP settings, SIP status and the door contact, every ``scan_interval``."""
    events: BasIpEventCoordinator
    """The device's event log, every ``event_interval`` (idle when events are off)."""
    stream: BasIpEventStream
    """Every event of the device, polled or pushed, handed out once."""
    push: BasIpPush | None
    """The push channel, where the device has webhooks and push is on."""
    guest_passes: GuestPasses | None = None
    """Guest passes this integration created (panels with identifiers only)."""
    snapshots: SnapshotSource | None
    """Camera snapshots shared by the camera and the last-visitor image."""
    visitors: VisitorHistory | None = None
    """Every ring's snapshot and outcome, where there is a camera and the history is on."""
