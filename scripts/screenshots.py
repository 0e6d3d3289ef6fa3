"""The README's screenshots, taken from the demo in headless Chromium (``scripts/screenshots``).

Starts the device simulator and a real Home Assistant on free ports with a
fresh configuration in a temporary directory (never ``config/``), set up as
``scripts/develop`` does it (the same ``DemoStack`` of ``devtools/stack.py``),
logs in as the demo owner through Home Assistant's login page and saves one
optimised PNG per view to ``docs/images/`` (the browser is in
``screens/browser.py``, the views in ``screens/pages.py``):

- ``device.png``: the device page with all entities (after a ring, so the
  doorbell and the last-visitor image have something to show);
- ``config_flow.png``: the "Add integration" form of BAS-IP;
- ``config_flow_wrong_password.png``: the same form after submitting the
  simulator's address with a wrong password, the error on the password field;
- ``doorbell_event.png``: the doorbell entity after a ring injected through
  the simulator's control API;
- ``camera.png``: the camera entity showing the simulator's snapshot;
- ``options.png``: the options form;
- ``media_browser.png``: Media → BAS-IP visitors → the panel → today, after a
  ring the exit button answered and a second ring (titles and thumbnails).

It is a smoke test of the UI at the same time: every check names the page and
what it did not show. The new pictures replace the old ones only when every
check passed; on failure they, a screenshot of the failing page and the logs
stay in the temporary directory, whose path is printed. Everything started is
stopped at the end, also on failure and on Ctrl-C.

Playwright drives the Chromium binary given with ``--chromium`` (Debian's
``chromium``); it never downloads a browser.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import json
import logging
from pathlib import Path
import shutil
import signal
import sys
import tempfile
import time
from types import FrameType
from typing import Any

from devtools.hass_runner import DOMAIN, REPO_ROOT, HomeAssistantClient, SimulatorHandle
from devtools.stack import DemoStack

from .demo import StopDemo
from .screens.browser import Browser, PlaywrightError, SmokeTestFailure, chromium_page
from .screens.pages import (
    camera_dialog,
    config_flow_forms,
    device_page,
    doorbell_dialog,
    media_browser,
    options_form,
)

_LOGGER = logging.getLogger("screenshots")

PROFILE = "camdroid_panel"
# Seconds between the two rings of the visitor history's picture: the
# exit button's event is read (2 s polls) and the second ring is a new visit.
VISITOR_SETTLE = 5
# Integrations that onboarding adds and that cannot set up offline; their
# "Failed to set up" cards would sit behind the flow dialogs.
ONBOARDING_LEFTOVERS = ("google_translate", "met", "radio_browser")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command line of scripts/screenshots."""
    parser = argparse.ArgumentParser(
        prog="scripts/screenshots",
        description="Take the README's screenshots from the demo in headless Chromium "
        "(and check that the UI shows the integration's entities and errors).",
    )
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium"),
        help="Chromium binary Playwright drives (default: chromium on the PATH)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / "docs" / "images",
        help="where the PNGs go (default: docs/images)",
    )
    args = parser.parse_args(argv)
    if not args.chromium:
        parser.error("no chromium on the PATH: install Debian's chromium or pass --chromium PATH")
    return args


def remove_onboarding_leftovers(client: HomeAssistantClient) -> None:
    """Delete the entries onboarding added that cannot work offline."""
    for domain in ONBOARDING_LEFTOVERS:
        for entry in client.config_entries(domain):
            client.request("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")


def template(client: HomeAssistantClient, text: str) -> str:
    """Render a template in Home Assistant."""
    rendered: str = client.request("POST", "/api/template", json_body={"template": text})
    return rendered.strip()


def ring(client: HomeAssistantClient, simulator: SimulatorHandle, doorbell: str) -> None:
    """Ring through the simulator and wait until Home Assistant shows the event."""
    before = client.state(doorbell)["state"]
    simulator.control("ring", {"number": "101"})

    def rang() -> bool:
        state = client.state(doorbell)
        return bool(state["state"] != before and state["attributes"].get("event_type") == "ring")

    client.wait("the doorbell entity to show the ring", rang, timeout=60)


