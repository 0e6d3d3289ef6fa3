"""The device simulator and a real Home Assistant, set up the way a user sets them up.

One start-up for the demo (``scripts/develop``), the screenshots and the
end-to-end test. :class:`DemoStack` writes the configuration, starts the
simulator (or adopts one already running), starts Home Assistant, onboards it
with an owner (or logs in as that owner when it is onboarded already), adds
the simulated intercom through the config-flow REST API with a 10 s polling
interval and waits until the entities show values. Leaving its ``with`` block,
or :meth:`DemoStack.stop`, stops everything it started, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import logging
from pathlib import Path
import secrets
from types import TracebackType
from typing import Any, Self

from .hass_runner import (
    DOMAIN,
    UNAVAILABLE_STATES,
    HomeAssistantClient,
    ManagedProcess,
    Process,
    SimulatorHandle,
    free_port,
    start_hass,
    start_simulator,
    write_hass_config,
)

_LOGGER = logging.getLogger(__name__)

DEMO_USER = "demo"
DEVICE_USERNAME = "admin"
# The factory password of BAS-IP devices; the simulator starts with it.
DEVICE_PASSWORD = "123456"
DEMO_SCAN_INTERVAL = 10
LOGIN_FILE = ".demo-login.json"
# Events, buttons and the last-visitor image stay "unknown" until something happens.
STATELESS_DOMAINS = ("event.", "button.", "image.")


@dataclass(frozen=True)
class Owner:
    """The account onboarding creates, and that later starts log in as."""

    name: str
    username: str
    password: str


def demo_password(config_dir: Path) -> str:
    """Get the demo owner's password: generated on the first run, then read back."""
    path = config_dir / LOGIN_FILE
    if path.exists():
        password: str = json.loads(path.read_text())["password"]
        return password
    password = secrets.token_urlsafe(9)
    config_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"username": DEMO_USER, "password": password}) + "\n")
    path.chmod(0o600)
    return password


def wait_for_values(client: HomeAssistantClient, timeout: float = 120.0) -> dict[str, Any]:
    """Wait until every sensor-like entity of the integration has a value; return the states."""

    def ready() -> dict[str, Any] | None:
        entity_ids = client.integration_entities()
        if not entity_ids:
            return None
        states = client.states(entity_ids)
        pending = [
            entity_id
            for entity_id, state in states.items()
            if not entity_id.startswith(STATELESS_DOMAINS) and state["state"] in UNAVAILABLE_STATES
        ]
        # Entities disabled by default have no state and are not waited for.
        return None if pending or not states else states

    states: dict[str, Any] = client.wait("the entities to show values", ready, timeout=timeout)
    return states


