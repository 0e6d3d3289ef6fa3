"""A real Home Assistant driven over HTTP, exactly as its frontend does it.

The onboarding and auth REST endpoints, then the config-flow and options-flow
REST endpoints. Besides the standard library only aiohttp (which Home
Assistant ships) is used, for the one websocket command the REST API lacks
(the entity registry).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
import json
from typing import Any

from .processes import LOCALHOST, HttpError, http_request, wait_for

DOMAIN = "bas_ip"


class HomeAssistantClient:
    """The REST calls the frontend makes, as a small synchronous client."""

    def __init__(self, port: int, *, alive: Callable[[], None] | None = None) -> None:
        """Talk to Home Assistant on 127.0.0.1:``port``."""
        self.url = f"http://{LOCALHOST}:{port}"
        self.client_id = f"{self.url}/"
        self.token: str | None = None
        self._alive = alive

    # -- plumbing

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send an authenticated request to ``path``."""
        return http_request(method, f"{self.url}{path}", token=self.token, **kwargs)

    def wait(self, what: str, check: Callable[[], Any], *, timeout: float) -> Any:
        """``wait_for`` that also fails fast when the hass process died."""
        return wait_for(what, check, timeout=timeout, alive=self._alive)

    # -- start-up, onboarding and login

    def wait_until_reachable(self, timeout: float = 180.0) -> None:
        """Wait until the HTTP server answers (the onboarding view needs no login).

        The server starts once the integrations are set up; from then on the
        onboarding view answers, or 404 when onboarding is complete.
        """
        self.wait("Home Assistant's HTTP server", self.onboarding_done_or_pending, timeout=timeout)

    def onboarding_done_or_pending(self) -> bool:
        """Return True as soon as the onboarding view gives a definite answer."""
        self.onboarding_done()
        return True

    def onboarding_done(self) -> bool:
        """Whether the owner account exists (the onboarding views are gone when all is done)."""
        try:
            steps = http_request("GET", f"{self.url}/api/onboarding", timeout=5)
        except HttpError as err:
            if err.status == 404:
                return True
            raise
        return all(step["done"] for step in steps if step["step"] == "user")

    def onboard(self, *, name: str, username: str, password: str) -> None:
        """Create the owner account and finish the onboarding steps as the frontend does."""
        answer = http_request(
            "POST",
            f"{self.url}/api/onboarding/users",
            json_body={
                "client_id": self.client_id,
                "name": name,
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        self._exchange_code(answer["auth_code"])
        steps = {step["step"]: step["done"] for step in self.request("GET", "/api/onboarding")}
        if not steps.get("core_config", True):
            self.request("POST", "/api/onboarding/core_config", json_body={})
        if not steps.get("analytics", True):
            self.request("POST", "/api/onboarding/analytics", json_body={})
        if not steps.get("integration", True):
            self.request(
                "POST",
                "/api/onboarding/integration",
                json_body={
                    "client_id": self.client_id,
                    "redirect_uri": f"{self.url}/?auth_callback=1",
                },
            )

    def login(self, *, username: str, password: str) -> None:
        """Log in through the login flow of the local user store."""
        flow = http_request(
            "POST",
            f"{self.url}/auth/login_flow",
            json_body={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.url}/?auth_callback=1",
            },
        )
        result = http_request(
            "POST",
            f"{self.url}/auth/login_flow/{flow['flow_id']}",
            json_body={"client_id": self.client_id, "username": username, "password": password},
        )
        if result.get("type") != "create_entry":
            raise RuntimeError(f"login as {username!r} failed: {result.get('errors')}")
        self._exchange_code(result["result"])

    def onboard_or_login(self, *, name: str, username: str, password: str) -> bool:
        """Onboard a fresh instance or log in to an onboarded one; True when onboarded now."""
        if self.onboarding_done():
            self.login(username=username, password=password)
            return False
        self.onboard(name=name, username=username, password=password)
        return True

    def _exchange_code(self, code: str) -> None:
        tokens = http_request(
            "POST",
            f"{self.url}/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        )
        self.token = tokens["access_token"]

    def wait_until_running(self, timeout: float = 180.0) -> None:
        """Wait until Home Assistant reports the RUNNING state."""
        self.wait(
            "Home Assistant to finish starting",
            lambda: self.request("GET", "/api/config").get("state") == "RUNNING",
            timeout=timeout,
        )

    # -- config entries and flows

    def config_entries(self, domain: str = DOMAIN) -> list[dict[str, Any]]:
        """List the config entries of ``domain``."""
        entries: list[dict[str, Any]] = self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    def config_flow(self, handler: str, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Start a config flow and submit ``user_input`` to its first form, as the UI does.

        Only fields the form asks for are sent; the rest keep their defaults.
        Returns the flow's final answer (``create_entry``, ``abort`` or a form
        with errors).
        """
        form = self.request(
            "POST",
            "/api/config/config_entries/flow",
            json_body={"handler": handler, "show_advanced_options": False},
        )
        return self._submit(form, user_input, "/api/config/config_entries/flow")

    def options_flow(self, entry_id: str, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Open the options of ``entry_id`` and submit ``user_input``."""
        form = self.request(
            "POST",
            "/api/config/config_entries/options/flow",
            json_body={"handler": entry_id, "show_advanced_options": False},
        )
        return self._submit(form, user_input, "/api/config/config_entries/options/flow")

    def _submit(
        self, form: dict[str, Any], user_input: Mapping[str, Any], base: str
    ) -> dict[str, Any]:
        if form.get("type") != "form":
            return form
        fields = {item["name"] for item in form.get("data_schema", [])}
        unknown = set(user_input) - fields
        if unknown:
            raise KeyError(f"the {form.get('step_id')} form has no field(s) {sorted(unknown)}")
        answer: dict[str, Any] = self.request(
            "POST", f"{base}/{form['flow_id']}", json_body=dict(user_input)
        )
        return answer

    # -- states

    def integration_entities(self, domain: str = DOMAIN) -> list[str]:
        """Entity ids the integration registered (via the template API)."""
        rendered = self.request(
            "POST",
            "/api/template",
            json_body={"template": f"{{{{ integration_entities('{domain}') | tojson }}}}"},
        )
        entity_ids: list[str] = json.loads(rendered)
        return sorted(entity_ids)

    def states(self, entity_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Read the current state objects of ``entity_ids`` (missing ones are left out)."""
        wanted = set(entity_ids)
        return {
            state["entity_id"]: state
            for state in self.request("GET", "/api/states")
            if state["entity_id"] in wanted
        }

    def entity_registry(self, platform: str = DOMAIN) -> list[dict[str, Any]]:
        """Entity registry entries of ``platform`` (websocket ``config/entity_registry/list``)."""
        entries = asyncio.run(self.websocket_command({"type": "config/entity_registry/list"}))
        return [entry for entry in entries if entry["platform"] == platform]

    async def websocket_command(self, message: Mapping[str, Any]) -> Any:
        """Send one command over the websocket API, as the frontend does; return its result."""
        import aiohttp  # noqa: PLC0415 - only needed here; ships with Home Assistant

        async with (
            asyncio.timeout(30),
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{self.url}/api/websocket") as ws,
        ):
            greeting = await ws.receive_json()
            if greeting.get("type") != "auth_required":
                raise RuntimeError(f"unexpected websocket greeting: {greeting}")
            await ws.send_json({"type": "auth", "access_token": self.token})
            auth = await ws.receive_json()
            if auth.get("type") != "auth_ok":
                raise RuntimeError(f"websocket authentication failed: {auth.get('type')}")
            await ws.send_json({"id": 1, **message})
            answer = await ws.receive_json()
        if not answer.get("success"):
            raise RuntimeError(f"{message.get('type')} failed: {answer.get('error')}")
        return answer["result"]

    def state(self, entity_id: str) -> dict[str, Any]:
        """One state object."""
        state: dict[str, Any] = self.request("GET", f"/api/states/{entity_id}")
        return state
