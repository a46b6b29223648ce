"""Walks paginated list operations (the `iterate()` / `aiterate()` of every paginated endpoint).

`fetch(page)` is the endpoint's own `sync` / `asyncio`: it returns the parsed page or raises.
A page that fails is retried by the client's transport (module `retries`); when it gives up,
the typed error of module `errors` propagates with `page` set to the page being fetched.

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any

from . import errors
from .types import Unset


def walk(value: Any, path: Sequence[str]) -> Any:
    """Follow attribute names (or dict keys) through a parsed response; None if any is unset."""
    for name in path:
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
        if value is None or isinstance(value, Unset):
            return None
    return value


class _Pages:
    """Which page comes next and when the walk ends (shared by the sync and async walks)."""

    def __init__(
        self,
        start: int,
        page_size: int | None,
        items: Sequence[str],
        next_page: Sequence[str] | None,
    ) -> None:
        self.page = start
        self.page_size = page_size
        self.items = items
        self.next_page = next_page

    def batch(self, parsed: Any) -> list[Any]:
        return list(walk(parsed, self.items) or [])

    def advance(self, parsed: Any, batch: list[Any]) -> bool:
        """Move to the next page; False when this one was the last.

        The end is the page without a next-page link when the API gives one (`next_page`),
        else the first page shorter than `page_size` (or empty, with the server's default size).
        """
        if self.next_page is not None:
            if not walk(parsed, self.next_page):
                return False
        elif not batch or (self.page_size is not None and len(batch) < self.page_size):
            return False
        self.page += 1
        return True


def iterate_pages(
    fetch: Callable[[int], Any],
    *,
    start: int,
    page_size: int | None,
    items: Sequence[str],
    next_page: Sequence[str] | None,
) -> Iterator[Any]:
    """Yield the items of page `start`, `start + 1`, ... until the last page."""
    pages = _Pages(start, page_size, items, next_page)
    while True:
        try:
            parsed = fetch(pages.page)
        except errors.ApiError as error:
            error.page = pages.page
            raise
        batch = pages.batch(parsed)
        yield from batch
        if not pages.advance(parsed, batch):
            return


async def aiterate_pages(
    fetch: Callable[[int], Awaitable[Any]],
    *,
    start: int,
    page_size: int | None,
    items: Sequence[str],
    next_page: Sequence[str] | None,
) -> AsyncIterator[Any]:
    """The async twin of `iterate_pages`."""
    pages = _Pages(start, page_size, items, next_page)
    while True:
        try:
            parsed = await fetch(pages.page)
        except errors.ApiError as error:
            error.page = pages.page
            raise
        batch = pages.batch(parsed)
        for item in batch:
            yield item
        if not pages.advance(parsed, batch):
            return
