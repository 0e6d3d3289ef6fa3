"""The README's screenshots, taken from the demo in headless Chromium (``scripts/screenshots``).

Starts the device simulator and a real Home Assistant on free ports with a
fresh configuration in a temporary directory (never ``config/``), set up as
``scripts/develop`` does it (the same functions of ``demo.py`` and
``devtools/hass_runner.py``), logs in as the demo owner through Home Assistant's login
page and saves one optimised PNG per view to ``docs/images/``:

- ``device.png``: the device page with all entities (after a ring, so the
  doorbell and the last-visitor image have something to show);
- ``config_flow.png``: the "Add integration" form of BAS-IP;
- ``config_flow_wrong_password.png``: the same form after submitting the
  simulator's address with a wrong password, the error on the password field;
- ``doorbell_event.png``: the doorbell entity after a ring injected through
  the simulator's control API;
- ``camera.png``: the camera entity showing the simulator's snapshot;
- ``options.png``: the options form.

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
from collections.abc import Callable, Iterator, Sequence
import contextlib
import io
import json
import logging
from pathlib import Path
import re
import shutil
import signal
import sys
import tempfile
import time
from types import FrameType
from typing import Any

from PIL import Image

try:
    from playwright.sync_api import (
        Error as PlaywrightError,
        Page,
        TimeoutError as PlaywrightTimeoutError,
        sync_playwright,
    )
except ImportError:  # pragma: no cover - scripts/screenshots installs it
    sys.exit("playwright is not installed in this venv: run scripts/screenshots, which installs it")

from devtools.hass_runner import (
    DOMAIN,
    REPO_ROOT,
    HomeAssistantClient,
    ManagedProcess,
    SimulatorHandle,
    free_port,
    start_hass,
    start_simulator,
    write_hass_config,
)

from .demo import (
    DEMO_USER,
    DEVICE_PASSWORD,
    DEVICE_USERNAME,
    StopDemo,
    demo_password,
    ensure_entry,
    wait_for_values,
)

_LOGGER = logging.getLogger("screenshots")

PROFILE = "camdroid_panel"
VIEWPORT = {"width": 1280, "height": 800}
# Generous: a loaded 2-core machine renders Home Assistant's frontend slowly.
TIMEOUT_MS = 60_000
MAX_PNG_BYTES = 200 * 1024
# Deliberately wrong, for the error picture.
WRONG_PASSWORD = "not-the-password"
# Integrations that onboarding adds and that cannot set up offline; their
# "Failed to set up" cards would sit behind the flow dialogs.
ONBOARDING_LEFTOVERS = ("google_translate", "met", "radio_browser")


class SmokeTestFailure(Exception):
    """A page did not show what it should."""


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


# --- the demo ------------------------------------------------------------------


class Demo:
    """The simulator and Home Assistant of one run, set up like scripts/develop."""

    def __init__(self, workdir: Path) -> None:
        """Nothing runs yet; :meth:`start` starts both."""
        self.workdir = workdir
        self.config_dir = workdir / "config"
        self.processes: list[ManagedProcess] = []
        self.password = ""

    def start(self) -> tuple[HomeAssistantClient, SimulatorHandle, dict[str, Any]]:
        """Start, onboard, add the device; return the client, simulator and states."""
        ha_port = free_port()
        simulator_port = free_port()
        while simulator_port == ha_port:
            simulator_port = free_port()
        self.password = demo_password(self.config_dir)
        write_hass_config(self.config_dir, port=ha_port)
        _LOGGER.info("Starting the simulator (%s) on port %d", PROFILE, simulator_port)
        simulator = start_simulator(
            port=simulator_port,
            log_path=self.workdir / "simulator.log",
            profile=PROFILE,
            username=DEVICE_USERNAME,
            password=DEVICE_PASSWORD,
        )
        self.processes.append(simulator.process)
        _LOGGER.info("Starting Home Assistant on port %d in %s", ha_port, self.config_dir)
        hass = start_hass(self.config_dir, log_path=self.workdir / "hass.stdout.log")
        self.processes.append(hass)
        client = HomeAssistantClient(ha_port, alive=hass.ensure_running)
        client.wait_until_reachable()
        client.onboard_or_login(name="Demo", username=DEMO_USER, password=self.password)
        client.wait_until_running()
        remove_onboarding_leftovers(client)
        ensure_entry(client, simulator)
        states = wait_for_values(client)
        _LOGGER.info("Demo ready: %d entities with values", len(states))
        return client, simulator, states

    def stop(self) -> None:
        """Stop what :meth:`start` started, newest first."""
        for process in reversed(self.processes):
            code = process.stop()
            _LOGGER.info("%s stopped (exit code %s)", process.name, code)
        self.processes.clear()


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


# --- the browser ---------------------------------------------------------------


class Browser:
    """One headless Chromium page, with checks that say what was missing."""

    def __init__(self, page: Page, base_url: str, workdir: Path) -> None:
        """Drive ``page`` against Home Assistant at ``base_url``."""
        self.page = page
        self.base_url = base_url
        self.workdir = workdir
        self.shots: list[Path] = []

    def expect(self, what: str, action: Callable[[], object]) -> None:
        """Run a Playwright wait; on timeout fail with ``what`` and the page."""
        try:
            action()
        except PlaywrightError as err:
            failure = self.workdir / "failure.png"
            with contextlib.suppress(PlaywrightError):
                self.page.screenshot(path=str(failure))
            first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
            outcome = (
                f"not shown within {TIMEOUT_MS // 1000} s"
                if isinstance(err, PlaywrightTimeoutError)
                else "not found"
            )
            raise SmokeTestFailure(
                f"{what}: {outcome} on {self.page.url}\n"
                f"  ({first_line})\n  screenshot of the page: {failure}"
            ) from None

    def goto(self, path: str) -> None:
        """Open ``path`` of Home Assistant."""
        self.expect(f"page {path}", lambda: self.page.goto(f"{self.base_url}{path}"))

    def see_text(self, text: str, where: str, *, scope: Any = None) -> None:
        """Wait until ``text`` (the whole text of an element) is visible."""
        root = self.page if scope is None else scope
        self.expect(
            f"{where} does not show {text!r}",
            lambda: root.get_by_text(text, exact=True).first.wait_for(state="visible"),
        )

    def log_in(self, password: str) -> None:
        """Log in through Home Assistant's login page; the token lands in localStorage."""
        self.goto("/")
        page = self.page
        self.expect("the login page", lambda: page.wait_for_url("**/auth/authorize**"))
        self.expect(
            "the login form",
            lambda: page.get_by_role("textbox", name="Username").fill(DEMO_USER),
        )
        page.get_by_role("textbox", name="Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        self.expect(
            "the auth token in localStorage after logging in (is 'Keep me logged in' on?)",
            lambda: page.wait_for_function("() => localStorage.getItem('hassTokens') !== null"),
        )
        self.expect("the frontend", lambda: page.locator("home-assistant").wait_for())

    def shot(self, name: str) -> None:
        """Screenshot the viewport into the work directory (optimised later)."""
        # Let animations (dialogs opening, ripples) settle.
        self.page.wait_for_timeout(1000)
        path = self.workdir / "images" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        save_optimised_png(self.page.screenshot(animations="disabled"), path)
        self.shots.append(path)
        _LOGGER.info("Took %s (%d KiB)", path.name, path.stat().st_size // 1024)

    def open_more_info(self, entity_id: str) -> Any:
        """Open the more-info dialog of ``entity_id`` as a click on the entity does.

        The caller checks what the dialog shows.
        """
        self.page.evaluate(
            """(entityId) => document.querySelector('home-assistant').dispatchEvent(
                new CustomEvent('hass-more-info',
                                {detail: {entityId}, bubbles: true, composed: true}))""",
            entity_id,
        )
        return self.page.locator("ha-more-info-dialog")

    def close_dialog(self) -> None:
        """Close the open dialog (Escape) and wait until it is gone."""
        self.page.keyboard.press("Escape")
        self.page.wait_for_timeout(500)


def save_optimised_png(png: bytes, path: Path) -> None:
    """Save ``png`` with a 256-colour palette, optimised; fail if it is not small."""
    with Image.open(io.BytesIO(png)) as image:
        palette = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        palette.save(path, format="PNG", optimize=True)
    size = path.stat().st_size
    if size > MAX_PNG_BYTES:
        raise SmokeTestFailure(f"{path.name} is {size // 1024} KiB, over the 200 KiB limit")


@contextlib.contextmanager
def chromium_page(executable: str) -> Iterator[Page]:
    """Open a page of headless Chromium (the given binary, no download), 1280x800."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            context = browser.new_context(
                viewport={"width": VIEWPORT["width"], "height": VIEWPORT["height"]},
                locale="en-US",
                timezone_id="UTC",
                color_scheme="light",
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            yield context.new_page()
        finally:
            # The driver may be gone already (Ctrl-C reaches it too).
            with contextlib.suppress(PlaywrightError):
                browser.close()


# --- the pictures --------------------------------------------------------------


def field_errors(browser: Browser, flow: Any) -> dict[str, str]:
    """Per-field errors of the flow form: the error alert ``ha-form`` puts above a field."""
    errors: dict[str, str] = {}
    browser.expect("the form's fields", flow.locator("ha-form").first.wait_for)
    found = flow.locator("ha-form").first.evaluate(
        """(form) => {
            const root = form.shadowRoot && form.shadowRoot.querySelector('.root');
            const errors = {};
            let pending = null;
            for (const el of root ? root.children : []) {
                if (el.localName === 'ha-alert') {
                    // Field errors have own-margin; the form-wide (base) error has not.
                    pending = el.hasAttribute('own-margin') ? el.textContent.trim() : null;
                    if (!el.hasAttribute('own-margin')) errors['base'] = el.textContent.trim();
                    continue;
                }
                if (el.schema && el.schema.name && pending !== null) {
                    errors[el.schema.name] = pending;
                }
                pending = null;
            }
            return errors;
        }"""
    )
    if isinstance(found, dict):
        errors = {str(key): str(value) for key, value in found.items()}
    return errors


def device_page(browser: Browser, device_id: str, names: list[str]) -> None:
    """Capture the device page, tall enough to show every entity card."""
    page = browser.page
    browser.goto(f"/config/devices/device/{device_id}")
    for name in names:
        browser.see_text(name, "the device page")
    # Make the viewport as tall as the page's cards, so no entity is cut off.
    page.set_viewport_size({"width": VIEWPORT["width"], "height": 2400})
    page.wait_for_timeout(1500)
    bottoms = [
        box["y"] + box["height"]
        for card in page.locator("ha-device-entities-card, ha-device-info-card").all()
        if (box := card.bounding_box()) is not None
    ]
    height = max([VIEWPORT["height"], *(int(bottom) + 24 for bottom in bottoms)])
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    for name in names:
        browser.see_text(name, "the device page")
    browser.shot("device")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": VIEWPORT["height"]})


def doorbell_dialog(browser: Browser, doorbell: str) -> None:
    """Capture the doorbell's more-info dialog, showing the ring."""
    dialog = browser.open_more_info(doorbell)
    browser.see_text("Doorbell", "the doorbell's more-info dialog", scope=dialog)
    browser.see_text("Ring", "the doorbell's more-info dialog (the last event)", scope=dialog)
    browser.shot("doorbell_event")
    browser.close_dialog()


def camera_dialog(browser: Browser, simulator: SimulatorHandle, camera: str) -> None:
    """Capture the camera's more-info dialog with the simulator's snapshot loaded."""
    before = int(simulator.control("counters").get("snapshots", 0))
    dialog = browser.open_more_info(camera)
    image = dialog.locator("ha-camera-stream img, ha-camera-stream video").first
    browser.expect(
        "the camera picture in the camera's more-info dialog",
        lambda: browser.page.wait_for_function(
            """(el) => (el.naturalWidth || el.videoWidth || 0) > 0""",
            arg=image.element_handle(),
        ),
    )
    after = int(simulator.control("counters").get("snapshots", 0))
    if after <= before:
        raise SmokeTestFailure("the camera dialog shows a picture but the simulator served none")
    browser.shot("camera")
    browser.close_dialog()


def options_form(browser: Browser) -> None:
    """Capture the options form, opened with the entry's Configure button."""
    browser.goto(f"/config/integrations/integration/{DOMAIN}")
    page = browser.page
    browser.expect(
        "the integration page's Configure button",
        page.get_by_role("button", name="Configure").first.click,
    )
    flow = page.locator("dialog-data-entry-flow")
    browser.expect(
        "the options form's Polling interval field",
        lambda: flow.get_by_role("spinbutton", name=re.compile(r"^Polling interval")).wait_for(),
    )
    browser.see_text("Doorbell and access events", "the options form", scope=flow)
    browser.shot("options")
    browser.close_dialog()


def config_flow_forms(browser: Browser, simulator: SimulatorHandle, expected_error: str) -> None:
    """Capture the Add-integration form, then the same form with the wrong-password error."""
    page = browser.page
    browser.goto(f"/config/integrations/dashboard/add?domain={DOMAIN}")
    # Home Assistant asks first whether to set up the integration.
    browser.expect(
        "the 'Do you want to set up BAS-IP Intercom?' question",
        lambda: page.get_by_role("button", name="OK").click(),
    )
    flow = page.locator("dialog-data-entry-flow")
    host = flow.get_by_role("textbox", name="Host")
    browser.expect("the Add integration form's Host field", host.wait_for)
    for label in ("Username", "Password", "Use HTTPS"):
        browser.see_text(label, "the Add integration form", scope=flow)
    if errors := field_errors(browser, flow):
        raise SmokeTestFailure(f"the fresh Add integration form already shows errors: {errors}")
    browser.shot("config_flow")

    host.fill(simulator.address)
    flow.get_by_role("textbox", name="Username").fill(DEVICE_USERNAME)
    flow.get_by_role("textbox", name="Password").fill(WRONG_PASSWORD)
    flow.get_by_role("button", name="Submit").click()
    browser.see_text(expected_error, "the Add integration form after a wrong password", scope=flow)
    errors = field_errors(browser, flow)
    if errors != {"password": expected_error}:
        raise SmokeTestFailure(
            "after a wrong password the form should show its error on the password field "
            f"only; it shows {errors or 'no field error'}"
        )
    browser.shot("config_flow_wrong_password")
    browser.close_dialog()


def entity_names(client: HomeAssistantClient, states: dict[str, Any], device_id: str) -> list[str]:
    """List the names the device page shows: friendly names without the device name."""
    device_name = template(client, f"{{{{ device_attr('{device_id}', 'name') }}}}")
    names = []
    for state in states.values():
        friendly: str = state["attributes"].get("friendly_name", "")
        names.append(friendly.removeprefix(device_name).strip() or friendly)
    return sorted(set(names))


def take_screenshots(
    args: argparse.Namespace,
    workdir: Path,
    *,
    client: HomeAssistantClient,
    simulator: SimulatorHandle,
    states: dict[str, Any],
    password: str,
) -> list[Path]:
    """Every picture, in an order that keeps each one tidy."""
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
    ring(client, simulator, doorbell)
    with chromium_page(args.chromium) as page:
        browser = Browser(page, client.url, workdir)
        _LOGGER.info("Logging in as %r in headless Chromium (%s)", DEMO_USER, args.chromium)
        browser.log_in(password)
        device_page(browser, device_id, names)
        doorbell_dialog(browser, doorbell)
        camera_dialog(browser, simulator, camera)
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
    demo = Demo(workdir)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_stop)
    ok = False
    try:
        client, simulator, states = demo.start()
        shots = take_screenshots(
            args,
            workdir,
            client=client,
            simulator=simulator,
            states=states,
            password=demo.password,
        )
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
        demo.stop()
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
