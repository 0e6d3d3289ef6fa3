"""Building a device client from config entry data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_SSL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .client import BasIpClient, BasIpDeviceInfo
from .const import MANUFACTURER


def create_client(
    hass: HomeAssistant, data: Mapping[str, Any], *, expected_serial: str | None = None
) -> BasIpClient:
    """Create a client on Home Assistant's shared HTTP session.

    ``expected_serial`` makes the client check the device's serial number
    before every login, so credentials never go to a device that took over
    the address.
    """
    use_https: bool = data[CONF_SSL]
    verify_ssl: bool = data[CONF_VERIFY_SSL]
    return BasIpClient(
        data[CONF_HOST],
        data[CONF_USERNAME],
        data[CONF_PASSWORD],
        # HTTPS without verification needs the shared session that skips
        # certificate checks: self-signed certificates are common on panels.
        session=async_get_clientsession(hass, verify_ssl=verify_ssl or not use_https),
        use_https=use_https,
        verify_ssl=verify_ssl,
        expected_serial=expected_serial,
    )


def device_name(info: BasIpDeviceInfo) -> str:
    """Name of the device in Home Assistant, and the title of its entry."""
    return f"{MANUFACTURER} {info.device_name}" if info.device_name else f"{MANUFACTURER} intercom"
