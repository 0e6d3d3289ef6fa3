"""Fixtures shared by every test: the device simulator and the secret guard.

The secret guard records every log record emitted during the whole run (the
integration, the client and the simulator log at DEBUG) and fails the session
if any of them contains a password, a password digest, a SIP password or a
token the simulator issued.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
import logging
from typing import Any

import pytest

from simulator import DeviceSimulator, Profile

from .const import PASSWORD, SECRETS, USERNAME

SimulatorFactory = Callable[..., Awaitable[DeviceSimulator]]

_WATCHED_LOGGERS = ("custom_components.bas_ip", "simulator", "homeassistant", "aiohttp")


class SecretGuard(logging.Handler):
    """Keeps every formatted record so the session can be searched for secrets."""

    def __init__(self) -> None:
        """Start with no records and only the statically known secrets."""
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []
        self.secrets: set[str] = set(SECRETS)

    def emit(self, record: logging.LogRecord) -> None:
        """Store the message and any traceback text of the record."""
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)

    def leaks(self) -> list[tuple[str, str]]:
        """Every (secret, record text) pair where the secret appears."""
        return [(secret, text) for text in self.texts for secret in self.secrets if secret in text]


SECRET_GUARD = SecretGuard()


@pytest.fixture(scope="session", autouse=True)
def secret_guard() -> Iterator[SecretGuard]:
    """Capture all logs of the session at DEBUG; fail if a secret was logged."""
    root = logging.getLogger()
    root.addHandler(SECRET_GUARD)
    levels = {}
    for name in _WATCHED_LOGGERS[:2]:
        logger = logging.getLogger(name)
        levels[name] = logger.level
        logger.setLevel(logging.DEBUG)
    yield SECRET_GUARD
    root.removeHandler(SECRET_GUARD)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    leaks = SECRET_GUARD.leaks()
    assert not leaks, f"{len(leaks)} log record(s) contain a secret; first: {leaks[0][1][:200]!r}"


@pytest.fixture
async def simulator_factory(socket_enabled: None) -> AsyncIterator[SimulatorFactory]:
    """Start simulators on 127.0.0.1; stop them and register their tokens at teardown.

    HA's test plugin blocks socket creation; ``socket_enabled`` lifts that for
    the test (connections stay limited to 127.0.0.1).
    """
    started: list[DeviceSimulator] = []

    async def _start(
        profile: Profile | str = Profile.CAMDROID_MONITOR, **kwargs: Any
    ) -> DeviceSimulator:
        kwargs.setdefault("username", USERNAME)
        kwargs.setdefault("password", PASSWORD)
        device = DeviceSimulator(profile, **kwargs)
        await device.start()
        started.append(device)
        return device

    yield _start
    for device in started:
        await device.stop()
        SECRET_GUARD.secrets.update(device.issued_tokens)


@pytest.fixture
def simulator_profile() -> Profile:
    """Profile of the ``simulator`` fixture; override or parametrize it."""
    return Profile.CAMDROID_MONITOR


@pytest.fixture
async def simulator(
    simulator_factory: SimulatorFactory, simulator_profile: Profile
) -> DeviceSimulator:
    """One running simulated device with the test credentials."""
    return await simulator_factory(simulator_profile)
