"""Constants of the BAS-IP integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "bas_ip"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "BAS-IP"

DEFAULT_USERNAME: Final = "admin"
# Every BAS-IP device leaves the factory with admin / 123456.
FACTORY_USERNAME: Final = "admin"
FACTORY_PASSWORD: Final = "123456"

CONF_SCAN_INTERVAL: Final = "scan_interval"
DEFAULT_SCAN_INTERVAL: Final = 30
MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 3600

ISSUE_DEFAULT_CREDENTIALS: Final = "default_credentials"
ISSUE_DEVICE_MISMATCH: Final = "device_mismatch"

EVENT_SETTINGS_CHANGED: Final = "settings_changed"
ATTR_CHANGED: Final = "changed"
ATTR_OLD: Final = "old"
ATTR_NEW: Final = "new"
