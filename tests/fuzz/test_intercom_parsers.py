"""Fuzz the log-page parser and the snapshot decoder.

Whatever the device sends, a page parses (bad items skipped and counted) or
is a ``BasIpResponseError`` naming the envelope; a snapshot is a JPEG or WebP
or a ``BasIpResponseError``. Nothing else may come out. Each parser runs
through three tests, so ``scripts/fuzz`` (4000 per test) gives each of them
more than 10 000 examples.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from types import MappingProxyType
from typing import Any, Final

from hypothesis import example, given, strategies as st

from custom_components.bas_ip.client.client import _decode_json
from custom_components.bas_ip.client.models import LogItem, LogPage
from custom_components.bas_ip.client.snapshot import decode_snapshot, sniff_image

from .profiles import FUZZ_SETTINGS, record
from .strategies import BYTE_EDITS, JSON_VALUES, attempt, mutate_bytes

LOG_PAGE: Final = "LogPage.from_dict"
SNAPSHOT: Final = "decode_snapshot"
_ENVELOPE_FIELDS: Final = ("log_page", "list_items")
_JPEG: Final = b"\xff\xd8\xff"

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_MODEL = st.dictionaries(
    st.sampled_from(
        ["card", "code", "lock", "number", "english", "x", "owner", "apartment_address", "type"]
    ),
    _SCALARS | JSON_VALUES,
    max_size=5,
)
_GOOD_ITEM = st.fixed_dictionaries(
    {
        "timestamp": st.integers(0, 10**15),
        "category": st.sampled_from(["info", "warning", "critical", ""]),
        "priority": st.sampled_from(["low", "high"]),
        "name": st.fixed_dictionaries(
            {"key": st.text(min_size=1, max_size=40).filter(str.strip)},
            # The real panels' shape (text) and the older one (english, localized).
            optional={"text": _SCALARS, "localized": _SCALARS, "english": _SCALARS},
        ),
    },
    optional={
        "info": st.none()
        | st.fixed_dictionaries({}, optional={"text": _SCALARS, "model": st.none() | _MODEL})
    },
)
_ANY_ITEM = (
    _GOOD_ITEM
    | JSON_VALUES
    | _GOOD_ITEM.flatmap(
        lambda item: st.sampled_from(sorted(item)).map(
            lambda key: {k: v for k, v in item.items() if k != key}
        )
    )
)
_PAGINATION = st.fixed_dictionaries(
    {},
    optional={"total_items": JSON_VALUES, "total_pages": JSON_VALUES, "items_limit": JSON_VALUES},
)
_PAGES = st.fixed_dictionaries(
    {"list_items": st.lists(_ANY_ITEM, max_size=8)},
    optional={
        "list_option": st.fixed_dictionaries({}, optional={"pagination": _PAGINATION}) | JSON_VALUES
    },
)


def _check_item(item: LogItem) -> None:
    assert type(item.timestamp) is int
    assert 0 <= item.timestamp <= 10**15
    assert isinstance(item.category, str)
    assert isinstance(item.key, str)
    assert item.key.strip()
    assert item.name is None or isinstance(item.name, str)
    for name, value in item.info.items():
        assert isinstance(name, str)
        assert value is None or isinstance(value, str | int | float | bool)
    fingerprint = item.fingerprint
    assert len(fingerprint) == 24
    assert int(fingerprint, 16) >= 0
    assert fingerprint == item.fingerprint  # stable
    # info (card numbers) is not in the repr: it equals the repr without info.
    assert repr(item) == repr(dataclasses.replace(item, info=MappingProxyType({})))
    # The field report names fields, never values.
    assert all(isinstance(name, str) and len(name) <= 64 for name in item.shape)


def run_log_page(body: Any) -> None:
    """Parse ``body`` as a log page and check the outcome."""
    page, err = attempt(LogPage.from_dict, body)
    record(LOG_PAGE, parsed=err is None)
    if err is not None:
        assert err.field in _ENVELOPE_FIELDS
        assert err.status is None
        assert not (isinstance(body, dict) and isinstance(body.get("list_items"), list))
        return
    assert page is not None
    assert isinstance(body, dict)
    assert len(page.items) + page.skipped == len(body["list_items"])
    # Every entry keeps its place, parsed or not: counting and paging use the raw count.
    assert page.raw_count == len(body["list_items"])
    assert all(len(slot.fingerprint) == 24 for slot in page.slots)
    for count in (page.total_items, page.total_pages):
        assert count is None or (type(count) is int and count >= 0)
    for item in page.items:
        _check_item(item)


@FUZZ_SETTINGS
@given(body=_PAGES)
@example(body={"list_items": []})
@example(body={"list_items": [{"timestamp": 1.0, "category": "", "name": {"key": "k"}}]})
@example(body={"list_items": [{"timestamp": True, "category": "", "name": {"key": "k"}}]})
def test_log_page_shaped(body: dict[str, Any]) -> None:
    """Pages of good, damaged and arbitrary items: good ones kept, others counted."""
    run_log_page(body)


@FUZZ_SETTINGS
@given(body=JSON_VALUES)
@example(body={"list_items": None})
@example(body=[])
def test_log_page_any_json(body: Any) -> None:
    """Any JSON value at all: a page or an envelope error."""
    run_log_page(body)


@FUZZ_SETTINGS
@given(body=_PAGES, edits=BYTE_EDITS)
def test_log_page_damaged_bytes(body: dict[str, Any], edits: list[tuple[int, int, int]]) -> None:
    """A page's bytes damaged on the wire: decoded and parsed, only client errors."""
    try:
        raw = json.dumps(body).encode()
    except ValueError:
        return
    decoded, err = attempt(lambda data: _decode_json(data, 200), mutate_bytes(raw, edits))
    if err is not None:
        record(LOG_PAGE, parsed=False)
        return
    run_log_page(decoded)


