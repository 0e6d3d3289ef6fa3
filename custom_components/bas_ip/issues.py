"""Repair issues the integration raises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .client import BasIpDeviceMismatchError, LogOrderError
from .const import (
    DOMAIN,
    FACTORY_PASSWORD,
    FACTORY_USERNAME,
    ISSUE_DEFAULT_CREDENTIALS,
    ISSUE_DEVICE_MISMATCH,
    ISSUE_LOG_ORDER,
    ISSUE_PUSH_NO_URL,
    ISSUE_PUSH_STOPPED,
)


def _issue_id(kind: str, entry: ConfigEntry) -> str:
    return f"{kind}_{entry.entry_id}"


def _create(
    hass: HomeAssistant,
    entry: ConfigEntry,
    kind: str,
    severity: ir.IssueSeverity,
    **placeholders: str,
) -> None:
    """Raise the ``kind`` issue of ``entry``; every text names the entry's title."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(kind, entry),
        is_fixable=False,
        is_persistent=False,
        severity=severity,
        translation_key=kind,
        translation_placeholders={"title": entry.title, **placeholders},
    )


def uses_factory_credentials(data: Mapping[str, Any]) -> bool:
    """Whether the credentials are the ones every device ships with."""
    return (
        data.get(CONF_USERNAME) == FACTORY_USERNAME and data.get(CONF_PASSWORD) == FACTORY_PASSWORD
    )


@callback
def async_check_default_credentials(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise the factory-credentials issue, or withdraw it once they changed."""
    issue_id = _issue_id(ISSUE_DEFAULT_CREDENTIALS, entry)
    if not uses_factory_credentials(entry.data):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    _create(
        hass,
        entry,
        ISSUE_DEFAULT_CREDENTIALS,
        ir.IssueSeverity.WARNING,
        host=entry.data[CONF_HOST],
    )


@callback
def async_create_device_mismatch_issue(
    hass: HomeAssistant, entry: ConfigEntry, err: BasIpDeviceMismatchError
) -> None:
    """Tell the user that the entry's address now answers as another device."""
    _create(
        hass,
        entry,
        ISSUE_DEVICE_MISMATCH,
        ir.IssueSeverity.ERROR,
        host=entry.data[CONF_HOST],
        expected_serial=err.expected_serial,
        actual_serial=err.actual_serial,
    )


@callback
def async_delete_device_mismatch_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the device-mismatch issue: the expected device answers again."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(ISSUE_DEVICE_MISMATCH, entry))


@callback
def async_create_log_order_issue(
    hass: HomeAssistant, entry: ConfigEntry, err: LogOrderError
) -> None:
    """Tell the user that the doorbell is silent because the log cannot be read in order."""
    tried = ", ".join(map(str, err.steps))
    _create(hass, entry, ISSUE_LOG_ORDER, ir.IssueSeverity.ERROR, tried=tried or "-")


@callback
def async_delete_log_order_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the log-order issue: the log reads in order again."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(ISSUE_LOG_ORDER, entry))


@callback
def async_create_push_issue(hass: HomeAssistant, entry: ConfigEntry, kind: str) -> None:
    """Tell the user that events are polled because push cannot work (``kind``: which reason)."""
    _create(hass, entry, kind, ir.IssueSeverity.WARNING)


@callback
def async_delete_push_issue(hass: HomeAssistant, entry: ConfigEntry, kind: str) -> None:
    """Withdraw a push issue: push works again (or was turned off)."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))


@callback
def async_delete_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw every issue of a removed entry."""
    for kind in (
        ISSUE_DEFAULT_CREDENTIALS,
        ISSUE_DEVICE_MISMATCH,
        ISSUE_LOG_ORDER,
        ISSUE_PUSH_NO_URL,
        ISSUE_PUSH_STOPPED,
    ):
        ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))
