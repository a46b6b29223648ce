"""Walks paginated list operations (used by the `iterate()` of every paginated endpoint).

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import errors
from .types import Response, Unset


def walk(value: Any, path: Sequence[str]) -> Any:
    """Follow attribute names (or dict keys) through a parsed response; None if any is unset."""
    for name in path:
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
        if value is None or isinstance(value, Unset):
            return None
    return value


def iterate_pages(
    fetch: Callable[[int], Response[Any]],
    *,
    start: int,
    page_size: int | None,
    items: Sequence[str],
    next_page: Sequence[str] | None,
) -> Iterator[Any]:
    """Yield the items of page `start`, `start + 1`, ... until the last page.

    The end is the page without a next-page link when the API gives one (`next_page`), else the
    first page shorter than `page_size` (or empty, when the size is the server's default).
    """
    page = start
    while True:
        response = fetch(page)
        if response.status_code != 200:
            raise errors.UnexpectedStatus(response.status_code, response.content)
        batch = walk(response.parsed, items) or []
        yield from batch
        if next_page is not None:
            if not walk(response.parsed, next_page):
                return
        elif not batch or (page_size is not None and len(batch) < page_size):
            return
        page += 1