# --- snapshot ------------------------------------------------------------------------


def run_snapshot(body: bytes) -> bytes | None:
    """Decode ``body``; check the outcome; the image bytes, or ``None`` when refused."""
    snapshot, err = attempt(decode_snapshot, body)
    record(SNAPSHOT, parsed=err is None)
    if err is not None:
        assert sniff_image(body) is None
        assert str(err) == "Device answered the snapshot with something that is not an image"
        return None
    assert snapshot is not None
    assert snapshot.content_type in ("image/jpeg", "image/webp")
    assert sniff_image(snapshot.content) == snapshot.content_type
    assert repr(snapshot).startswith("Snapshot(content_type=")
    return snapshot.content


_IMAGES = st.one_of(
    st.binary(max_size=200).map(lambda tail: _JPEG + tail),
    st.tuples(st.binary(min_size=4, max_size=4), st.binary(max_size=200)).map(
        lambda parts: b"RIFF" + parts[0] + b"WEBP" + parts[1]
    ),
)
_WHITESPACE = st.lists(st.sampled_from([b" ", b"\n", b"\r\n", b"\t"]), max_size=6)


@FUZZ_SETTINGS
@given(body=st.binary(max_size=400))
@example(body=b"")
@example(body=b"/9j/")
@example(body=b"UklGRg==")
@example(body=b"\xff\xd8")
def test_snapshot_any_bytes(body: bytes) -> None:
    """Any body at all: an image or a response error."""
    run_snapshot(body)


@FUZZ_SETTINGS
@given(image=_IMAGES, encode=st.booleans(), spaces=_WHITESPACE, at=st.integers(0, 2**16))
def test_snapshot_images(image: bytes, encode: bool, spaces: list[bytes], at: int) -> None:
    """Raw images come back as they are; base64 with whitespace anywhere is decoded."""
    body = image
    if encode:
        text = base64.b64encode(image)
        for space in spaces:
            index = at % (len(text) + 1)
            text = text[:index] + space + text[index:]
        body = text
    assert run_snapshot(body) == image


@FUZZ_SETTINGS
@given(image=_IMAGES, edits=BYTE_EDITS)
def test_snapshot_damaged_base64(image: bytes, edits: list[tuple[int, int, int]]) -> None:
    """Base64 text damaged on the wire: an image (if still valid) or a response error."""
    run_snapshot(mutate_bytes(base64.b64encode(image), edits))
