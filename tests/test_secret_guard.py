"""The session-wide secret guard must really see log records and find secrets in them."""

from __future__ import annotations

import logging

from .conftest import SECRET_GUARD, SecretGuard
from .const import PASSWORD, md5_hex


def test_guard_captures_integration_debug_records() -> None:
    """A DEBUG record of the integration's logger reaches the guard."""
    marker = "secret-guard-probe-7f3a"
    logging.getLogger("custom_components.bas_ip.client").debug("probe %s", marker)
    assert any(marker in text for text in SECRET_GUARD.texts)


def test_guard_finds_secrets_and_tracebacks() -> None:
    """A secret in a message or in a traceback is reported; clean records are not."""
    guard = SecretGuard()
    logger = logging.getLogger("tests.secret_guard_probe")
    logger.addHandler(guard)
    logger.propagate = False
    try:
        logger.warning("nothing to see")
        assert guard.leaks() == []
        logger.warning("hash %s", md5_hex(PASSWORD))
        try:
            raise RuntimeError(PASSWORD)
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(guard)
        logger.propagate = True
    leaked = {secret for secret, _ in guard.leaks()}
    assert leaked == {md5_hex(PASSWORD), PASSWORD}
