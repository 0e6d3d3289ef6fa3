"""The one-command demo behind ``scripts/develop``.

Starts the BAS-IP device simulator and a real Home Assistant (configuration in
``config/``, git-ignored), onboards Home Assistant with a ``demo`` owner,
adds the simulated intercom through the config-flow REST API exactly as the
UI would, waits for the entities to show values and prints what to look at.
Running it again reuses ``config/``, the owner and the config entry. Ctrl-C
stops both processes.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import json
import logging
from pathlib import Path
import secrets
import signal
import sys
import time
from types import FrameType
from typing import Any

from devtools.hass_runner import (
    DOMAIN,
    REPO_ROOT,
    UNAVAILABLE_STATES,
    HomeAssistantClient,
    ManagedProcess,
    SimulatorHandle,
    start_hass,
    start_simulator,
    write_hass_config,
)

_LOGGER = logging.getLogger("demo")

DEMO_USER = "demo"
DEVICE_USERNAME = "admin"
# The factory password of BAS-IP devices; the simulator starts with it.
DEVICE_PASSWORD = "123456"
DEMO_SCAN_INTERVAL = 10
LOGIN_FILE = ".demo-login.json"


class StopDemo(Exception):
    """Raised from the SIGTERM handler to leave the wait loop."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command line of scripts/develop."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Run the BAS-IP simulator and Home Assistant with the integration set up.",
    )
    parser.add_argument("--ha-port", type=int, default=8123, help="Home Assistant port")
    parser.add_argument("--simulator-port", type=int, default=8081, help="simulator port")
    parser.add_argument(
        "--profile",
        default="camdroid_panel",
        choices=["camdroid_panel", "camdroid_monitor", "android_panel"],
        help="device family the simulator plays",
    )
    parser.add_argument(
        "--config-dir", type=Path, default=REPO_ROOT / "config", help="Home Assistant config"
    )
    parser.add_argument(
        "--setup-only",
        action="store_true",
        help="stop both processes once everything is set up (used to check the demo)",
    )
    return parser.parse_args(argv)


def demo_password(config_dir: Path) -> str:
    """Get the owner's password: generated on the first run, then read back."""
    path = config_dir / LOGIN_FILE
    if path.exists():
        password: str = json.loads(path.read_text())["password"]
        return password
    password = secrets.token_urlsafe(9)
    config_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"username": DEMO_USER, "password": password}) + "\n")
    path.chmod(0o600)
    return password


def ensure_entry(client: HomeAssistantClient, simulator: SimulatorHandle) -> dict[str, Any]:
    """Return the integration's config entry, adding the device when there is none."""
    for entry in client.config_entries():
        _LOGGER.info("Reusing config entry %r (%s)", entry["title"], entry["state"])
        return entry
    _LOGGER.info("Adding the simulated intercom at %s through the config flow", simulator.address)
    result = client.config_flow(
        DOMAIN,
        {"host": simulator.address, "username": DEVICE_USERNAME, "password": DEVICE_PASSWORD},
    )
    if result.get("type") != "create_entry":
        raise RuntimeError(f"the config flow did not create an entry: {result}")
    entry_id = result["result"]["entry_id"]
    options = client.options_flow(entry_id, {"scan_interval": DEMO_SCAN_INTERVAL})
    if options.get("type") != "create_entry":
        raise RuntimeError(f"setting the polling interval failed: {options}")
    return client.config_entries()[0]


STATELESS_DOMAINS = ("event.", "button.", "image.")


def wait_for_values(client: HomeAssistantClient, timeout: float = 120.0) -> dict[str, Any]:
    """Wait until every sensor-like entity of the integration has a value."""

    def ready() -> dict[str, Any] | None:
        entity_ids = client.integration_entities()
        if not entity_ids:
            return None
        states = client.states(entity_ids)
        pending = [
            entity_id
            for entity_id, state in states.items()
            # Events, buttons and the last-visitor image stay "unknown" until
            # something happens.
            if not entity_id.startswith(STATELESS_DOMAINS) and state["state"] in UNAVAILABLE_STATES
        ]
        # Entities disabled by default have no state and are not waited for.
        return None if pending or not states else states

    states: dict[str, Any] = client.wait("the entities to show values", ready, timeout=timeout)
    return states


