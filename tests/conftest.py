"""Fixtures shared by every test: the device simulator, its entry data and the secret guard.

The secret guard sets the root logger (and every logger with a level of its
own) to DEBUG for the whole session, records every log record with the test
that was running, and fails that test (and the session) if a record contains
a secret: a fixed one from ``tests.const.SECRETS``, one a test registered with
:func:`register_secret`, or one a simulator stores or issued (passwords, SIP
and RTSP passwords, tokens, card numbers and codes, learned from every
:class:`~simulator.DeviceSimulator` created in the process). Each plain secret
is also matched URL-encoded (``quote``/``quote_plus``), each token by its
first :data:`TOKEN_PREFIX` characters too. The failure names the test, the
logger and the level, never the secret.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
import functools
import logging
import re
from typing import Any
from unittest.mock import PropertyMock, patch
from urllib.parse import quote, quote_plus

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_SSL, CONF_USERNAME, CONF_VERIFY_SSL
from hypothesis import settings as hypothesis_settings
import pytest

from simulator import DeviceSimulator, Profile

from .const import FACTORY_PASSWORD, PASSWORD, SECRETS, USERNAME, md5_hex

SimulatorFactory = Callable[..., Awaitable[DeviceSimulator]]

# Every hypothesis test of the default suite is derandomized (the same
# examples every run) and keeps no example database; the fuzz tests bring
# their own profile, which scripts/fuzz switches to random seeds.
hypothesis_settings.register_profile("bas_ip_suite", derandomize=True, database=None)
hypothesis_settings.load_profile("bas_ip_suite")

# Long enough that no other text of the suite shares it by chance.
TOKEN_PREFIX = 12
# Plain secrets shorter than this are matched only by their MD5 digest: a
# short word or number occurs in log text by chance. All-digit secrets (card
# numbers, codes) are matched as a whole number only, not inside a longer one.
_MIN_SECRET = 6
# The documented factory password is public; only its digest is a secret.
_PUBLIC = frozenset({FACTORY_PASSWORD})


@dataclass(frozen=True)
class Leak:
    """One log record that contains a secret (the secret itself is not kept here)."""

    nodeid: str
    logger: str
    level: str
    kind: str

    def describe(self) -> str:
        """Where the leak happened, without the secret or the record's text."""
        return f"{self.nodeid}: {self.level} record of logger {self.logger!r} ({self.kind})"


def _encodings(secret: str) -> set[str]:
    return {secret, quote(secret), quote(secret, safe=""), quote_plus(secret)}


def _digests(secret: str) -> set[str]:
    return {md5_hex(secret), md5_hex(secret).upper()}


