"""Headless Chromium for the screenshots: one page, checks that name what was missing.

Playwright drives the Chromium binary it is given (Debian's ``chromium``); it
never downloads a browser. ``scripts/screenshots`` installs Playwright into
``.venv`` when it is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
import io
import logging
from pathlib import Path
import sys
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

__all__ = [
    "MAX_PNG_BYTES",
    "TIMEOUT_MS",
    "VIEWPORT",
    "Browser",
    "Page",
    "PlaywrightError",
    "SmokeTestFailure",
    "chromium_page",
    "save_optimised_png",
]

_LOGGER = logging.getLogger("screenshots")

VIEWPORT = {"width": 1280, "height": 800}
# Generous: a loaded 2-core machine renders Home Assistant's frontend slowly.
TIMEOUT_MS = 60_000
MAX_PNG_BYTES = 200 * 1024


class SmokeTestFailure(Exception):
    """A page did not show what it should."""


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

    def log_in(self, username: str, password: str) -> None:
        """Log in through Home Assistant's login page; the token lands in localStorage."""
        self.goto("/")
        page = self.page
        self.expect("the login page", lambda: page.wait_for_url("**/auth/authorize**"))
        self.expect(
            "the login form",
            lambda: page.get_by_role("textbox", name="Username").fill(username),
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
