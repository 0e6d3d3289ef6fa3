"""Error bodies in the two shapes BAS-IP families use, and JSON helpers.

Camdroid devices nest the error (``{"error": {"code": ..., "message": ...}}``),
Android devices answer it flat (``{"error": "Log In"}``). Some endpoints answer
flat on every family (the door sensor's "not activated", the emergency hold).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .profiles import ErrorStyle


def json_response(body: Any, status: int = 200) -> web.Response:
    """``body`` as an ``application/json`` answer."""
    return web.Response(
        body=json.dumps(body).encode(), status=status, content_type="application/json"
    )


def flat_error(status: int, message: str) -> web.Response:
    """``{"error": message}`` whatever the family's usual shape."""
    return json_response({"error": message}, status=status)


async def read_json(request: web.BaseRequest) -> tuple[Any, str | None]:
    """Read the body as JSON: ``(decoded body, None)`` or ``(None, reason it is not JSON)``."""
    raw = await request.read()
    try:
        return json.loads(raw), None
    except (ValueError, RecursionError):
        return None, "must be JSON"


class Errors:
    """The error answers of one family."""

    __slots__ = ("style",)

    def __init__(self, style: ErrorStyle) -> None:
        """Answer errors in ``style``."""
        self.style = style

    def error(
        self, status: int, code: str, message: str, data: dict[str, str] | None = None
    ) -> web.Response:
        """Build an error in the family's shape; ``data`` maps parameters to reasons."""
        if self.style is ErrorStyle.FLAT:
            body: dict[str, Any] = {"error": message}
            if data is not None:
                body["data"] = data
            return json_response(body, status=status)
        error: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            error["data"] = data
        return json_response({"error": error}, status=status)

    def not_valid(self, errors: dict[str, str]) -> web.Response:
        """400 ``not_valid`` naming each rejected parameter."""
        return self.error(400, "not_valid", "Data validation error", errors)

    def unauthorized(self) -> web.Response:
        """401: no valid token, or bad credentials."""
        return self.error(401, "invalid_authentication", "Log In")

    def permission_denied(self) -> web.Response:
        """403 ``permission_denied``."""
        return self.error(403, "permission_denied", "Permission denied")

    def not_found(self) -> web.Response:
        """404, as for a path the family does not have."""
        return self.error(404, "system_error", "Not Found")

    def method_not_allowed(self) -> web.Response:
        """405."""
        return self.error(405, "system_error", "Method Not Allowed")