class DemoStack:
    """A simulated intercom and a real Home Assistant with the integration set up.

    ``with DemoStack(config_dir) as stack:`` starts and sets up everything;
    :meth:`start` and :meth:`stop` do the same for callers that must handle
    signals in between. Ports left out are free ones. Without ``owner`` the
    demo owner logs in, with the password kept in ``config_dir`` (see
    :func:`demo_password`). ``simulator`` adopts a running simulator (stopped
    with the stack); otherwise one of ``profile`` is started with the device
    credentials. ``add_entry=False`` stops after onboarding: the caller adds
    the entry itself.
    """

    def __init__(
        self,
        config_dir: Path,
        *,
        log_dir: Path | None = None,
        ha_port: int | None = None,
        simulator_port: int | None = None,
        simulator: SimulatorHandle | None = None,
        profile: str = "camdroid_panel",
        owner: Owner | None = None,
        title: str = "BAS-IP demo",
        add_entry: bool = True,
        start_timeout: float = 180.0,
        stop_timeout: float = 30.0,
    ) -> None:
        """Choose the ports and the owner; nothing runs before :meth:`start`."""
        self.config_dir = config_dir
        self.log_dir = log_dir or config_dir
        self.ha_port = ha_port or free_port()
        self.profile = profile
        self.owner = owner or Owner("Demo", DEMO_USER, demo_password(config_dir))
        self.title = title
        self.add_entry = add_entry
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.processes: list[Process] = []
        self.hass: ManagedProcess | None = None
        self.client: HomeAssistantClient | None = None
        self.initial_states: dict[str, Any] = {}
        self._simulator = simulator
        if simulator is not None:
            self.processes.append(simulator.process)
            self.simulator_port = simulator.port
        else:
            self.simulator_port = simulator_port or free_port()
            while simulator_port is None and self.simulator_port == self.ha_port:
                self.simulator_port = free_port()

    @property
    def simulator(self) -> SimulatorHandle:
        """The simulated intercom."""
        assert self._simulator is not None, "the simulator is not running"
        return self._simulator

    @property
    def api(self) -> HomeAssistantClient:
        """The logged-in client of the running Home Assistant."""
        assert self.client is not None, "Home Assistant is not running"
        return self.client

    def __enter__(self) -> Self:
        """Start everything; on failure stop what did start."""
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop everything, newest first."""
        self.stop()

    def start(self) -> Self:
        """Start the simulator and Home Assistant, onboard, add the entry, wait for values."""
        write_hass_config(self.config_dir, port=self.ha_port, name=self.title)
        if self._simulator is None:
            _LOGGER.info(
                "Starting the simulator (%s) on port %d", self.profile, self.simulator_port
            )
            self._simulator = start_simulator(
                port=self.simulator_port,
                log_path=self.log_dir / "simulator.log",
                profile=self.profile,
                username=DEVICE_USERNAME,
                password=DEVICE_PASSWORD,
            )
            self.processes.append(self._simulator.process)
        self.start_hass()
        if self.add_entry:
            self.ensure_entry()
            self.initial_states = wait_for_values(self.api)
            _LOGGER.info("Ready: %d entities with values", len(self.initial_states))
        return self

    def start_hass(self) -> HomeAssistantClient:
        """Start Home Assistant, wait for it and log in (onboarding on the first start)."""
        _LOGGER.info(
            "Starting Home Assistant on port %d in %s (the first start takes a while)",
            self.ha_port,
            self.config_dir,
        )
        self.hass = start_hass(self.config_dir, log_path=self.log_dir / "hass.stdout.log")
        self.processes.append(self.hass)
        client = HomeAssistantClient(self.ha_port, alive=self.hass.ensure_running)
        client.wait_until_reachable(timeout=self.start_timeout)
        owner = self.owner
        if client.onboard_or_login(
            name=owner.name, username=owner.username, password=owner.password
        ):
            _LOGGER.info("Onboarded Home Assistant with the owner %r", owner.username)
        client.wait_until_running(timeout=self.start_timeout)
        self.client = client
        return client

    def ensure_entry(self) -> dict[str, Any]:
        """Return the integration's config entry, adding the device when there is none."""
        client = self.api
        for entry in client.config_entries():
            _LOGGER.info("Reusing config entry %r (%s)", entry["title"], entry["state"])
            return entry
        address = self.simulator.address
        _LOGGER.info("Adding the simulated intercom at %s through the config flow", address)
        result = client.config_flow(
            DOMAIN, {"host": address, "username": DEVICE_USERNAME, "password": DEVICE_PASSWORD}
        )
        if result.get("type") != "create_entry":
            raise RuntimeError(f"the config flow did not create an entry: {result}")
        entry_id = result["result"]["entry_id"]
        options = client.options_flow(entry_id, {"scan_interval": DEMO_SCAN_INTERVAL})
        if options.get("type") != "create_entry":
            raise RuntimeError(f"setting the polling interval failed: {options}")
        return client.config_entries()[0]

    def ensure_running(self) -> None:
        """Raise (with the log's tail) when a process has stopped by itself."""
        for process in self.processes:
            process.ensure_running()

    def stop_hass(self) -> int | None:
        """Stop Home Assistant only (SIGTERM, then SIGKILL after ``stop_timeout``)."""
        hass, self.hass, self.client = self.hass, None, None
        if hass is None:
            return None
        self.processes.remove(hass)
        return self._stop(hass)

    def stop(self) -> None:
        """Stop everything that was started (or adopted), newest first."""
        while self.processes:
            self._stop(self.processes.pop())
        self.hass = None
        self.client = None

    def _stop(self, process: Process) -> int | None:
        code = process.stop(self.stop_timeout)
        _LOGGER.info("%s stopped (exit code %s)", process.name, code)
        return code
