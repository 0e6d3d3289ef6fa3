"""Run one simulated BAS-IP device: ``python -m simulator --help``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import logging
import signal
import sys

from .log import LOG_VARIANTS
from .profiles import Profile
from .server import DeviceSimulator
from .tls import self_signed_context


def build_parser() -> argparse.ArgumentParser:
    """Build the command line of the simulator."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Simulate a BAS-IP intercom's web API (for demos and tests).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=8080, help="port to listen on (0: any free port)"
    )
    parser.add_argument(
        "--profile",
        choices=[profile.value for profile in Profile],
        default=Profile.CAMDROID_MONITOR.value,
        help="device family to simulate",
    )
    parser.add_argument(
        "--log-variant",
        choices=LOG_VARIANTS,
        default=None,
        help="how the event log answers, instead of the profile's own way "
        "(sort dialect, default order, login markers, item shape)",
    )
    parser.add_argument("--username", default="admin", help="device login name")
    parser.add_argument("--password", default="123456", help="device password")
    parser.add_argument(
        "--token-lifetime",
        type=float,
        default=7200.0,
        help="seconds a login token stays valid (default: 7200, as on devices)",
    )
    parser.add_argument("--serial", default=None, help="serial number (default: the profile's)")
    parser.add_argument(
        "--https", action="store_true", help="serve HTTPS with a fresh self-signed certificate"
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging level (requests are logged at DEBUG)",
    )
    return parser


def banner(device: DeviceSimulator) -> str:
    """Write what the simulator prints once it listens: its URL and how to poke it."""
    url = device.url
    insecure = "-k " if url.startswith("https") else ""
    variant = f", log {device.log_variant}" if device.log_variant else ""
    return "\n".join(
        [
            f"BAS-IP simulator ({device.profile.value}{variant}, serial {device.serial}) on {url}",
            "Try:",
            f"  curl {insecure}{url}/api/info",
            f"  curl {insecure}'{url}/api/v1/login?username={device.username}"
            "&password=<md5 of the password>'",
            f"  curl {insecure}-H 'Authorization: Bearer <token>' {url}/api/v1/device/sip/settings",
            f"  curl {insecure}{url}/_simulator/state",
            f"  curl {insecure}-X POST -d '{{\"ok\": false}}' {url}/_simulator/registration",
            f'  curl {insecure}-X POST -d \'{{"fault": "html_500", "paths": null}}\' '
            f"{url}/_simulator/fault",
            f'  curl {insecure}-X POST -d \'{{"number": "101"}}\' {url}/_simulator/ring',
            f"  curl {insecure}{url}/_simulator/log",
            *(
                [f"  curl {insecure}{url}/_simulator/webhooks"]
                if device.profile_data.webhooks
                else []
            ),
            "Press Ctrl-C to stop.",
        ]
    )


async def run(args: argparse.Namespace) -> None:
    """Serve until SIGINT or SIGTERM."""
    device = DeviceSimulator(
        args.profile,
        host=args.host,
        port=args.port,
        username=args.username,
        password=args.password,
        token_lifetime=args.token_lifetime,
        serial=args.serial,
        log_variant=args.log_variant,
        ssl_context=self_signed_context(args.host) if args.https else None,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await device.start()
    try:
        print(banner(device), flush=True)
        await stop.wait()
    finally:
        await device.stop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    print("Stopped.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The access log would print login URLs, whose query holds the password digest.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    try:
        asyncio.run(run(args))
    except OSError as err:
        print(f"Cannot start the simulator: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
