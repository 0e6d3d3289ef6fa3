"""Sensors: SIP account settings, registration state, the last log event, guest passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .client import SipRegistrationStatus, SipSettings, SipStatus, SipTransport
from .entity import BasIpDeviceEntity, BasIpEventChannelEntity, BasIpStatusEntity
from .event_coordinator import EventLogState
from .runtime import BasIpConfigEntry

# The coordinator does all device I/O; entities only read its data.
PARALLEL_UPDATES = 0

REGISTRATION_STATES: dict[SipRegistrationStatus, str] = {
    SipRegistrationStatus.OK: "registered",
    SipRegistrationStatus.ERROR: "failing",
    SipRegistrationStatus.OFFLINE: "disabled",
}


@dataclass(frozen=True, kw_only=True)
class BasIpSettingsSensorDescription(SensorEntityDescription):
    """A sensor read from the SIP settings."""

    value_fn: Callable[[SipSettings], str | int | None]
    exists_fn: Callable[[SipSettings], bool] = lambda _: True


@dataclass(frozen=True, kw_only=True)
class BasIpStatusSensorDescription(SensorEntityDescription):
    """A sensor read from the SIP registration status."""

    value_fn: Callable[[SipStatus], str | datetime | None]


SETTINGS_SENSORS: tuple[BasIpSettingsSensorDescription, ...] = (
    BasIpSettingsSensorDescription(
        key="sip_user",
        translation_key="sip_user",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda settings: settings.user,
    ),
    BasIpSettingsSensorDescription(
        key="sip_realm",
        translation_key="sip_realm",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda settings: settings.realm,
    ),
    BasIpSettingsSensorDescription(
        key="sip_proxy",
        translation_key="sip_proxy",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda settings: settings.proxy,
    ),
    BasIpSettingsSensorDescription(
        key="sip_transport",
        translation_key="sip_transport",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.ENUM,
        options=[transport.value for transport in SipTransport],
        value_fn=lambda settings: settings.transport.value,
    ),
    BasIpSettingsSensorDescription(
        key="registration_interval",
        translation_key="registration_interval",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        value_fn=lambda settings: settings.registration_interval,
    ),
    BasIpSettingsSensorDescription(
        key="stun_server",
        translation_key="stun_server",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=lambda settings: settings.stun is not None,
        value_fn=lambda settings: (
            f"{settings.stun.host}:{settings.stun.port}" if settings.stun else None
        ),
    ),
    BasIpSettingsSensorDescription(
        key="h264_payload_type",
        translation_key="h264_payload_type",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=lambda settings: settings.h264_payload_type is not None,
        value_fn=lambda settings: settings.h264_payload_type,
    ),
)

STATUS_SENSORS: tuple[BasIpStatusSensorDescription, ...] = (
    BasIpStatusSensorDescription(
        key="registration_status",
        translation_key="registration_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.ENUM,
        options=list(REGISTRATION_STATES.values()),
        value_fn=lambda status: REGISTRATION_STATES[status.status],
    ),
    BasIpStatusSensorDescription(
        key="last_registration_attempt",
        translation_key="last_registration_attempt",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda status: status.last_attempt,
    ),
)


@dataclass(frozen=True, kw_only=True)
class BasIpEventLogSensorDescription(SensorEntityDescription):
    """A sensor read from the event channel."""

    value_fn: Callable[[EventLogState], datetime | None]


def _device_time(state: EventLogState) -> datetime | None:
    # The device's own clock, as it stamped the item: a skewed device clock
    # shows here as it is.
    newest = state.newest
    return None if newest is None else datetime.fromtimestamp(newest.timestamp / 1000, tz=UTC)


EVENT_LOG_SENSORS: tuple[BasIpEventLogSensorDescription, ...] = (
    BasIpEventLogSensorDescription(
        key="last_log_event",
        translation_key="last_log_event",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_device_time,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BasIpConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors the device has data for."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    settings = coordinator.data.settings
    entities: list[SensorEntity] = [
        BasIpSettingsSensor(runtime=runtime, description=description)
        for description in SETTINGS_SENSORS
        if description.exists_fn(settings)
    ]
    if runtime.capabilities.sip_status:
        entities.extend(
            BasIpStatusSensor(runtime=runtime, description=description)
            for description in STATUS_SENSORS
        )
    if runtime.capabilities.event_log:
        entities.extend(
            BasIpEventLogSensor(runtime=runtime, description=description)
            for description in EVENT_LOG_SENSORS
        )
    if runtime.guest_passes is not None:
        entities.append(BasIpGuestPassSensor(runtime=runtime, description=GUEST_PASS_SENSOR))
    async_add_entities(entities)


class BasIpSettingsSensor(BasIpDeviceEntity, SensorEntity):
    """A value of the SIP settings."""

    entity_description: BasIpSettingsSensorDescription

    @property
    def native_value(self) -> str | int | None:
        """Current value from the last successful refresh."""
        return self.entity_description.value_fn(self.coordinator.data.settings)


class BasIpStatusSensor(BasIpStatusEntity, SensorEntity):
    """A value of the SIP registration status."""

    entity_description: BasIpStatusSensorDescription

    @property
    def native_value(self) -> str | datetime | None:
        """Current value from the last successful refresh."""
        status = self.coordinator.data.status
        return None if status is None else self.entity_description.value_fn(status)


class BasIpEventLogSensor(BasIpEventChannelEntity, SensorEntity):
    """A value of the event channel."""

    entity_description: BasIpEventLogSensorDescription

    @property
    def native_value(self) -> datetime | None:
        """Value from the latest poll of the log."""
        state: EventLogState | None = self.coordinator.data
        return None if state is None else self.entity_description.value_fn(state)


GUEST_PASS_SENSOR = SensorEntityDescription(
    key="active_guest_passes", translation_key="active_guest_passes"
)
ATTR_NEXT_EXPIRY = "next_expiry"


class BasIpGuestPassSensor(BasIpDeviceEntity, SensorEntity):
    """How many guest passes made here are still valid; the soonest end (never a code).

    Updated after each guest pass action and each daily clean-up, not by a poll.
    """

    async def async_added_to_hass(self) -> None:
        """Follow the changes of the entry's guest passes."""
        await super().async_added_to_hass()
        passes = self.runtime.guest_passes
        assert passes is not None
        self.async_on_remove(passes.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> int:
        """Count the passes whose window has not ended."""
        passes = self.runtime.guest_passes
        return 0 if passes is None else len(passes.active(dt_util.utcnow()))

    @property
    def extra_state_attributes(self) -> dict[str, str | None]:
        """Name the soonest end of an active pass (ISO time), or ``None``."""
        passes = self.runtime.guest_passes
        active = [] if passes is None else passes.active(dt_util.utcnow())
        return {ATTR_NEXT_EXPIRY: active[0].valid_until if active else None}
