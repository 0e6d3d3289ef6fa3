"""The pictures: each function opens one view, checks what it shows and takes its shot."""

from __future__ import annotations

import re
from typing import Any

from devtools.hass_runner import DOMAIN, SimulatorHandle
from devtools.stack import DEVICE_USERNAME

from .browser import VIEWPORT, Browser, SmokeTestFailure

# Deliberately wrong, for the error picture.
WRONG_PASSWORD = "not-the-password"


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


def media_browser(browser: Browser, intercom: str, expected: list[str]) -> None:
    """Capture Media → BAS-IP visitors → the intercom → today: its rings, pictures, outcomes."""
    page = browser.page
    browser.goto("/media-browser/browser")
    for folder in ("BAS-IP visitors", intercom):
        browser.expect(
            f"the media browser's {folder!r} folder",
            page.get_by_text(folder, exact=True).first.click,
        )
    browser.expect(
        "today's folder of the visitor history",
        page.get_by_text(re.compile(r"^\d{4}-\d{2}-\d{2}$")).first.click,
    )
    for ending in expected:
        # "14:03 — opened: Exit button, door 1": the time is the demo's.
        title = re.compile(rf"^\d\d:\d\d {re.escape(ending)}$")

        def shown(title: re.Pattern[str] = title) -> None:
            page.get_by_text(title).first.wait_for(state="visible")

        browser.expect(f"the visitor history's day does not show a ring titled '… {ending}'", shown)
    # Thumbnails come through the authenticated view: wait until they are drawn.
    browser.expect(
        "the rings' thumbnails",
        lambda: page.wait_for_function(
            """() => {
                const found = [];
                const walk = (root) => {
                    for (const el of root.querySelectorAll('*')) {
                        const image = getComputedStyle(el).backgroundImage || '';
                        if (image.includes('data:') || image.includes('blob:')) found.push(el);
                        if (el.shadowRoot) walk(el.shadowRoot);
                    }
                };
                walk(document);
                return found.length >= 1;
            }"""
        ),
    )
    page.mouse.move(0, 0)  # no tooltip over a picture
    page.wait_for_timeout(500)
    browser.shot("media_browser")


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