def entity_names(client: HomeAssistantClient, states: dict[str, Any], device_id: str) -> list[str]:
    """List the names the device page shows: friendly names without the device name."""
    device_name = template(client, f"{{{{ device_attr('{device_id}', 'name') }}}}")
    names = []
    for state in states.values():
        friendly: str = state["attributes"].get("friendly_name", "")
        names.append(friendly.removeprefix(device_name).strip() or friendly)
    return sorted(set(names))


def take_screenshots(args: argparse.Namespace, workdir: Path, stack: DemoStack) -> list[Path]:
    """Every picture, in an order that keeps each one tidy."""
    client, simulator, states = stack.api, stack.simulator, stack.initial_states
    camera = next((e for e in states if e.startswith("camera.")), None)
    doorbell = next(
        (
            entity_id
            for entity_id, state in states.items()
            if entity_id.startswith("event.")
            and state["attributes"].get("device_class") == "doorbell"
        ),
        None,
    )
    if camera is None or doorbell is None:
        raise SmokeTestFailure(
            f"the {PROFILE} device has no camera or doorbell entity: {sorted(states)}"
        )
    device_id = template(client, f"{{{{ device_id('{camera}') }}}}")
    names = entity_names(client, states, device_id)
    for required in ("Doorbell", "Open door", "Camera"):
        if required not in names:
            raise SmokeTestFailure(f"no entity named {required!r}; the entities are {names}")
    translations = json.loads(
        (REPO_ROOT / "custom_components" / DOMAIN / "translations" / "en.json").read_text()
    )
    wrong_password_error: str = translations["config"]["error"]["invalid_auth"]

    # The ring first: the device page then shows it and the last visitor's snapshot.
    # A door opened by the exit button after it: the visitor history's outcome.
    ring(client, simulator, doorbell)
    simulator.control("access", {"kind": "exit_button"})
    time.sleep(VISITOR_SETTLE)
    ring(client, simulator, doorbell)
    visits = ["— ring", "— opened: Exit button, door 1"]
    device_name = template(client, f"{{{{ device_attr('{device_id}', 'name') }}}}")
    with chromium_page(args.chromium) as page:
        browser = Browser(page, client.url, workdir)
        owner = stack.owner
        _LOGGER.info("Logging in as %r in headless Chromium (%s)", owner.username, args.chromium)
        browser.log_in(owner.username, owner.password)
        device_page(browser, device_id, names)
        doorbell_dialog(browser, doorbell)
        camera_dialog(browser, simulator, camera)
        media_browser(browser, device_name, visits)
        options_form(browser)
        # Last: the failed sign-in it causes is a device event on the device page.
        config_flow_forms(browser, simulator, wrong_password_error)
        return browser.shots


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopDemo


def run(args: argparse.Namespace) -> int:
    """Start the demo, take the pictures, stop everything; 0 when every check passed."""
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="bas_ip-screenshots-"))
    stack = DemoStack(workdir / "config", log_dir=workdir, profile=PROFILE)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_stop)
    ok = False
    try:
        stack.start()
        remove_onboarding_leftovers(stack.api)
        shots = take_screenshots(args, workdir, stack)
        args.output.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copyfile(shot, args.output / shot.name)
        ok = True
        lines = [
            f"  {args.output / shot.name}  {shot.stat().st_size // 1024} KiB" for shot in shots
        ]
        print(
            f"\n{len(shots)} screenshots in {time.monotonic() - started:.0f} s:\n"
            + "\n".join(lines),
            flush=True,
        )
        return 0
    except (KeyboardInterrupt, StopDemo):
        # Ctrl-C reaches Playwright's driver too; its "connection closed"
        # future is reported by asyncio at exit. Expected here, so muted.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        print("\nStopped; no picture was replaced.", flush=True)
        return 130
    except SmokeTestFailure as err:
        _LOGGER.error("UI check failed: %s", err)
        return 1
    except (RuntimeError, TimeoutError, OSError, PlaywrightError) as err:
        _LOGGER.error("%s", err)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Logs and pictures of this run are kept in {workdir}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m scripts.screenshots``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
