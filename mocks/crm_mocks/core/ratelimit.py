"""A per-key request budget for vendors that document a rate limit.

Fixed windows: a key may make `limit` requests in each `window` seconds, counted from its first
request in the window. Coarser than a sliding window, but predictable in tests (a budget of N
allows exactly N requests, then refuses until the window ends) and O(1) per request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Count one request for `key`; False when its budget for this window is spent."""
        now = self._clock()
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
            if now - start >= self.window:
                start, used = now, 0
            if used >= self.limit:
                self._windows[key] = (start, used)
                return False
            self._windows[key] = (start, used + 1)
            return True

    def retry_after(self, key: str) -> float:
        """Seconds until `key` gets a fresh budget (0 when it has budget left)."""
        now = self._clock()
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
        if used < self.limit or now - start >= self.window:
            return 0.0
        return self.window - (now - start)

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()