class SecretGuard(logging.Handler):
    """Keeps every record of the running test until it has been searched for secrets."""

    def __init__(self) -> None:
        """Start with no records and only the statically known secrets."""
        super().__init__(level=logging.DEBUG)
        self.current = "<session start>"
        # (nodeid, logger, level, text) of records not yet searched.
        self.pending: list[tuple[str, str, str, str]] = []
        self.seen = 0
        self.texts_seen: list[str] = []  # only while ``keep_texts`` (the guard's own test)
        self.keep_texts = False
        self.secrets: set[str] = set(SECRETS)
        self.identifiers: set[str] = set()
        self.tokens: set[str] = set()
        self.devices: list[DeviceSimulator] = []
        self.leaks: list[Leak] = []
        self.reported: list[Leak] = []  # failed their own test already
        self._needles: dict[str, str] = {}
        self._prefixes: dict[str, str] = {}
        self._token_run: re.Pattern[str] | None = None
        self._numbers: re.Pattern[str] | None = None
        self._indexed: tuple[int, int] = (-1, -1)

    # --- learning secrets ----------------------------------------------------

    def add_secret(self, secret: str) -> None:
        """A plain secret (matched whole and URL-encoded)."""
        if secret:
            self.secrets.add(secret)

    def add_token(self, token: str) -> None:
        """A token (matched whole, URL-encoded and by its first characters)."""
        if token:
            self.tokens.add(token)

    def learn_devices(self) -> None:
        """Take every secret the simulators created so far hold or issued."""
        for device in self.devices:
            tokens = set(getattr(device, "issued_tokens", ()))
            for token in tokens:
                self.add_token(token)
            # DeviceSimulator.secrets() (contract section 1); older simulators
            # only expose the tokens they issued.
            secrets = getattr(device, "secrets", None)
            if callable(secrets):
                for secret in secrets():
                    if secret not in tokens:
                        self.add_secret(secret)
            self.identifiers.update(getattr(device, "identifiers", ()))

    def _index(self) -> None:
        if self._indexed == (len(self.secrets), len(self.tokens)):
            return
        needles: dict[str, str] = {}
        numbers: list[str] = []
        for number, secret in enumerate(sorted(self.secrets)):
            for digest in _digests(secret):
                needles.setdefault(digest, f"MD5 of secret #{number}")
            if secret in _PUBLIC or len(secret) < _MIN_SECRET:
                continue
            if secret.isdigit():
                numbers.append(secret)
                continue
            for form in _encodings(secret):
                needles.setdefault(form, f"secret #{number}, plain or URL-encoded")
        self._numbers = (
            re.compile(r"(?<!\d)(?:" + "|".join(sorted(numbers)) + r")(?!\d)") if numbers else None
        )
        prefixes: dict[str, str] = {}
        alphabet: set[str] = set()
        for number, token in enumerate(sorted(self.tokens)):
            for form in _encodings(token):
                if len(form) < _MIN_SECRET:
                    needles.setdefault(form, f"token #{number}")
                    continue
                prefixes.setdefault(form[:TOKEN_PREFIX], f"token #{number} (or its prefix)")
                alphabet.update(form)
        self._needles = needles
        self._prefixes = prefixes
        self._token_run = (
            re.compile(f"[{re.escape(''.join(sorted(alphabet)))}]{{{TOKEN_PREFIX},}}")
            if alphabet
            else None
        )
        self._indexed = (len(self.secrets), len(self.tokens))

    def find(self, text: str) -> str | None:
        """What kind of secret ``text`` contains, or None."""
        self._index()
        for needle, kind in self._needles.items():
            if needle in text:
                return kind
        if self._numbers is not None and self._numbers.search(text):
            return "card number or code"
        if self._token_run is not None:
            prefixes = self._prefixes
            for run in self._token_run.findall(text):
                for start in range(len(run) - TOKEN_PREFIX + 1):
                    token_kind = prefixes.get(run[start : start + TOKEN_PREFIX])
                    if token_kind is not None:
                        return token_kind
        return None

    def redact(self, text: str) -> str:
        """``text`` with every secret found replaced by ``***``."""
        if self.find(text) is None:
            return text
        for needle in sorted(self._needles, key=len, reverse=True):
            text = text.replace(needle, "***")
        if self._numbers is not None:
            text = self._numbers.sub("***", text)
        if self._token_run is not None:
            prefixes = self._prefixes

            def token(match: re.Match[str]) -> str:
                run = match.group(0)
                hit = any(
                    run[start : start + TOKEN_PREFIX] in prefixes
                    for start in range(len(run) - TOKEN_PREFIX + 1)
                )
                return "***" if hit else run

            text = self._token_run.sub(token, text)
        return text

    # --- records -------------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        """Store the message, any traceback and stack text with the running test."""
        try:
            text = record.getMessage()
        except Exception:
            text = f"{record.msg!r} {record.args!r}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        elif record.exc_text:
            text += "\n" + record.exc_text
        if record.stack_info:
            text += "\n" + record.stack_info
        self.seen += 1
        if self.keep_texts:
            self.texts_seen.append(text)
        self.pending.append((self.current, record.name, record.levelname, text))

    def scan(self) -> list[Leak]:
        """Search the pending records with every secret known now; forget them."""
        self.learn_devices()
        pending, self.pending = self.pending, []
        found = []
        for nodeid, name, level, raw in pending:
            text = raw
            if _is_bus_echo(name, level, text):
                # Home Assistant's event bus echoes every state at DEBUG; card
                # numbers and codes are event data by design (the access
                # entity's attributes), so only there they may appear.
                for identifier in sorted(self.identifiers, key=len, reverse=True):
                    text = text.replace(identifier, "<identifier>")
            kind = self.find(text)
            if kind is not None:
                found.append(Leak(nodeid, name, level, kind))
        self.leaks.extend(found)
        return found


def _is_bus_echo(logger: str, level: str, text: str) -> bool:
    return logger == "homeassistant.core" and level == "DEBUG" and text.startswith("Bus:Handling")


SECRET_GUARD = SecretGuard()


def register_secret(*secrets: str) -> None:
    """Tell the secret guard about secrets a test makes up (SIP passwords, logins...)."""
    for secret in secrets:
        SECRET_GUARD.add_secret(secret)


