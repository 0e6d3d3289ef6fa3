"""Snapshots: sniffing JPEG, WebP and base64, the size cap, the timeout, sharing."""

from __future__ import annotations

import asyncio
import base64

import pytest

from custom_components.bas_ip.client import (
    BasIpConnectionError,
    BasIpResponseError,
    BasIpUnsupportedDeviceError,
    Snapshot,
)
from custom_components.bas_ip.client.client import SNAPSHOT_MAX_BYTES, SNAPSHOT_TIMEOUT
from custom_components.bas_ip.client.snapshot import decode_snapshot, sniff_image
from simulator import Profile
from tests.conftest import SimulatorFactory

from .conftest import SHORT_TIMEOUT, ClientFactory, short_timeout

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(40)


# --- the pure decoder ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content", "kind"),
    [
        (JPEG, JPEG, "image/jpeg"),
        (WEBP, WEBP, "image/webp"),
        (base64.b64encode(JPEG), JPEG, "image/jpeg"),
        (base64.b64encode(WEBP), WEBP, "image/webp"),
        (base64.encodebytes(JPEG), JPEG, "image/jpeg"),  # line breaks every 76 characters
        (b"  \r\n" + base64.b64encode(JPEG) + b"\n", JPEG, "image/jpeg"),
    ],
    ids=["jpeg", "webp", "b64-jpeg", "b64-webp", "b64-lines", "b64-padded"],
)
def test_decode(body: bytes, content: bytes, kind: str) -> None:
    """Raw images pass as they are; base64 text is decoded."""
    snapshot = decode_snapshot(body)
    assert snapshot == Snapshot(content=content, content_type=kind)
    assert "JFIF" not in repr(snapshot)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<html><body>Not Found</body></html>",
        b'{"error": "camera busy"}',
        b"\xff\xd8",  # a JPEG start cut short
        b"RIFF\x00\x00\x00\x00WAVE",
        base64.b64encode(b"GIF89a" + bytes(20)),
        base64.b64encode(JPEG)[:-3] + b"!!!",  # not the base64 alphabet
        base64.b64encode(JPEG)[:-1],  # wrong padding
        b"data:image/jpeg;base64," + base64.b64encode(JPEG),
    ],
)
def test_decode_rejects(body: bytes) -> None:
    """Anything but JPEG, WebP or strict base64 of one is a response error."""
    with pytest.raises(BasIpResponseError, match="not an image"):
        decode_snapshot(body)


def test_sniff() -> None:
    """Magic bytes only: JPEG ``FF D8 FF``, WebP ``RIFF....WEBP``."""
    assert sniff_image(JPEG) == "image/jpeg"
    assert sniff_image(WEBP) == "image/webp"
    assert sniff_image(b"RIFF1234WEB") is None
    assert sniff_image(b"") is None


# --- against the simulator ------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "fmt", "kind"),
    [
        (Profile.CAMDROID_PANEL, None, "image/jpeg"),
        (Profile.ANDROID_PANEL, None, "image/jpeg"),
        (Profile.CAMDROID_PANEL, "webp", "image/webp"),
        (Profile.CAMDROID_PANEL, "base64_webp", "image/webp"),
        (Profile.ANDROID_PANEL, "base64", "image/jpeg"),
    ],
)
async def test_snapshot_formats(
    simulator_factory: SimulatorFactory,
    make_client: ClientFactory,
    profile: Profile,
    fmt: str | None,
    kind: str,
) -> None:
    """JPEG bytes (Camdroid), base64 text (Android) and WebP all come out as images."""
    device = await simulator_factory(profile)
    if fmt is not None:
        device.snapshot_format = fmt
    snapshot = await make_client(device).get_snapshot()
    assert snapshot.content_type == kind
    expected = device.snapshot_webp if kind == "image/webp" else device.snapshot_jpeg
    assert snapshot.content == expected


async def test_snapshot_html_is_a_response_error(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """An HTML page where the image should be is a response error."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.snapshot_format = "html"
    with pytest.raises(BasIpResponseError, match="not an image"):
        await make_client(device).get_snapshot()


async def test_snapshot_over_the_cap_is_refused(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """An answer over 5 MiB is refused, not decoded."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.snapshot_format = "huge"
    with pytest.raises(BasIpResponseError, match=str(SNAPSHOT_MAX_BYTES)) as err:
        await make_client(device).get_snapshot()
    assert err.value.status == 200


async def test_snapshot_cap_without_content_length(make_client: ClientFactory) -> None:
    """A chunked answer without Content-Length is cut off while it is read."""
    sent = 0

    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal sent
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"\xff" * 65536
        try:
            for _ in range(200):  # 12.5 MiB if nobody stops reading
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                sent += len(chunk)
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(endless, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = make_client(f"127.0.0.1:{port}")
    client._auth._token = "t"  # no login: the raw server only answers the photo
    try:
        with pytest.raises(BasIpResponseError, match="more than"):
            await client.get_snapshot()
    finally:
        server.close()
        await server.wait_closed()
    assert sent < 12 * 1024 * 1024


async def test_snapshot_has_its_own_timeout(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """A snapshot may take longer than other calls, up to its own timeout."""
    assert SNAPSHOT_TIMEOUT == 10.0
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    # The login must succeed: generous timeout. The snapshot must succeed too,
    # under its own generous timeout, while taking far longer than a short
    # timeout on the client's ordinary calls.
    client = make_client(device, snapshot_timeout=SNAPSHOT_TIMEOUT)
    await client.login()
    device.snapshot_delay = SHORT_TIMEOUT * 5
    with short_timeout(client):
        assert (await client.get_snapshot()).content_type == "image/jpeg"
    # A snapshot timeout that must fire: short, the delay well above it.
    device.snapshot_delay = SHORT_TIMEOUT * 10
    slow = make_client(device, snapshot_timeout=SHORT_TIMEOUT)
    await slow.login()
    with pytest.raises(BasIpConnectionError, match="Timed out"):
        await slow.get_snapshot()


async def test_concurrent_snapshots_share_one_request(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Callers that ask while a snapshot is in flight get that one; later ones a new one."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.snapshot_delay = 0.2
    client = make_client(device)
    await client.login()
    results = await asyncio.gather(*(client.get_snapshot() for _ in range(6)))
    assert device.snapshots == 1
    assert all(result == results[0] for result in results)
    await client.get_snapshot()
    assert device.snapshots == 2


async def test_cancelled_caller_does_not_cancel_the_others(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """One waiter cancelled: the shared request goes on for the other."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.snapshot_delay = 0.2
    client = make_client(device)
    await client.login()
    first = asyncio.create_task(client.get_snapshot())
    second = asyncio.create_task(client.get_snapshot())
    await asyncio.sleep(0.05)
    first.cancel()
    assert (await second).content_type == "image/jpeg"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert device.snapshots == 1


async def test_shared_failure_reaches_every_caller(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """A failed shared request fails each caller with the client's error; the next one retries."""
    device = await simulator_factory(Profile.CAMDROID_PANEL)
    device.snapshot_format = "html"
    device.snapshot_delay = 0.1
    client = make_client(device)
    results = await asyncio.gather(
        *(client.get_snapshot() for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(result, BasIpResponseError) for result in results)
    device.snapshot_format = "jpeg"
    assert (await client.get_snapshot()).content_type == "image/jpeg"


async def test_monitor_has_no_snapshot(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    """Monitors answer 404: unsupported."""
    device = await simulator_factory(Profile.CAMDROID_MONITOR)
    with pytest.raises(BasIpUnsupportedDeviceError):
        await make_client(device).get_snapshot()
