"""Reading every page of a paginated list call (webhooks, identifiers)."""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable
from typing import Any, Final

from .models._fields import invalid, read_object

LIST_PAGE_LIMIT: Final = 50


def is_last_page(body: dict[str, Any], page: int, count: int) -> bool:
    """Whether no page follows ``page``: the device says so, or the page was not full."""
    options = body.get("list_option", body.get("list_options"))
    pagination = options.get("pagination") if isinstance(options, dict) else None
    total_pages = pagination.get("total_pages") if isinstance(pagination, dict) else None
    if isinstance(total_pages, int) and not isinstance(total_pages, bool):
        return page >= total_pages
    return count < LIST_PAGE_LIMIT


async def read_pages[T](
    fetch: Callable[[dict[str, str]], Awaitable[Any]],
    parse: Callable[[Any], T],
    uid: Callable[[T], int],
    *,
    what: str,
    max_pages: int,
) -> builtins.list[T]:
    """Read up to ``max_pages`` pages of ``LIST_PAGE_LIMIT``; an entry seen twice counts once."""
    found: dict[int, T] = {}
    for page in range(1, max_pages + 1):
        params = {"limit": str(LIST_PAGE_LIMIT), "page_number": str(page)}
        body = read_object(await fetch(params), what)
        items = body.get("list_items")
        if not isinstance(items, builtins.list):
            raise invalid("list_items", "must be a list")
        for raw in items:
            entry = parse(raw)
            found.setdefault(uid(entry), entry)
        if is_last_page(body, page, len(items)):
            break
    return builtins.list(found.values())