def register_tokens(tokens: Iterable[str]) -> None:
    """Tell the secret guard about tokens issued outside a simulator of this process."""
    for token in tokens:
        SECRET_GUARD.add_token(token)


def leak_report(leaks: list[Leak]) -> str:
    """A failure message naming each leaking test, logger and level, not the secret."""
    lines = [leak.describe() for leak in leaks[:10]]
    more = f"\n  ... and {len(leaks) - 10} more" if len(leaks) > 10 else ""
    return (
        f"secret guard: {len(leaks)} log record(s) contain a secret\n  " + "\n  ".join(lines) + more
    )


def _raise_levels(guard: SecretGuard, levels: dict[str, int]) -> None:
    """Every logger with a level of its own above DEBUG goes to DEBUG (first level kept)."""
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            if logger.level > logging.DEBUG:
                levels.setdefault(name, logger.level)
                logger.setLevel(logging.DEBUG)
            if not logger.propagate and guard not in logger.handlers:
                logger.addHandler(guard)


@pytest.fixture(scope="session", autouse=True)
def secret_guard() -> Iterator[SecretGuard]:
    """Watch every logger at DEBUG for the session; fail if a secret was logged."""
    guard = SECRET_GUARD
    root = logging.getLogger()
    root_level = root.level
    root.addHandler(guard)
    root.setLevel(logging.DEBUG)
    levels: dict[str, int] = {}
    _raise_levels(guard, levels)
    original_init = DeviceSimulator.__init__

    @functools.wraps(original_init)
    def tracked_init(self: DeviceSimulator, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        guard.devices.append(self)

    DeviceSimulator.__init__ = tracked_init  # type: ignore[method-assign]
    try:
        yield guard
    finally:
        DeviceSimulator.__init__ = original_init  # type: ignore[method-assign]
        guard.scan()
        root.removeHandler(guard)
        root.setLevel(root_level)
        for logger in logging.Logger.manager.loggerDict.values():
            if isinstance(logger, logging.Logger) and guard in logger.handlers:
                logger.removeHandler(guard)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    late = [leak for leak in guard.leaks if leak not in guard.reported]
    if late:
        pytest.fail(leak_report(late), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """Attribute records to the running test; search what its teardown logged late."""
    SECRET_GUARD.current = item.nodeid
    try:
        return (yield)
    finally:
        # Records after the per-test check (late teardown) still name this test;
        # the session fixture fails the run for them.
        SECRET_GUARD.scan()
        SECRET_GUARD.current = f"<between tests, after {item.nodeid}>"
        # Stopped simulators issue nothing new: their secrets are learned already.
        SECRET_GUARD.devices[:] = [
            device for device in SECRET_GUARD.devices if getattr(device, "_runner", None)
        ]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Captured logs and output may be printed (failures, ``-rA``): redact secrets in them."""
    report = yield
    report.sections = [(title, SECRET_GUARD.redact(content)) for title, content in report.sections]
    return report


@pytest.fixture(autouse=True)
def _secret_guard_per_test(
    secret_guard: SecretGuard, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Fail the test itself when it logged a secret (checked after its fixtures)."""
    _raise_levels(secret_guard, {})  # loggers created since, e.g. by an import
    yield
    found = [leak for leak in secret_guard.scan() if leak.nodeid == request.node.nodeid]
    if found:
        secret_guard.reported.extend(found)
        pytest.fail(leak_report(found), pytrace=False)


@pytest.fixture
async def simulator_factory(socket_enabled: None) -> AsyncIterator[SimulatorFactory]:
    """Start simulators on 127.0.0.1; stop them at teardown.

    HA's test plugin blocks socket creation; ``socket_enabled`` lifts that for
    the test (connections stay limited to 127.0.0.1). The secret guard learns
    each device's secrets on its own.
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
    SECRET_GUARD.learn_devices()


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


# Entry options of tests whose subject is not push: the test harness serves
# no HTTP that a simulated panel could deliver to, so its log is polled
# (tests/components/bas_ip/test_push.py serves one).
POLLED: dict[str, Any] = {"push": False}


def entry_data(device: DeviceSimulator, **overrides: Any) -> dict[str, Any]:
    """Config entry data pointing at a simulated device, with the test credentials."""
    return {
        CONF_HOST: device.address,
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: USERNAME,
        CONF_PASSWORD: PASSWORD,
        **overrides,
    }


@pytest.fixture
def enable_all_entities() -> Generator[None]:
    """Create the entities that are disabled by default as enabled too."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield
