"""Manifest, translations, icons and quality scale: complete and consistent."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
import re
import string
from types import SimpleNamespace
from typing import Any

from homeassistant.helpers.entity import EntityDescription
from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components.bas_ip import PLATFORMS
from custom_components.bas_ip.client import METHODS
from custom_components.bas_ip.errors import ERROR_RULES
from custom_components.bas_ip.event import LOG_EVENTS

INTEGRATION = Path(__file__).parents[3] / "custom_components" / "bas_ip"
LANGUAGES = ("en", "ru", "uk")


# Only ``capabilities.emergency_hold`` is read by the doorbell's event types.
_RUNTIME_WITH_MISSED: Any = SimpleNamespace(capabilities=SimpleNamespace(emergency_hold=False))


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
    # Pure Python, pinned, and the same pin the tests install.
    assert manifest["requirements"] == ["segno==1.6.6"]
    assert "segno==1.6.6" in (INTEGRATION.parents[1] / "requirements_test.txt").read_text()
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


def _descriptions() -> list[tuple[str, EntityDescription]]:
    """Every entity description of every platform: module-level ones and tuples of them."""
    found: list[tuple[str, EntityDescription]] = []
    for platform in PLATFORMS:
        module = importlib.import_module(f"custom_components.bas_ip.{platform.value}")
        for value in vars(module).values():
            candidates = value if isinstance(value, tuple) else (value,)
            # Descriptions instantiated from Home Assistant's frozen-or-thawed
            # base classes are instances of a twin class: recognised by name.
            found += [
                (platform.value, candidate)
                for candidate in candidates
                if isinstance(candidate, EntityDescription)
                or type(candidate).__name__.endswith("EntityDescription")
            ]
    return found


def test_every_entity_translated_and_iconed() -> None:
    """Each entity has a translated name and an icon; enum states and event types have texts."""
    english = load("translations/en.json")["entity"]
    icons = load("icons.json")["entity"]
    descriptions = _descriptions()
    # Every platform the integration sets up contributes.
    assert {platform for platform, _ in descriptions} == {p.value for p in PLATFORMS}
    assert len(descriptions) >= 25
    for platform, description in descriptions:
        key = description.translation_key
        if key is None:
            # Named by its device class (the restart button), as core does.
            assert description.device_class is not None, description.key
            continue
        assert english[platform][key]["name"], key
        icon = icons[platform][key]["default"] if key in icons.get(platform, {}) else None
        # The restart button's icon comes with its device class.
        assert icon is not None or description.device_class is not None, key
        if icon is not None:
            assert icon.startswith("mdi:"), key
        for option in getattr(description, "options", None) or []:
            assert english[platform][key]["state"][option], (key, option)
        for event_type in getattr(description, "event_types", None) or []:
            assert english[platform][key]["state_attributes"]["event_type"]["state"][event_type]
    for description in LOG_EVENTS:
        types = description.types_fn(_RUNTIME_WITH_MISSED)
        states = english["event"][description.translation_key]["state_attributes"]
        for event_type in types:
            assert states["event_type"]["state"][event_type], event_type
    assert set(english["event"]["access"]["state_attributes"]["method"]["state"]) == set(METHODS)
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


def test_every_action_documented() -> None:
    """Each action in services.yaml has a translated name, description, fields and an icon."""
    services = load_yaml_dict(INTEGRATION / "services.yaml")
    icons = load("icons.json")["services"]
    assert set(services) == {
        "hold_door_open",
        "end_hold_open",
        "set_sip_settings",
        "create_guest_pass",
        "revoke_guest_pass",
        "list_guest_passes",
    }
    assert set(icons) == set(services)
    for language in LANGUAGES:
        texts = load(f"translations/{language}.json")["services"]
        assert set(texts) == set(services), language
        for name, service in services.items():
            assert texts[name]["name"], (language, name)
            assert texts[name]["description"], (language, name)
            for field in service.get("fields", {}):
                assert texts[name]["fields"][field]["name"], (language, name, field)
                assert texts[name]["fields"][field]["description"], (language, name, field)
