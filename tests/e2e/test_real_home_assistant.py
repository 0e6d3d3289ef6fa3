"""End to end: the simulator and a real ``hass`` process, driven like a user would.

Runs on its own (``scripts/test --e2e``, or ``pytest -m e2e -p no:homeassistant
tests/e2e``): it needs none of Home Assistant's in-process test harness, only
the ``hass`` of the current venv and the frontend scripts/setup installs. The
steps build on each other and run in file order against one Home Assistant:

1. onboard, add the device through the config-flow REST API, set the polling
   interval to 10 s through the options flow, compare every entity with the
   simulator;
2. change a SIP setting on the simulator: the sensor and the event entity
   follow within one polling interval;
3. lose and regain the SIP registration: the binary sensor follows;
4. expire the device's tokens: nothing becomes unavailable, one new login;
5. restart Home Assistant: the entry and entities come back, restored event;
6. no secret appears in any log of the run.

Everything started here runs in its own process group and is stopped by the
fixture's finalizer, also when a step fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
import logging
from pathlib import Path
import time
from typing import Any

import pytest

from scripts.hass_runner import (
    DOMAIN,
    REPO_ROOT,
    UNAVAILABLE_STATES,
    HomeAssistantClient,
    HttpError,
    ManagedProcess,
    SimulatorHandle,
    free_port,
    http_request_bytes,
    start_hass,
    start_simulator,
    write_hass_config,
)
from tests.const import PASSWORD, SECRETS, USERNAME

pytestmark = pytest.mark.e2e

SCAN_INTERVAL = 10
# Time a refresh may take beyond the interval itself (scheduling, HTTP round trips).
REFRESH_SLACK = 5.0
OWNER = "e2e-owner"
OWNER_PASSWORD = "e2e-Owner-Pass-1"
INTEGRATION = REPO_ROOT / "custom_components" / DOMAIN
# Entities enabled by default for a device like the camdroid_monitor profile.
ENABLED_KEYS = {
    "sip_registered",
    "registration_status",
    "last_registration_attempt",
    "sip_user",
    "sip_realm",
    "sip_proxy",
    "sip_transport",
    "registration_interval",
    "sip_settings",
}


@dataclass
class Stack:
    """The running simulator and Home Assistant, shared by the steps of this module."""

    directory: Path
    simulator: SimulatorHandle
    hass_port: int
    hass: ManagedProcess | None = None
    client: HomeAssistantClient | None = None
    # entity registry key (unique id without the serial) -> entity id
    entities: dict[str, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def config_dir(self) -> Path:
        """Home Assistant's configuration directory."""
        return self.directory / "config"

    def start_hass(self) -> HomeAssistantClient:
        """Start hass, wait for it and log in (onboarding on the first start)."""
        self.hass = start_hass(self.config_dir, log_path=self.directory / "hass.stdout.log")
        client = HomeAssistantClient(self.hass_port, alive=self.hass.ensure_running)
        client.wait_until_reachable(timeout=300)
        client.onboard_or_login(name="E2E", username=OWNER, password=OWNER_PASSWORD)
        client.wait_until_running(timeout=300)
        self.client = client
        return client

    def stop_hass(self) -> int | None:
        """Stop hass (SIGTERM, then SIGKILL after a grace period)."""
        code = self.hass.stop(timeout=60) if self.hass is not None else None
        self.hass = None
        self.client = None
        return code

    @property
    def api(self) -> HomeAssistantClient:
        """The logged-in client of the running Home Assistant."""
        assert self.client is not None, "Home Assistant is not running"
        return self.client

    def states(self) -> dict[str, dict[str, Any]]:
        """Current states of the integration's entities, by registry key."""
        by_id = self.api.states(self.entities.values())
        return {
            key: by_id[entity_id] for key, entity_id in self.entities.items() if entity_id in by_id
        }

    def wait_for_state(
        self, key: str, expected: str, *, timeout: float = SCAN_INTERVAL + REFRESH_SLACK
    ) -> dict[str, Any]:
        """Wait until the entity ``key`` shows ``expected``; return its state object."""
        entity_id = self.entities[key]

        def check() -> dict[str, Any] | None:
            state = self.api.state(entity_id)
            return state if state["state"] == expected else None

        result: dict[str, Any] = self.api.wait(
            f"{entity_id} to become {expected!r}", check, timeout=timeout
        )
        return result


@pytest.fixture(scope="module", autouse=True)
def _log_driver_steps() -> Iterator[None]:
    """Let the driver's INFO records reach the session's log capture (and secret guard)."""
    logger = logging.getLogger("scripts")
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield
    logger.setLevel(previous)


def _enable_sockets() -> None:
    """Undo the per-test socket block of Home Assistant's pytest plugin, when it is loaded.

    That guard protects in-process tests; this module only talks HTTP to its
    own child processes on 127.0.0.1 (the plugin's host allow-list stays).
    """
    try:
        import pytest_socket  # type: ignore[import-untyped]
    except ImportError:
        return
    pytest_socket.enable_socket()


