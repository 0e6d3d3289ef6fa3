"""The one-command demo behind ``scripts/develop``.

Starts the BAS-IP device simulator and a real Home Assistant (configuration in
``config/``, git-ignored), onboards Home Assistant with a ``demo`` owner,
adds the simulated intercom through the config-flow REST API exactly as the
UI would, waits for the entities to show values and prints what to look at.
Running it again reuses ``config/``, the owner and the config entry. Ctrl-C
stops both processes. The start-up is ``devtools/stack.py``'s ``DemoStack``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import logging
from pathlib import Path
import signal
import sys
import time
from types import FrameType

from devtools.hass_runner import DOMAIN, REPO_ROOT
from devtools.stack import (
    DEMO_SCAN_INTERVAL,
    DEVICE_PASSWORD,
    DEVICE_USERNAME,
    DemoStack,
)

_LOGGER = logging.getLogger("demo")


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


def banner(stack: DemoStack) -> str:
    """Write what to open and what to try."""
    client, simulator, states = stack.api, stack.simulator, stack.initial_states
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
            f"  Login          : {stack.owner.username} / {stack.owner.password}",
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
            f"  Logs: {stack.config_dir / 'home-assistant.log'} (integration at debug level),",
            f"        {stack.log_dir / 'simulator.log'}",
            "",
            "  Press Ctrl-C to stop Home Assistant and the simulator.",
            "=" * 78,
        ]
    )


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopDemo


def run(args: argparse.Namespace) -> int:
    """Start, set up, print, then wait for Ctrl-C."""
    stack = DemoStack(
        args.config_dir.resolve(),
        ha_port=args.ha_port,
        simulator_port=args.simulator_port,
        profile=args.profile,
    )
    # Ctrl-C and SIGTERM both end the demo cleanly, even when started from a
    # shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        stack.start()
        print(banner(stack), flush=True)
        if args.setup_only:
            return 0
        while True:
            stack.ensure_running()
            time.sleep(1)
    except (KeyboardInterrupt, StopDemo):
        print("\nStopping…", flush=True)
        return 0
    except (RuntimeError, TimeoutError, OSError) as err:
        _LOGGER.error("%s", err)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m scripts.demo``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
