"""Static checks of what HACS and hassfest look at when the repository is published.

The rules mirror HACS's own validators (``custom_components/hacs/utils/validate.py``
and ``validate/*.py`` in hacs/integration) and hassfest's manifest checks for
custom integrations (``script/hassfest/manifest.py`` in home-assistant/core),
so a mistake shows up here before the GitHub actions run.
"""

from __future__ import annotations

import json
from pathlib import Path
import struct
from typing import Any
from urllib.parse import urlparse

from awesomeversion import AwesomeVersion, AwesomeVersionException, AwesomeVersionStrategy
from homeassistant.util.yaml import parse_yaml
from PIL import Image
import pytest
import voluptuous as vol

ROOT = Path(__file__).resolve().parents[2]
CUSTOM_COMPONENTS = ROOT / "custom_components"
DOMAIN = "bas_ip"
INTEGRATION = CUSTOM_COMPONENTS / DOMAIN
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# hacs.json: HACS_MANIFEST_JSON_SCHEMA (extra keys are rejected).
HACS_JSON_SCHEMA = vol.Schema(
    {
        vol.Optional("content_in_root"): bool,
        vol.Optional("country"): vol.Any(str, [str]),
        vol.Optional("filename"): str,
        vol.Optional("hacs"): str,
        vol.Optional("hide_default_branch"): bool,
        vol.Optional("homeassistant"): str,
        vol.Optional("persistent_directory"): str,
        vol.Optional("render_readme"): bool,
        vol.Optional("zip_release"): bool,
        vol.Required("name"): str,
    },
    extra=vol.PREVENT_EXTRA,
)

# The keys hassfest's CUSTOM_INTEGRATION_MANIFEST_SCHEMA knows; anything else is an error.
MANIFEST_KEYS = {
    "after_dependencies",
    "bluetooth",
    "codeowners",
    "config_flow",
    "dependencies",
    "dhcp",
    "disabled",
    "documentation",
    "domain",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "name",
    "quality_scale",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
REQUIRED_MANIFEST_KEYS = {
    "domain",
    "name",
    "version",
    "documentation",
    "issue_tracker",
    "codeowners",
    "config_flow",
    "iot_class",
    "integration_type",
    "requirements",
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {"device", "entity", "hardware", "helper", "hub", "service", "system"}
QUALITY_SCALES = {"bronze", "silver", "gold", "platinum", "custom", "no_score", "internal"}
VERSION_STRATEGIES = [
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
]


def _load_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} must hold a JSON object"
    return data


def _is_https_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parsed = urlparse(value)
    return parsed.scheme == "https" and bool(parsed.netloc)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """The integration's manifest.json."""
    return _load_json(INTEGRATION / "manifest.json")


@pytest.fixture(scope="module")
def hacs_json() -> dict[str, Any]:
    """The repository's hacs.json."""
    return _load_json(ROOT / "hacs.json")


def test_hacs_json_matches_the_hacs_schema(hacs_json: dict[str, Any]) -> None:
    """HACS rejects unknown keys and wrong types in hacs.json."""
    HACS_JSON_SCHEMA(hacs_json)
    assert hacs_json["name"] == "BAS-IP Intercom"
    # A zip release needs a file name; this repository ships the plain directory.
    assert not hacs_json.get("zip_release", False)
    assert not hacs_json.get("content_in_root", False)


def test_hacs_json_minimum_home_assistant(hacs_json: dict[str, Any]) -> None:
    """The minimum version is a real Home Assistant release the test suite covers."""
    minimum = AwesomeVersion(hacs_json["homeassistant"])
    assert minimum.strategy == AwesomeVersionStrategy.CALVER
    assert minimum == AwesomeVersion("2025.4.0")


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"name": 1},
        {"name": "x", "render_readme": "yes"},
        {"name": "x", "domains": ["bas_ip"]},
        {"name": "x", "iot_class": "local_polling"},
    ],
)
def test_hacs_schema_rejects_invalid_files(bad: dict[str, Any]) -> None:
    """The schema above is strict enough to catch the usual hacs.json mistakes."""
    with pytest.raises(vol.Invalid):
        HACS_JSON_SCHEMA(bad)