@pytest.fixture(autouse=True)
def _allow_local_sockets() -> None:
    """Sockets for every step (the plugin blocks them again before each test)."""
    _enable_sockets()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Start the simulator and Home Assistant; stop both at the end, whatever happened."""
    for name in ("__init__.py", "manifest.json", "config_flow.py", "sensor.py", "event.py"):
        assert (INTEGRATION / name).is_file(), f"the integration has no {name}"
    _enable_sockets()
    directory = tmp_path_factory.mktemp("e2e")
    simulator = start_simulator(
        port=free_port(),
        log_path=directory / "simulator.log",
        username=USERNAME,
        password=PASSWORD,
    )
    hass_port = free_port()
    running = Stack(directory, simulator, hass_port)
    try:
        write_hass_config(running.config_dir, port=hass_port, name="BAS-IP e2e")
        running.start_hass()
        yield running
    finally:
        running.stop_hass()
        simulator.process.stop()


def test_add_device_through_the_config_flow(stack: Stack) -> None:
    """The user step creates the entry; the options flow sets a 10 s polling interval."""
    api = stack.api
    assert api.config_entries() == []
    result = api.config_flow(
        DOMAIN, {"host": stack.simulator.address, "username": USERNAME, "password": PASSWORD}
    )
    assert result["type"] == "create_entry", result
    entry_id = result["result"]["entry_id"]
    (entry,) = api.config_entries()
    assert entry["entry_id"] == entry_id
    assert entry["state"] == "loaded"
    assert entry["title"]

    options = api.options_flow(entry_id, {"scan_interval": SCAN_INTERVAL})
    assert options["type"] == "create_entry", options
    stack.facts["entry_id"] = entry_id


def test_entities_show_the_device_values(stack: Stack) -> None:
    """Every enabled entity has a value, and the values are the simulator's."""
    api = stack.api
    serial = stack.simulator.state()["serial"]
    registry = api.entity_registry()
    assert registry, "the integration registered no entities"
    assert {entry["config_entry_id"] for entry in registry} == {stack.facts["entry_id"]}
    assert all(entry["unique_id"].startswith(f"{serial}_") for entry in registry)
    (device_id,) = {entry["device_id"] for entry in registry}
    devices = asyncio.run(api.websocket_command({"type": "config/device_registry/list"}))
    (device,) = [device for device in devices if device["id"] == device_id]
    assert [DOMAIN, serial] in device["identifiers"]
    assert device["manufacturer"]
    stack.entities = {
        entry["unique_id"].removeprefix(f"{serial}_"): entry["entity_id"]
        for entry in registry
        if entry["disabled_by"] is None
    }
    # The camdroid_monitor profile reports a STUN server and an H.264 payload
    # type; those two entities exist but are disabled by default.
    assert set(stack.entities) == ENABLED_KEYS
    disabled = {
        entry["unique_id"].removeprefix(f"{serial}_")
        for entry in registry
        if entry["disabled_by"] == "integration"
    }
    assert disabled == {"stun_server", "h264_payload_type"}

    def all_have_values() -> dict[str, dict[str, Any]] | None:
        states = stack.states()
        if len(states) < len(stack.entities):
            return None
        waiting = [
            key
            for key, state in states.items()
            if key != "sip_settings" and state["state"] in UNAVAILABLE_STATES
        ]
        return None if waiting else states

    states = api.wait("the entities to show values", all_have_values, timeout=60)
    settings = stack.simulator.state()["sip_settings"]
    expected = {
        "sip_user": settings["user"],
        "sip_realm": settings["realm"],
        "sip_proxy": settings["proxy"],
        "sip_transport": settings["transport"],
        "registration_interval": str(settings["registration_interval"]),
        "sip_registered": "on",
        "registration_status": "registered",
    }
    assert {key: states[key]["state"] for key in expected} == expected
    # No settings change has happened yet: the event entity has never fired.
    assert states["sip_settings"]["state"] == "unknown"
    stack.facts["sip_user"] = settings["user"]


def test_sip_change_reaches_sensor_and_event(stack: Stack) -> None:
    """A SIP account changed on the device shows up within one polling interval."""
    old_user = stack.facts["sip_user"]
    new_user = "102" if old_user != "102" else "103"
    answer = stack.simulator.control("sip/settings", {"user": new_user})
    assert answer["sip_settings"]["user"] == new_user

    stack.wait_for_state("sip_user", new_user)

    def fired() -> dict[str, Any] | None:
        state = stack.api.state(stack.entities["sip_settings"])
        return None if state["state"] in UNAVAILABLE_STATES else state

    # The event fires in the same refresh that updates the sensor.
    event: dict[str, Any] = stack.api.wait("the settings event", fired, timeout=REFRESH_SLACK)
    attributes = event["attributes"]
    assert attributes["event_type"] == "settings_changed"
    assert attributes["changed"] == ["user"]
    assert attributes["old"] == {"user": old_user}
    assert attributes["new"] == {"user": new_user}
    stack.facts["sip_user"] = new_user
    stack.facts["event_state"] = event["state"]


