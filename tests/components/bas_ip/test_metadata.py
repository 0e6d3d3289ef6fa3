"""Manifest, translations, icons and quality scale: complete and consistent."""

from __future__ import annotations

import json
from pathlib import Path
import re
import string
from typing import Any

from homeassistant.helpers.entity import EntityDescription
from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components.bas_ip.binary_sensor import BINARY_SENSORS
from custom_components.bas_ip.errors import ERROR_RULES
from custom_components.bas_ip.event import SIP_SETTINGS_EVENT
from custom_components.bas_ip.sensor import SETTINGS_SENSORS, STATUS_SENSORS

INTEGRATION = Path(__file__).parents[3] / "custom_components" / "bas_ip"
LANGUAGES = ("en", "ru", "uk")


def load(name: str) -> Any:
    """A JSON file of the integration."""
    return json.loads((INTEGRATION / name).read_text(encoding="utf-8"))


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted key → text."""
    result: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            result.update(flatten(value, f"{prefix}{key}."))
        else:
            result[f"{prefix}{key}"] = value
    return result


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_manifest() -> None:
    """Keys in hassfest's order (domain, name, then alphabetical) and the agreed values."""
    manifest = load("manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == "bas_ip"
    assert manifest["name"] == "BAS-IP Intercom"
    assert manifest["version"] == "0.1.0"
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] == "local_polling"
    assert manifest["integration_type"] == "device"
    assert manifest["requirements"] == []
    assert manifest["codeowners"] == ["@bas-ip-ha"]


def test_strings_json_is_english() -> None:
    """strings.json and translations/en.json say the same."""
    assert load("strings.json") == load("translations/en.json")


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_translation_complete(language: str) -> None:
    """Every English text exists in the language, with the same placeholders, translated."""
    english = flatten(load("translations/en.json"))
    other = flatten(load(f"translations/{language}.json"))
    assert set(other) == set(english)
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key
    # Names of protocols (UDP, TCP, TLS) are the same everywhere; prose is not.
    untranslated = [key for key, text in english.items() if other[key] == text and len(text) > 4]
    assert untranslated == []
    cyrillic = re.compile("[\u0400-\u04ff]")
    assert sum(bool(cyrillic.search(text)) for text in other.values()) > len(other) // 2


def test_every_entity_translated_and_iconed() -> None:
    """Each entity has a translated name and an icon; enum states have texts and icons."""
    english = load("translations/en.json")["entity"]
    icons = load("icons.json")["entity"]
    descriptions: list[tuple[str, EntityDescription]] = [
        ("sensor", description) for description in (*SETTINGS_SENSORS, *STATUS_SENSORS)
    ]
    descriptions += [("binary_sensor", description) for description in BINARY_SENSORS]
    descriptions.append(("event", SIP_SETTINGS_EVENT))
    for platform, description in descriptions:
        key = description.translation_key
        assert key is not None
        assert english[platform][key]["name"]
        assert icons[platform][key]["default"].startswith("mdi:")
        for option in getattr(description, "options", None) or []:
            assert english[platform][key]["state"][option]
    for event_type in SIP_SETTINGS_EVENT.event_types or []:
        assert english["event"]["sip_settings"]["state_attributes"]["event_type"]["state"][
            event_type
        ]
    assert set(icons["sensor"]["registration_status"]["state"]) == {
        "registered",
        "failing",
        "disabled",
    }


def test_every_translation_key_in_code_exists() -> None:
    """Exception and issue keys used in the code have texts."""
    english = load("translations/en.json")
    source = "\n".join(path.read_text() for path in INTEGRATION.glob("*.py"))
    raised = set(re.findall(r'translation_domain=DOMAIN,\s*translation_key="([a-z_]+)"', source))
    raised |= {rule.key for rule in ERROR_RULES} | {"update_failed"}
    assert len(raised) >= 8
    for key in raised:
        assert key in english["exceptions"], key
    for key in ("default_credentials", "device_mismatch"):  # issue keys via constants
        assert english["issues"][key]["title"]
        assert english["issues"][key]["description"]
    for key in english["exceptions"]:
        assert f'"{key}"' in source, f"exception text {key} is never used"


def test_quality_scale() -> None:
    """Every rule is done, or exempt with a reason."""
    rules = load_yaml_dict(INTEGRATION / "quality_scale.yaml")["rules"]
    assert len(rules) >= 50
    for name, rule in rules.items():
        if isinstance(rule, str):
            assert rule == "done", name
        else:
            assert rule["status"] in ("done", "exempt"), name
            if rule["status"] == "exempt":
                assert rule.get("comment"), name
