"""Config flow: set up, re-authenticate, reconfigure, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_SSL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .client import BasIpDeviceInfo, BasIpDeviceMismatchError, BasIpError
from .const import (
    CONF_EVENT_INTERVAL,
    CONF_EVENTS_ENABLED,
    CONF_HISTORY_DAYS,
    CONF_HISTORY_MAX_RINGS,
    CONF_PUSH,
    CONF_RTSP_PASSWORD,
    CONF_RTSP_USERNAME,
    CONF_SCAN_INTERVAL,
    DEFAULT_EVENT_INTERVAL,
    DEFAULT_EVENTS_ENABLED,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_HISTORY_MAX_RINGS,
    DEFAULT_PUSH,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_USERNAME,
    DOMAIN,
    LOGGER,
    MAX_EVENT_INTERVAL,
    MAX_HISTORY_DAYS,
    MAX_HISTORY_MAX_RINGS,
    MAX_SCAN_INTERVAL,
    MIN_EVENT_INTERVAL,
    MIN_HISTORY_MAX_RINGS,
    MIN_SCAN_INTERVAL,
)
from .errors import flow_error
from .helpers import create_client, device_name
from .runtime import BasIpConfigEntry
from .visitors import history_switched, retention

PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)

CONNECTION_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): TextSelector(TextSelectorConfig(autocomplete="off")),
        vol.Required(CONF_SSL, default=False): BooleanSelector(),
        vol.Required(CONF_VERIFY_SSL, default=True): BooleanSelector(),
        vol.Required(CONF_USERNAME, default=DEFAULT_USERNAME): TextSelector(
            TextSelectorConfig(autocomplete="username")
        ),
        vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)

REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR})


def _seconds(low: int, high: int) -> vol.All:
    return _whole(low, high, "s")


def _whole(low: int, high: int, unit: str | None) -> vol.All:
    config = NumberSelectorConfig(min=low, max=high, step=1, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return vol.All(NumberSelector(config), vol.Coerce(int), vol.Range(min=low, max=high))


def polling_schema(event_interval: int = DEFAULT_EVENT_INTERVAL) -> vol.Schema:
    """Build the polling options; ``event_interval`` is this device's default (README)."""
    return vol.Schema(
        {
            vol.Required(CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): _seconds(
                MIN_SCAN_INTERVAL, MAX_SCAN_INTERVAL
            ),
            vol.Required(CONF_EVENTS_ENABLED, default=DEFAULT_EVENTS_ENABLED): BooleanSelector(),
            vol.Required(CONF_EVENT_INTERVAL, default=event_interval): _seconds(
                MIN_EVENT_INTERVAL, MAX_EVENT_INTERVAL
            ),
        }
    )


# Only for devices with webhooks (or while the entry is not loaded).
PUSH_SCHEMA = vol.Schema({vol.Required(CONF_PUSH, default=DEFAULT_PUSH): BooleanSelector()})

# Only for devices with a camera. The stored RTSP password is never sent back
# to the browser: left empty, the stored one is kept.
RTSP_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_RTSP_USERNAME): TextSelector(TextSelectorConfig(autocomplete="off")),
        vol.Optional(CONF_RTSP_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="new-password")
        ),
    }
)

# Only for devices with a camera: the visitor history's retention (0 days: off).
HISTORY_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HISTORY_DAYS, default=DEFAULT_HISTORY_DAYS): _whole(
            0, MAX_HISTORY_DAYS, "d"
        ),
        vol.Required(CONF_HISTORY_MAX_RINGS, default=DEFAULT_HISTORY_MAX_RINGS): _whole(
            MIN_HISTORY_MAX_RINGS, MAX_HISTORY_MAX_RINGS, None
        ),
    }
)


class BasIpConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a BAS-IP intercom."""

    VERSION = 1
    MINOR_VERSION = 1

    async def _async_try_connect(
        self, data: Mapping[str, Any], *, expected_serial: str | None = None
    ) -> tuple[BasIpDeviceInfo | None, dict[str, str]]:
        """Read what set-up needs; return the device info or the errors per field.

        The same calls as a refresh (device info with login, SIP settings) so
        that an entry is only created for a device that will work.
        """
        try:
            client = create_client(self.hass, data, expected_serial=expected_serial)
            info = await client.get_device_info()
            await client.get_sip_settings()
        except BasIpDeviceMismatchError:
            raise
        except BasIpError as err:
            return None, flow_error(err)
        except Exception:
            LOGGER.exception("Unexpected error while connecting to the device")
            return None, {"base": "unknown"}
        return info, {}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the address and the credentials of the device."""
        errors: dict[str, str] = {}
        if user_input is not None:
            info, errors = await self._async_try_connect(user_input)
            if info is not None:
                await self.async_set_unique_id(info.serial_number, raise_on_progress=False)
                # The same device at a new address: follow it.
                self._abort_if_unique_id_configured(
                    updates={
                        CONF_HOST: user_input[CONF_HOST],
                        CONF_SSL: user_input[CONF_SSL],
                        CONF_VERIFY_SSL: user_input[CONF_VERIFY_SSL],
                    }
                )
                return self.async_create_entry(title=device_name(info), data=user_input)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(CONNECTION_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start reauthentication: the device rejected the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the new password of the stored account."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            try:
                info, errors = await self._async_try_connect(data, expected_serial=entry.unique_id)
            except BasIpDeviceMismatchError:
                return self.async_abort(reason="different_device")
            # This form only has the password field; an error meant for a
            # field it lacks would not be shown at all.
            errors = {
                (field if field == CONF_PASSWORD else "base"): error
                for field, error in errors.items()
            }
            if info is not None:
                await self.async_set_unique_id(info.serial_number)
                self._abort_if_unique_id_mismatch(reason="different_device")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: user_input[CONF_PASSWORD]}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={
                CONF_USERNAME: entry.data[CONF_USERNAME],
                CONF_HOST: entry.data[CONF_HOST],
                "title": entry.title,
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address or the credentials of a configured device."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                info, errors = await self._async_try_connect(
                    user_input, expected_serial=entry.unique_id
                )
            except BasIpDeviceMismatchError:
                return self.async_abort(reason="different_device")
            if info is not None:
                await self.async_set_unique_id(info.serial_number)
                self._abort_if_unique_id_mismatch(reason="different_device")
                return self.async_update_reload_and_abort(entry, data_updates=user_input)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                CONNECTION_SCHEMA,
                # The stored password is never sent back to the browser.
                user_input
                or {key: value for key, value in entry.data.items() if key != CONF_PASSWORD},
            ),
            errors=errors,
            description_placeholders={"title": entry.title},
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> BasIpOptionsFlow:
        """Options: polling, events, stream credentials."""
        return BasIpOptionsFlow()


class BasIpOptionsFlow(OptionsFlow):
    """Polling, the event channel and the camera's stream credentials."""

    def _has_camera(self) -> bool:
        entry: BasIpConfigEntry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            # Not known while the device is away: offer the fields anyway.
            return True
        return entry.runtime_data.capabilities.camera

    def _has_webhooks(self) -> bool:
        entry: BasIpConfigEntry = self.config_entry
        return (
            entry.state is not ConfigEntryState.LOADED or entry.runtime_data.capabilities.webhooks
        )

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the intervals, the event switch and the RTSP credentials."""
        entry: BasIpConfigEntry = self.config_entry
        polling = polling_schema(
            entry.runtime_data.events.default_interval_seconds
            if entry.state is ConfigEntryState.LOADED
            else DEFAULT_EVENT_INTERVAL
        )
        schema = polling.extend(PUSH_SCHEMA.schema) if self._has_webhooks() else polling
        if self._has_camera():
            schema = schema.extend(RTSP_SCHEMA.schema).extend(HISTORY_SCHEMA.schema)
        if user_input is not None:
            options = _merge_rtsp_options(self.config_entry.options, user_input)
            if entry.state is ConfigEntryState.LOADED and (
                _push_changes(entry, options) or history_switched(entry.options, options)
            ):
                # Push writes to (or removes from) the device: a reload does it,
                # once the new options are saved (the flow saves them first).
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
            elif entry.state is ConfigEntryState.LOADED:
                # Applied in place: no reload, the entities stay available.
                runtime = entry.runtime_data
                runtime.coordinator.async_set_scan_interval(options[CONF_SCAN_INTERVAL])
                runtime.events.async_set_options(
                    enabled=options[CONF_EVENTS_ENABLED],
                    interval_seconds=options[CONF_EVENT_INTERVAL],
                )
                if runtime.visitors is not None:
                    days, max_rings = retention(options)
                    runtime.visitors.async_set_retention(days=days, max_rings=max_rings)
            return self.async_create_entry(data=options)
        suggested = {
            key: value
            for key, value in self.config_entry.options.items()
            if key != CONF_RTSP_PASSWORD
        }
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
        )


def _push_changes(entry: BasIpConfigEntry, options: Mapping[str, Any]) -> bool:
    """Whether new options turn push on or off (push needs events and the option)."""

    def push(values: Mapping[str, Any]) -> bool:
        return bool(
            values.get(CONF_PUSH, DEFAULT_PUSH)
            and values.get(CONF_EVENTS_ENABLED, DEFAULT_EVENTS_ENABLED)
        )

    return entry.runtime_data.capabilities.webhooks and push(options) != push(entry.options)


def _merge_rtsp_options(stored: Mapping[str, Any], user_input: dict[str, Any]) -> dict[str, Any]:
    """Merge the new options; an empty RTSP password keeps the stored one.

    Clearing the RTSP username clears both: the device's own credentials are
    then used again.
    """
    options = {key: value for key, value in user_input.items() if key not in RTSP_SCHEMA.schema}
    username = str(user_input.get(CONF_RTSP_USERNAME) or "").strip()
    if username:
        password = user_input.get(CONF_RTSP_PASSWORD) or stored.get(CONF_RTSP_PASSWORD)
        options[CONF_RTSP_USERNAME] = username
        if password:
            options[CONF_RTSP_PASSWORD] = password
    return options
