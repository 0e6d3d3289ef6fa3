"""Passwords, tokens and logins.

Logins compare MD5 digests of the password, as the device protocol does;
the plain passwords ever set are kept only so that :meth:`Auth.secrets` can
tell the log guard about them. A token lives ``token_lifetime`` seconds by
``clock`` and is forgotten when it expires, when the password changes and
when the device reboots.
"""

from __future__ import annotations

from collections.abc import Callable
import hashlib
from typing import Final
import uuid

# The factory password: six digits, which occur by chance in timestamps, so
# only its digest counts as a secret (as in tests/const.py).
FACTORY_PASSWORD: Final = "123456"


def md5_hex(password: str) -> str:
    """Compute the lower-case hex MD5 digest the device compares logins with."""
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


class Auth:
    """The device's account, the tokens it issued and its login counts."""

    __slots__ = (
        "_clock",
        "_expiry",
        "_password_md5",
        "_passwords",
        "issued_tokens",
        "login_failures",
        "logins",
        "token_lifetime",
        "username",
    )

    def __init__(
        self, clock: Callable[[], float], username: str, password: str, token_lifetime: float
    ) -> None:
        """One account ``username``/``password``; tokens live ``token_lifetime`` seconds."""
        self._clock = clock
        self.username = username
        self._passwords: set[str] = set()
        self._password_md5 = ""
        self._remember(password)
        self.token_lifetime = token_lifetime
        self.issued_tokens: list[str] = []
        self._expiry: dict[str, float] = {}
        self.logins = 0
        self.login_failures = 0

    def _remember(self, password: str) -> None:
        self._password_md5 = md5_hex(password)
        self._passwords.add(password)

    def login(self, username: str | None, digest: str | None) -> str | None:
        """Issue a fresh token for good credentials (counted), else ``None`` (counted as failed)."""
        if username != self.username or digest is None or digest.lower() != self._password_md5:
            self.login_failures += 1
            return None
        token = str(uuid.uuid4())
        self._expiry[token] = self._clock() + self.token_lifetime
        self.issued_tokens.append(token)
        self.logins += 1
        return token

    def revoke(self, token: str) -> None:
        """Forget ``token`` (logout)."""
        self._expiry.pop(token, None)

    def valid(self, token: str | None) -> bool:
        """Whether ``token`` was issued and has not expired."""
        expiry = self._expiry.get(token) if token is not None else None
        return expiry is not None and self._clock() < expiry

    def expire_tokens(self) -> None:
        """Make every issued token answer 401 from now on."""
        self._expiry.clear()

    def set_password(self, password: str) -> None:
        """Change the password; the old one stops working and every token expires."""
        self._remember(password)
        self.expire_tokens()

    def reset_counters(self) -> None:
        """Zero the login counts."""
        self.logins = 0
        self.login_failures = 0

    def secrets(self) -> set[str]:
        """Passwords ever set (not the factory one in plain text), their digests, tokens."""
        digests = {md5_hex(password) for password in self._passwords}
        found = (self._passwords - {FACTORY_PASSWORD}) | digests | {d.upper() for d in digests}
        found.update(self.issued_tokens)
        return found
