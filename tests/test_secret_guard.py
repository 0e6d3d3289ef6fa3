"""The session-wide secret guard must really see log records and find secrets in them.

The pytester tests run a small suite in a child pytest process that loads the
guard from ``tests/conftest.py``: each leaking test must fail the child
session, be named in its output, and the secret must not be printed.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from yarl import URL

from .conftest import SECRET_GUARD, SecretGuard, register_secret, register_tokens
from .const import FACTORY_PASSWORD, PASSWORD, RTSP_PASSWORDS, md5_hex

pytest_plugins = ["pytester"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_guard_captures_debug_records_of_every_logger() -> None:
    """DEBUG records of the integration, Home Assistant, aiohttp and any library arrive."""
    SECRET_GUARD.keep_texts = True
    try:
        for name in ("custom_components.bas_ip.client", "homeassistant.config_entries"):
            logging.getLogger(name).debug("probe %s", name)
        logging.getLogger("aiohttp.client").debug("probe aiohttp")
        logging.getLogger("some.library.nobody.configured").debug("probe library")
    finally:
        SECRET_GUARD.keep_texts = False
    texts, SECRET_GUARD.texts_seen = SECRET_GUARD.texts_seen, []
    assert texts == [
        "probe custom_components.bas_ip.client",
        "probe homeassistant.config_entries",
        "probe aiohttp",
        "probe library",
    ]


def test_guard_finds_every_form_of_a_secret() -> None:
    """Plain, URL-encoded, digest, token prefix, whole card numbers; clean text passes."""
    guard = SecretGuard()
    guard.add_token("0123abcd-4567-4890-8abc-def012345678")
    guard.add_secret("4000123412341234")
    assert guard.find("nothing to see at 2026-01-01 12:00:00.123456") is None
    assert guard.find(f"pw {PASSWORD}") is not None
    assert guard.find(f"login?password={quote(PASSWORD, safe='')}") is not None
    assert guard.find(f"form {quote_plus('a ' + PASSWORD)}") is not None
    assert guard.find(f"hash {md5_hex(PASSWORD).upper()}") is not None
    assert guard.find(f"rtsp {RTSP_PASSWORDS[1]}") is not None
    assert guard.find("Bearer 0123abcd-456") is not None  # 12-character prefix
    assert guard.find("Bearer 0123abcd-45") is None  # 11 characters: not enough
    assert guard.find("card 4000123412341234 denied") is not None
    assert guard.find("ts 140001234123412345") is None  # inside a longer number
    # The factory password is public; its digest is not.
    assert guard.find(f"default {FACTORY_PASSWORD}") is None
    assert guard.find(md5_hex(FACTORY_PASSWORD)) is not None


def test_guard_finds_secrets_in_tracebacks() -> None:
    """A secret in an exception's text is reported like one in the message."""
    guard = SecretGuard()
    logger = logging.getLogger("tests.secret_guard_probe")
    logger.addHandler(guard)
    logger.propagate = False
    try:
        logger.warning("nothing to see")
        try:
            raise RuntimeError(PASSWORD)
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(guard)
        logger.propagate = True
    leaks = guard.scan()
    assert [(leak.logger, leak.level) for leak in leaks] == [("tests.secret_guard_probe", "ERROR")]


def test_registered_secrets_are_learned() -> None:
    """register_secret / register_tokens reach the session guard."""
    register_secret("made-up-by-a-test-4e1f")
    register_tokens(["f00dfeed-1111-4222-8333-444455556666"])
    assert SECRET_GUARD.find("x made-up-by-a-test-4e1f") is not None
    assert SECRET_GUARD.find("Bearer f00dfeed-1111") is not None


_CHILD_CONFTEST = """
from tests.conftest import (
    _secret_guard_per_test,
    pytest_runtest_makereport,
    pytest_runtest_protocol,
    secret_guard,
)
"""

_CHILD_TESTS = f"""
import logging
from urllib.parse import quote_plus

from yarl import URL

PASSWORD = {PASSWORD!r}


def test_clean():
    logging.getLogger("homeassistant.config_entries").debug("nothing secret here")


def test_leak_config_entries_debug():
    logging.getLogger("homeassistant.config_entries").debug("data %s", {{"password": PASSWORD}})


def test_leak_aiohttp_login_url():
    url = URL("http://127.0.0.1:8081/api/v1/login").with_query(username="admin", password=PASSWORD)
    logging.getLogger("aiohttp.client").debug("GET %s", url)


def test_leak_url_encoded_warning():
    logging.getLogger("somewhere.else").warning("bad form %s", quote_plus(PASSWORD))
"""


def test_leaks_fail_the_session_and_name_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A leak at DEBUG on HA's config entries, in an aiohttp login URL, URL-encoded in a
    WARNING: each fails the session and is named, and the secret is never printed."""
    url = str(URL("http://h/api/v1/login").with_query(password=PASSWORD))
    assert PASSWORD not in url  # the URL really carries the encoded form only
    pytester.makeconftest(_CHILD_CONFTEST)
    pytester.makepyfile(test_leaks=_CHILD_TESTS)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:homeassistant", "-p", "no:randomly", "-p", "no:cacheprovider", "-rA", timeout=120
    )
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 4
    assert outcomes.get("errors") == 3  # in the teardown of each leaking test
    for name, logger, level in (
        ("test_leak_config_entries_debug", "homeassistant.config_entries", "DEBUG"),
        ("test_leak_aiohttp_login_url", "aiohttp.client", "DEBUG"),
        ("test_leak_url_encoded_warning", "somewhere.else", "WARNING"),
    ):
        assert f"test_leaks.py::{name}: {level} record of logger {logger!r}" in output, name
        assert f"ERROR test_leaks.py::{name}" in output, name
    assert "test_leaks.py::test_clean:" not in output
    forms = {PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD)}
    # A count, so that a failure here does not print the secret either.
    assert sum(form in output for form in forms) == 0, "the secret was printed"
