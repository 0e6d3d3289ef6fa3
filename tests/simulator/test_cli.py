"""``python -m simulator``: start it as a user would, poke it like curl, stop it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
import contextlib
from dataclasses import dataclass
from pathlib import Path
import re
import signal
import sys

import aiohttp
import pytest

from simulator.__main__ import build_parser
from tests.const import PASSWORD, SECRETS, USERNAME, md5_hex

REPO_ROOT = Path(__file__).resolve().parents[2]
URL_LINE = re.compile(r" on (https?://127\.0\.0\.1:\d+)$", re.MULTILINE)


@dataclass
class RunningCli:
    """A simulator process and the URL it printed."""

    process: asyncio.subprocess.Process
    url: str
    banner: str


async def start_cli(*args: str) -> asyncio.subprocess.Process:
    """Start ``python -m simulator`` with ``args`` in the repository root."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        *args,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def read_banner(process: asyncio.subprocess.Process) -> str:
    """Read stdout up to the "Press Ctrl-C" line that ends the banner."""
    assert process.stdout is not None
    lines: list[str] = []
    async with asyncio.timeout(30):
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = await process.stdout.readline()
            assert line, "simulator exited before printing its banner"
            lines.append(line.decode().rstrip("\n"))
    return "\n".join(lines)


async def stop_cli(
    process: asyncio.subprocess.Process, signum: int = signal.SIGTERM
) -> tuple[str, str]:
    """Signal the process, wait for it, return the rest of stdout and stderr."""
    process.send_signal(signum)
    async with asyncio.timeout(30):
        stdout, stderr = await process.communicate()
    return stdout.decode(), stderr.decode()


@contextlib.asynccontextmanager
async def running_cli(*args: str) -> AsyncIterator[RunningCli]:
    """A started CLI simulator; killed if the test fails before stopping it."""
    process = await start_cli("--port", "0", *args)
    try:
        banner = await read_banner(process)
        match = URL_LINE.search(banner)
        assert match, banner
        yield RunningCli(process, match.group(1), banner)
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.communicate()


@pytest.fixture
async def http(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A bare client session (sockets enabled without a simulator fixture)."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_cli_serves_and_stops_cleanly(http: aiohttp.ClientSession, signum: int) -> None:
    """The CLI prints its URL and curl examples, serves the API, and stops on a signal."""
    async with running_cli(
        "--profile",
        "camdroid_panel",
        "--username",
        USERNAME,
        "--password",
        PASSWORD,
        "--serial",
        "cli-serial-1",
        "--log-level",
        "DEBUG",
    ) as cli:
        assert "camdroid_panel" in cli.banner
        assert f"curl {cli.url}/api/info" in cli.banner
        assert f"{cli.url}/_simulator/state" in cli.banner
        async with http.get(f"{cli.url}/api/info") as response:
            assert (await response.json())["device_serial_number"] == "cli-serial-1"
        async with http.get(
            f"{cli.url}/api/v1/login",
            params={"username": USERNAME, "password": md5_hex(PASSWORD)},
        ) as response:
            token = (await response.json())["token"]
        async with http.get(
            f"{cli.url}/api/v1/device/sip/settings",
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert (await response.json())["user"] == "1001"
        async with http.post(f"{cli.url}/_simulator/registration", json={"ok": False}):
            pass
        async with http.get(
            f"{cli.url}/api/v1/sip/status", headers={"Authorization": f"Bearer {token}"}
        ) as response:
            assert (await response.json())["sip_status"] == "ERROR"
        stdout, stderr = await stop_cli(cli.process, signum)
        assert cli.process.returncode == 0
        assert "Stopped." in stdout
    # Requests were logged at DEBUG, without the digest, password or token.
    assert "GET /api/v1/login -> 200" in stderr
    assert "GET /api/v1/device/sip/settings -> 200" in stderr
    for secret in (*SECRETS, token):
        assert secret not in stderr
        assert secret not in stdout


async def test_cli_https(http: aiohttp.ClientSession) -> None:
    """``--https`` serves TLS with a self-signed certificate."""
    async with running_cli(
        "--https", "--profile", "android_panel", "--log-variant", "newest_first"
    ) as cli:
        assert cli.url.startswith("https://")
        assert f"curl -k {cli.url}/api/info" in cli.banner
        assert "(android_panel, log newest_first," in cli.banner
        async with http.get(f"{cli.url}/api/info", ssl=False) as response:
            assert (await response.json())["device_name"] == "AA-07FB"
        async with http.get(f"{cli.url}/_simulator/state", ssl=False) as response:
            state = await response.json()
        assert state["log_variant"] == "newest_first"
        assert state["log"]["default_order"] == "desc"
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            async with http.get(f"{cli.url}/api/info"):
                pass  # pragma: no cover - the certificate is refused
        await stop_cli(cli.process)
        assert cli.process.returncode == 0


async def test_cli_port_in_use(http: aiohttp.ClientSession) -> None:
    """A second simulator on a taken port exits with status 1 and says why."""
    async with running_cli() as first:
        port = first.url.rsplit(":", 1)[1]
        second = await start_cli("--port", port)
        async with asyncio.timeout(30):
            stdout, stderr = await second.communicate()
        assert second.returncode == 1
        assert "Cannot start the simulator" in stderr.decode()
        assert "Press Ctrl-C" not in stdout.decode()
        await stop_cli(first.process)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            [],
            {
                "host": "127.0.0.1",
                "port": 8080,
                "profile": "camdroid_monitor",
                "https": False,
                "log_variant": None,
            },
        ),
        (["--log-variant", "android_1_8"], {"log_variant": "android_1_8"}),
        (
            ["--host", "0.0.0.0", "--port", "9000", "--profile", "old_firmware", "--https"],
            {"host": "0.0.0.0", "port": 9000, "profile": "old_firmware", "https": True},
        ),
        (
            ["--token-lifetime", "5", "--username", "u", "--log-level", "WARNING"],
            {"token_lifetime": 5.0, "username": "u", "log_level": "WARNING"},
        ),
    ],
)
def test_parser(argv: Sequence[str], expected: dict[str, object]) -> None:
    """Options and their defaults."""
    args = vars(build_parser().parse_args(argv))
    assert {key: args[key] for key in expected} == expected


@pytest.mark.parametrize("option", ["--profile", "--log-variant"])
def test_parser_rejects_unknown_choice(capsys: pytest.CaptureFixture[str], option: str) -> None:
    """Only the four profiles and the named log variants are accepted."""
    with pytest.raises(SystemExit):
        build_parser().parse_args([option, "nope"])
    assert "invalid choice" in capsys.readouterr().err
