"""Walk a Search API v3 query to its last page by following its cursor, sync and async.

Written by the crm-openapi pipeline (scripts/generator/modules/zendesk-sell), not by hand.

    from zendesk_sell_client.search_pages import iterate
    for hit in iterate(client, "contacts", {"filter": {...}, "projection": [{"name": "email"}]}):
        print(hit.data.additional_properties)
"""

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Literal

from .api.search import search_contacts, search_deals, search_leads, search_notes, search_tasks
from .client import AuthenticatedClient
from .models import SearchHit, SearchRequest, SearchResponse
from .types import Unset

Resource = Literal["contacts", "deals", "leads", "notes", "tasks"]
SEARCHES = {
    "contacts": search_contacts,
    "deals": search_deals,
    "leads": search_leads,
    "notes": search_notes,
    "tasks": search_tasks,
}
MAX_PER_PAGE = 200


def _request(query: Mapping[str, Any] | None, per_page: int, cursor: str | None) -> SearchRequest:
    data: dict[str, Any] = {"query": dict(query or {}), "per_page": per_page}
    if cursor is not None:
        data["cursor"] = cursor
    return SearchRequest.from_dict({"items": [{"data": data}]})


def _page(parsed: SearchResponse) -> tuple[list[SearchHit], str | None]:
    """The hits of a result and the cursor of the next page (None on the last page).

    `sync()` / `asyncio()` already raised the typed error (errors.py) for any other answer."""
    (result,) = parsed.items
    links = result.meta.links
    cursor = None if isinstance(links, Unset) else links.next_page
    return list(result.items), (None if isinstance(cursor, Unset) else cursor)


def iterate(
    client: AuthenticatedClient,
    resource: Resource,
    query: Mapping[str, Any] | None = None,
    *,
    per_page: int = MAX_PER_PAGE,
) -> Iterator[SearchHit]:
    """Every hit of `query` (projection, filter, sort) over `resource`, page after page."""
    cursor: str | None = None
    while True:
        request = _request(query, per_page, cursor)
        hits, cursor = _page(SEARCHES[resource].sync(client=client, body=request))
        yield from hits
        if cursor is None or not hits:
            return


async def aiterate(
    client: AuthenticatedClient,
    resource: Resource,
    query: Mapping[str, Any] | None = None,
    *,
    per_page: int = MAX_PER_PAGE,
) -> AsyncIterator[SearchHit]:
    """The async twin of `iterate`."""
    cursor: str | None = None
    while True:
        request = _request(query, per_page, cursor)
        hits, cursor = _page(await SEARCHES[resource].asyncio(client=client, body=request))
        for hit in hits:
            yield hit
        if cursor is None or not hits:
            return