def test_exactly_one_integration_directory() -> None:
    """HACS installs the single directory below custom_components/."""
    directories = [
        entry.name
        for entry in CUSTOM_COMPONENTS.iterdir()
        if entry.is_dir() and entry.name != "__pycache__"
    ]
    assert directories == [DOMAIN]
    assert (INTEGRATION / "__init__.py").is_file()


def test_manifest_has_the_keys_hacs_and_hassfest_require(manifest: dict[str, Any]) -> None:
    """Every required key is present and no key is unknown to hassfest."""
    assert manifest.keys() >= REQUIRED_MANIFEST_KEYS
    assert manifest.keys() <= MANIFEST_KEYS, manifest.keys() - MANIFEST_KEYS


def test_manifest_key_order(manifest: dict[str, Any]) -> None:
    """Hassfest: domain, name, then the remaining keys in alphabetical order."""
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_values(manifest: dict[str, Any]) -> None:
    """Types and values as hassfest's custom integration schema demands."""
    assert manifest["domain"] == INTEGRATION.name
    assert isinstance(manifest["name"], str)
    assert manifest["name"]
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["integration_type"] in INTEGRATION_TYPES
    assert manifest.get("quality_scale", "custom") in QUALITY_SCALES
    assert isinstance(manifest["requirements"], list)
    assert all(isinstance(item, str) for item in manifest["requirements"])
    codeowners = manifest["codeowners"]
    assert isinstance(codeowners, list)
    assert codeowners
    assert all(isinstance(owner, str) and owner.startswith("@") for owner in codeowners)
    assert _is_https_url(manifest["documentation"])
    assert "home-assistant.io" not in manifest["documentation"]
    assert _is_https_url(manifest["issue_tracker"])


def test_manifest_version_is_valid(manifest: dict[str, Any]) -> None:
    """Home Assistant refuses to load a custom integration without a valid version."""
    version = manifest["version"]
    assert isinstance(version, str)
    try:
        parsed = AwesomeVersion(version, ensure_strategy=VERSION_STRATEGIES)
    except AwesomeVersionException as err:
        pytest.fail(f"manifest version {version!r} is invalid: {err}")
    assert parsed.strategy == AwesomeVersionStrategy.SEMVER


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons(name: str, size: int) -> None:
    """Local brand images (HA 2026.x, HACS brands check): square PNGs of the right size."""
    path = INTEGRATION / "brand" / name
    raw = path.read_bytes()
    assert raw[:8] == PNG_SIGNATURE
    # The IHDR chunk holds the pixel size right after the signature.
    width, height = struct.unpack(">II", raw[16:24])
    assert (width, height) == (size, size)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)
        assert image.mode == "RGBA", "brand icons should have a transparent background"
        alpha = image.getchannel("A")
        assert alpha.getextrema() == (0, 255), "expected transparent corners and an opaque body"


def test_readme_for_hacs() -> None:
    """HACS shows README.md; its validation wants at least one image in it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# ")
    assert "![" in readme or "<img" in readme


def test_license_file() -> None:
    """HACS's action fails a repository without an OSI-approved license."""
    candidates = [ROOT / name for name in ("LICENSE", "LICENSE.md", "LICENSE.txt")]
    assert any(path.is_file() and path.read_text(encoding="utf-8").strip() for path in candidates)


def test_validation_workflow_runs_hassfest_and_hacs() -> None:
    """The published repository validates itself with both official actions."""
    workflow = parse_yaml((ROOT / ".github" / "workflows" / "validate.yml").read_text())
    assert isinstance(workflow, dict)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    assert "home-assistant/actions/hassfest" in uses
    hacs = uses["hacs/action"]
    assert hacs["with"]["category"] == "integration"
    # No checks switched off: the brand icons ship with the integration.
    assert "ignore" not in hacs["with"]
