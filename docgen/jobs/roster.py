"""The live workers of a queue, counted across processes and machines: each process running
workers writes how many it runs, with the time, into the queue's own key-value storage
(Huey's `kv` table of the SQLite queue, or the Redis hash) every few seconds; an entry
older than the queue's stale time is a worker that died. A PDF batch is cut into as many
parts as there are live workers (docgen.jobs.parts)."""

from __future__ import annotations

import json
import time

PREFIX = "docgen.worker:"
FORGET_AFTER = 10  # stale times after which a dead process's entry is deleted


class Roster:
    """Worker entries in `huey`'s storage; an entry counts while younger than `stale` s.
    Times are wall-clock seconds, so machines sharing a broker keep their clocks in step
    (NTP): a clock behind by more than `stale` only makes its workers count as absent."""

    def __init__(self, huey, stale: float):
        self.storage = huey.storage
        self.stale = stale

    def beat(self, identity: str, threads: int) -> None:
        """Say that process `identity` runs `threads` workers, as of now."""
        value = json.dumps({"threads": threads, "at": time.time()}).encode()
        self.storage.put_data(PREFIX + identity, value)

    def leave(self, identity: str) -> None:
        """Take `identity`'s entry off (its workers stopped)."""
        self.storage.delete_data(PREFIX + identity)

    def live(self) -> dict[str, int]:
        """Each live process and its worker count; entries dead for long are deleted."""
        now = time.time()
        found: dict[str, int] = {}
        for key, raw in self.storage.result_items().items():
            key = key.decode() if isinstance(key, bytes) else key
            if not key.startswith(PREFIX):
                continue  # Huey's own keys (locks, revocations)
            try:
                entry = json.loads(bytes(raw))
                threads, at = int(entry["threads"]), float(entry["at"])
            except (ValueError, KeyError, TypeError):
                continue
            age = now - at
            if age <= self.stale:
                found[key[len(PREFIX):]] = max(0, threads)
            elif age > FORGET_AFTER * self.stale:
                self.storage.delete_data(key)
        return found

    def count(self) -> int:
        """How many workers are live now, all processes together (0: none beats)."""
        return sum(self.live().values())
