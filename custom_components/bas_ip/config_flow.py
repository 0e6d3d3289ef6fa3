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

from .client import (
    BasIpAuthenticationError,
    BasIpCertificateError,
    BasIpConnectionError,
    BasIpDeviceMismatchError,
    BasIpPermissionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    DeviceInfo,
)
from .const import (
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_USERNAME,
    DOMAIN,
    LOGGER,
    MANUFACTURER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from .coordinator import BasIpConfigEntry
from .helpers import create_client

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

OPTIONS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): vol.All(
            NumberSelector(
                NumberSelectorConfig(
                    min=MIN_SCAN_INTERVAL,
                    max=MAX_SCAN_INTERVAL,
                    step=1,
                    unit_of_measurement="s",
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Coerce(int),
        )
    }
)


def entry_title(info: DeviceInfo) -> str:
    """Title of a new entry: the model name the device reports."""
    return f"{MANUFACTURER} {info.device_name}" if info.device_name else f"{MANUFACTURER} intercom"


class BasIpConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a BAS-IP intercom."""

    VERSION = 1
    MINOR_VERSION = 1

    async def _async_try_connect(
        self, data: Mapping[str, Any], *, expected_serial: str | None = None
    ) -> tuple[DeviceInfo | None, dict[str, str]]:
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
        except BasIpAuthenticationError:
            return None, {CONF_PASSWORD: "invalid_auth"}
        except BasIpPermissionError:
            return None, {CONF_USERNAME: "permission_denied"}
        except BasIpUnsupportedDeviceError:
            return None, {"base": "unsupported_device"}
        except BasIpCertificateError:
            return None, {CONF_VERIFY_SSL: "invalid_certificate"}
        except BasIpConnectionError:
            return None, {CONF_HOST: "cannot_connect"}
        except BasIpResponseError:
            return None, {"base": "invalid_response"}
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
                return self.async_create_entry(title=entry_title(info), data=user_input)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(CONNECTION_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The device rejected the stored credentials."""
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
        """Options: the polling interval."""
        return BasIpOptionsFlow()


class BasIpOptionsFlow(OptionsFlow):
    """Choose how often the device is polled."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the polling interval."""
        if user_input is not None:
            entry: BasIpConfigEntry = self.config_entry
            if entry.state is ConfigEntryState.LOADED:
                # Applied in place: no reload, the entities stay available.
                entry.runtime_data.async_set_scan_interval(user_input[CONF_SCAN_INTERVAL])
            return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, self.config_entry.options
            ),
        )
