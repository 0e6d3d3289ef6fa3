"""Log items in the device's shapes, and the ``info.model`` of access events.

The real shape (an access-control system's dump of a real panel,
docs/device-api.md "Event log"):

    {"timestamp": ms, "category": ..., "priority": ...,
     "name": {"key": ..., "text": "<English name>"},
     "info": {"text": "<short description>", "model": {...}}}

An access event's model is ``{"lock", "owner", "number",
"apartment_address", "type"}`` with ``type`` one of ``card``,
``input_code``, ``qr``, ``face_id`` (also ``ukey``, ``license_plate``).
The legacy shape, which the simulator first used, has ``name: {key,
localized, english}``, ``info: {model}`` and ``card``/``code`` instead of
``number``/``type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .behaviour import ItemShape
from .names import english_name

# Priority per category (inferred: the vendor pages show "low" for info items).
PRIORITIES: Final[Mapping[str, str]] = {"info": "low", "warning": "medium", "error": "high"}
# How info.text names each identifier type (inferred wording).
TYPE_LABELS: Final[Mapping[str, str]] = {
    "card": "Card",
    "input_code": "Code",
    "qr": "QR code",
    "face_id": "Face",
    "ukey": "UKEY",
    "license_plate": "Licence plate",
}
# The legacy model named the identifier by its kind instead of number + type.
_LEGACY_FIELDS: Final[Mapping[str, str]] = {"card": "card", "input_code": "code"}

DEFAULT_OWNER: Final = "Olena Shevchuk"
DEFAULT_APARTMENT: Final = "1-1-101"


def access_model(
    kind: str,
    number: str,
    *,
    lock: int | None = None,
    owner: str | None = None,
    apartment: str | None = None,
) -> dict[str, Any]:
    """Build the ``info.model`` of an access event; ``None`` fields are left out."""
    model: dict[str, Any] = {}
    if lock is not None:
        model["lock"] = lock
    if owner is not None:
        model["owner"] = owner
    model["number"] = number
    if apartment is not None:
        model["apartment_address"] = apartment
    model["type"] = kind
    return model


def legacy_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """Rewrite a card or code model as the legacy shape had it: ``{"card"|"code", "lock"}``."""
    field = _LEGACY_FIELDS.get(str(model.get("type")))
    if field is None or "number" not in model:
        return dict(model)
    legacy: dict[str, Any] = {field: model["number"]}
    if "lock" in model:
        legacy["lock"] = model["lock"]
    return legacy


def describe(key: str, model: Mapping[str, Any]) -> str:
    """Write a short English ``info.text``; never the identifier itself (inferred wording)."""
    parts: list[str] = []
    label = TYPE_LABELS.get(str(model.get("type")))
    if label is not None:
        parts.append(label)
    if isinstance(model.get("owner"), str) and model["owner"]:
        parts.append(f"owner {model['owner']}")
    if isinstance(model.get("apartment_address"), str):
        parts.append(f"apartment {model['apartment_address']}")
    elif label is None and isinstance(model.get("number"), str):
        # A call names the called apartment.
        parts.append(f"apartment {model['number']}")
    if "lock" in model:
        parts.append(f"lock {model['lock']}")
    return ", ".join(parts) if parts else english_name(key)


def make_item(
    key: str,
    *,
    timestamp_ms: int,
    info: Mapping[str, Any] | None,
    category: str,
    shape: ItemShape = "real",
) -> dict[str, Any]:
    """One log item in ``shape``; ``info`` is its ``info.model``."""
    name = english_name(key)
    model = dict(info or {})
    item: dict[str, Any] = {
        "timestamp": timestamp_ms,
        "category": category,
        "priority": PRIORITIES.get(category, "low"),
    }
    if shape == "legacy":
        # The simulator only speaks English: ``localized`` equals ``english`` (inferred).
        item["name"] = {"key": key, "localized": name, "english": name}
        item["info"] = {"model": legacy_model(model)}
    else:
        item["name"] = {"key": key, "text": name}
        item["info"] = {"text": describe(key, model), "model": model}
    return item


def identifiers_in(key: str, model: Mapping[str, Any]) -> set[str]:
    """Card numbers, codes and QR numbers an item shows (secrets for the log guard).

    ``card`` and ``code`` (legacy) always; ``number`` only where it is an
    identifier (an access event, or a model with a ``type``), not the called
    apartment of a ring.
    """
    found = {
        value for field in ("card", "code") if isinstance(value := model.get(field), str) and value
    }
    number = model.get("number")
    is_access = "type" in model or key.startswith("access_")
    if is_access and isinstance(number, str) and number:
        found.add(number)
    return found
