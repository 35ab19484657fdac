"""A small thread-safe least-recently-used cache, shared by the search results and rendered PDFs."""
import threading
from collections import OrderedDict


class LRUCache:
    """Up to ``size`` values; reading or writing a key makes it the newest, the oldest goes first."""

    def __init__(self, size):
        self.size = size
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The value stored under key, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value):
        """Store value under key, dropping the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
