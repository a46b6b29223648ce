"""Read a Firehose v3 stream up to its top and say where to resume, sync and async.

Written by the crm-openapi pipeline (scripts/generator/modules/zendesk-sell), not by hand.
The vendor's advice: keep the returned position, poll again later from it, and judge the end by
`meta.top` only (an empty page that is not the top is normal).

    events, position = walk(client, "deals", saved_position or "tail")
"""

from typing import Any

from . import errors
from .api.firehose import read_firehose_stream
from .client import AuthenticatedClient
from .models import FirehoseEvent, FirehosePage, ReadFirehoseStreamStream
from .types import Response

MAX_LIMIT = 100


def _page(response: Response[Any]) -> FirehosePage:
    if response.status_code != 200 or not isinstance(response.parsed, FirehosePage):
        raise errors.UnexpectedStatus(response.status_code, response.content)
    return response.parsed


def walk(
    client: AuthenticatedClient,
    stream: ReadFirehoseStreamStream,
    position: str = "tail",
    *,
    limit: int = MAX_LIMIT,
    max_pages: int | None = None,
) -> tuple[list[FirehoseEvent], str]:
    """The events after `position` up to the stream's top, and the position to resume from.

    `max_pages` bounds the walk on a busy stream (the position returned then resumes there).
    """
    events: list[FirehoseEvent] = []
    pages = 0
    while max_pages is None or pages < max_pages:
        response = read_firehose_stream.sync_detailed(
            stream, client=client, position=position, limit=limit
        )
        page = _page(response)
        events += page.items
        position = page.meta.position
        pages += 1
        if page.meta.top:
            break
    return events, position


async def awalk(
    client: AuthenticatedClient,
    stream: ReadFirehoseStreamStream,
    position: str = "tail",
    *,
    limit: int = MAX_LIMIT,
    max_pages: int | None = None,
) -> tuple[list[FirehoseEvent], str]:
    """The async twin of `walk`."""
    events: list[FirehoseEvent] = []
    pages = 0
    while max_pages is None or pages < max_pages:
        response = await read_firehose_stream.asyncio_detailed(
            stream, client=client, position=position, limit=limit
        )
        page = _page(response)
        events += page.items
        position = page.meta.position
        pages += 1
        if page.meta.top:
            break
    return events, position