def banner(
    client: HomeAssistantClient,
    simulator: SimulatorHandle,
    password: str,
    states: dict[str, Any],
    config_dir: Path,
) -> str:
    """Write what to open and what to try."""
    first = next(iter(states))
    device_id = client.request(
        "POST", "/api/template", json_body={"template": f"{{{{ device_id('{first}') }}}}"}
    )
    width = max(len(entity_id) for entity_id in states)
    entity_lines = [
        f"    {entity_id:<{width}}  {state['state']}"
        + (f" {unit}" if (unit := state["attributes"].get("unit_of_measurement")) else "")
        for entity_id, state in sorted(states.items())
    ]
    events = [
        entity_id
        for entity_id in states
        if entity_id.startswith("event.") and entity_id.endswith("_sip_settings")
    ]
    sip_user = simulator.state()["sip_settings"].get("user", "")
    new_user = "102" if sip_user != "102" else "103"
    return "\n".join(
        [
            "",
            "=" * 78,
            "BAS-IP demo is running.",
            "",
            f"  Home Assistant : {client.url}",
            f"  Login          : {DEMO_USER} / {password}",
            f"  Device page    : {client.url}/config/devices/device/{device_id}",
            f"  Integration    : {client.url}/config/integrations/integration/{DOMAIN}",
            f"  Simulator      : {simulator.url} (device login {DEVICE_USERNAME} / "
            f"{DEVICE_PASSWORD})",
            "",
            f"  Entities (polled every {DEMO_SCAN_INTERVAL} s):",
            *entity_lines,
            "",
            "  Change the SIP account on the simulated intercom and watch the SIP",
            f"  sensor and the event entity ({', '.join(events) or 'none'}) follow:",
            "",
            f"    curl -X POST {simulator.url}/_simulator/sip/settings "
            f"-H 'Content-Type: application/json' -d '{{\"user\":\"{new_user}\"}}'",
            "",
            "  Ring the doorbell, badge a card, open and close the door:",
            "",
            f"    curl -X POST {simulator.url}/_simulator/ring -d '{{}}'",
            f'    curl -X POST {simulator.url}/_simulator/access -d \'{{"kind":"card_granted"}}\'',
            f"    curl -X POST {simulator.url}/_simulator/door -d '{{\"open\":true}}'",
            "",
            "  More controls: curl " + simulator.url + "/_simulator/state  (see README.md)",
            "  Settings > Repairs warns that the device uses its factory password:",
            "  expected, the demo device does.",
            f"  Logs: {config_dir / 'home-assistant.log'} (integration at debug level),",
            f"        {config_dir / 'simulator.log'}",
            "",
            "  Press Ctrl-C to stop Home Assistant and the simulator.",
            "=" * 78,
        ]
    )


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopDemo


def run(args: argparse.Namespace) -> int:
    """Start, set up, print, then wait for Ctrl-C."""
    config_dir: Path = args.config_dir.resolve()
    password = demo_password(config_dir)
    write_hass_config(config_dir, port=args.ha_port)
    processes: list[ManagedProcess] = []
    # Ctrl-C and SIGTERM both end the demo cleanly, even when started from a
    # shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        _LOGGER.info("Starting the simulator (%s) on port %d", args.profile, args.simulator_port)
        simulator = start_simulator(
            port=args.simulator_port,
            log_path=config_dir / "simulator.log",
            profile=args.profile,
            username=DEVICE_USERNAME,
            password=DEVICE_PASSWORD,
        )
        processes.append(simulator.process)
        _LOGGER.info("Starting Home Assistant on port %d (first start takes a while)", args.ha_port)
        hass = start_hass(config_dir, log_path=config_dir / "hass.stdout.log")
        processes.append(hass)
        client = HomeAssistantClient(args.ha_port, alive=hass.ensure_running)
        client.wait_until_reachable()
        if client.onboard_or_login(name="Demo", username=DEMO_USER, password=password):
            _LOGGER.info("Onboarded Home Assistant with the owner %r", DEMO_USER)
        client.wait_until_running()
        ensure_entry(client, simulator)
        states = wait_for_values(client)
        print(banner(client, simulator, password, states, config_dir), flush=True)
        if args.setup_only:
            return 0
        while True:
            for process in processes:
                process.ensure_running()
            time.sleep(1)
    except (KeyboardInterrupt, StopDemo):
        print("\nStopping…", flush=True)
        return 0
    except (RuntimeError, TimeoutError, OSError) as err:
        _LOGGER.error("%s", err)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for process in reversed(processes):
            code = process.stop()
            _LOGGER.info("%s stopped (exit code %s)", process.name, code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m scripts.demo``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
