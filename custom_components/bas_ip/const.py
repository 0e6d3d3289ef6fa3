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
ISSUE_LOG_ORDER: Final = "log_order"

EVENT_SETTINGS_CHANGED: Final = "settings_changed"
ATTR_CHANGED: Final = "changed"
ATTR_OLD: Final = "old"
ATTR_NEW: Final = "new"

CONF_EVENTS_ENABLED: Final = "events_enabled"
DEFAULT_EVENTS_ENABLED: Final = True
CONF_EVENT_INTERVAL: Final = "event_interval"
DEFAULT_EVENT_INTERVAL: Final = 2
MIN_EVENT_INTERVAL: Final = 1
MAX_EVENT_INTERVAL: Final = 30
# Used for the live stream where the device masks its RTSP password, or the
# user changed it on the device.
CONF_RTSP_USERNAME: Final = "rtsp_username"
CONF_RTSP_PASSWORD: Final = "rtsp_password"

# A snapshot younger than this is served again instead of asking the device,
# which needs 2-4 s per snapshot.
SNAPSHOT_REUSE_SECONDS: Final = 5.0

# Event types of the event entities, as automations see them.
# The doorbell's standard event type (Home Assistant 2026 names it
# DoorbellEventType.RING; the same string works on 2025.4).
EVENT_RING: Final = "ring"
EVENT_MISSED: Final = "missed"

# Push: the device's webhooks (Android panels from firmware 3.25.8).
CONF_PUSH: Final = "push"
DEFAULT_PUSH: Final = True
# Generated once per entry and kept in its data, like the password.
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"
# While push is healthy the log poll only reconciles, this often (seconds).
DEFAULT_RECONCILE_INTERVAL: Final = 60
ISSUE_PUSH_NO_URL: Final = "push_no_url"
ISSUE_PUSH_STOPPED: Final = "push_stopped"

# Visitor history: each ring's snapshot kept on disk (issue 20).
CONF_HISTORY_DAYS: Final = "history_days"
DEFAULT_HISTORY_DAYS: Final = 30
MAX_HISTORY_DAYS: Final = 3650
CONF_HISTORY_MAX_RINGS: Final = "history_max_rings"
DEFAULT_HISTORY_MAX_RINGS: Final = 500
MIN_HISTORY_MAX_RINGS: Final = 1
MAX_HISTORY_MAX_RINGS: Final = 100_000
# A snapshot for a ring must be taken after the ring: reuse at most this old
# (seconds). Shared by the "Last visitor" image and the visitor history, so
# that both are served by the one request of a ring.
RING_SNAPSHOT_MAX_AGE: Final = 1.0
# Bus event the logbook describes: a ring or an access, without identifiers.
EVENT_LOGBOOK: Final = "bas_ip_event"