def test_registration_loss_turns_the_binary_sensor_off(stack: Stack) -> None:
    """The registration binary sensor follows the device's SIP registration both ways."""
    stack.simulator.control("registration", {"ok": False})
    try:
        stack.wait_for_state("sip_registered", "off")
        assert stack.api.state(stack.entities["registration_status"])["state"] == "failing"
    finally:
        stack.simulator.control("registration", {"ok": True})
    stack.wait_for_state("sip_registered", "on")
    # Registration is not a SIP setting: the event entity did not fire again.
    assert stack.api.state(stack.entities["sip_settings"])["state"] == stack.facts["event_state"]


def test_expired_tokens_leave_everything_available(stack: Stack) -> None:
    """A 401 on an expired token means one new login, not unavailable entities."""
    logins_before = stack.simulator.control("counters")["logins"]
    stack.simulator.control("expire_tokens", {})

    deadline = time.monotonic() + 2.5 * SCAN_INTERVAL
    observed = 0
    while time.monotonic() < deadline:
        states = stack.states()
        unavailable = {key for key, state in states.items() if state["state"] == "unavailable"}
        assert not unavailable, f"unavailable after token expiry: {sorted(unavailable)}"
        assert len(states) == len(stack.entities)
        observed += 1
        time.sleep(0.5)
    assert observed > 10

    counters = stack.simulator.control("counters")
    assert counters["logins"] == logins_before + 1
    assert counters["login_failures"] == 0
    assert stack.states()["sip_user"]["state"] == stack.facts["sip_user"]


def test_restart_brings_entry_and_entities_back(stack: Stack) -> None:
    """After a restart the entry loads again with the same entities and values."""
    entities_before = dict(stack.entities)
    assert stack.stop_hass() == 0

    api = stack.start_hass()
    (entry,) = api.config_entries()
    assert entry["entry_id"] == stack.facts["entry_id"]
    assert entry["state"] == "loaded"
    serial = stack.simulator.state()["serial"]
    registry = {
        entry["unique_id"].removeprefix(f"{serial}_"): entry["entity_id"]
        for entry in api.entity_registry()
        if entry["disabled_by"] is None
    }
    assert registry == entities_before

    stack.wait_for_state("sip_user", stack.facts["sip_user"], timeout=60)
    stack.wait_for_state("sip_registered", "on", timeout=60)
    # The event entity restores its last event and start-up is not a change.
    assert stack.api.state(stack.entities["sip_settings"])["state"] == stack.facts["event_state"]
    time.sleep(SCAN_INTERVAL + REFRESH_SLACK)
    assert stack.api.state(stack.entities["sip_settings"])["state"] == stack.facts["event_state"]


def test_brand_icon_is_served_from_the_integration(stack: Stack) -> None:
    """Home Assistant 2026.x serves brand images from custom_components/bas_ip/brand/."""
    version = stack.api.request("GET", "/api/config")["version"]
    try:
        body, content_type = http_request_bytes(
            "GET",
            f"{stack.api.url}/api/brands/integration/{DOMAIN}/icon.png?placeholder=no",
            token=stack.api.token,
        )
    except HttpError as err:
        if err.status == 404 and version.startswith("2025."):
            pytest.skip(f"Home Assistant {version} has no local brand images")
        raise
    assert content_type == "image/png"
    assert body == (INTEGRATION / "brand" / "icon.png").read_bytes()


def test_no_secret_in_any_log(stack: Stack) -> None:
    """Neither Home Assistant (integration at debug level) nor the simulator logged a secret."""
    # Home Assistant rotates home-assistant.log to .log.1 when it restarts.
    logs = [
        *stack.config_dir.glob("home-assistant.log*"),
        stack.directory / "hass.stdout.log",
        stack.directory / "simulator.log",
    ]
    text = "\n".join(path.read_text(errors="replace") for path in logs if path.exists())
    assert "custom_components.bas_ip" in text, "the integration's debug log is missing"
    leaked = sorted(secret for secret in SECRETS if secret in text)
    assert not leaked, f"{len(leaked)} secret(s) found in the logs"


def test_hass_log_has_no_integration_errors(stack: Stack) -> None:
    """No error from the integration, and no deprecation Home Assistant reports about it.

    Home Assistant's frame helper logs "Detected that custom integration
    'bas_ip' ..." for APIs that are deprecated or will stop working.
    """
    problems = [
        line
        for path in stack.config_dir.glob("home-assistant.log*")
        for line in path.read_text(errors="replace").splitlines()
        if ("custom_components.bas_ip" in line and (" ERROR " in line or " CRITICAL " in line))
        or f"custom integration '{DOMAIN}'" in line
    ]
    assert not problems, "\n".join(problems[:5])
