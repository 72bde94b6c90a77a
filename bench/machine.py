"""How busy the machine was with work that is not the benchmark's, read from /proc.

A benchmark on a shared 2-core machine is only as good as the quiet around it: every measured run
records the CPU time that other processes (not descendants of this one, nor of its PostgreSQL
cluster) used meanwhile, as a share of the machine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def snapshot() -> dict[int, tuple[int, int]]:
    """Return every process's parent and CPU time so far (user + system, in clock ticks)."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        # After "pid (comm)": state ppid … utime (14th field overall) stime (15th).
        processes[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return processes


def descendants(processes: dict[int, tuple[int, int]], roots: set[int]) -> set[int]:
    """Return ``roots`` and every process below them."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in processes.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid not in found:
            found.add(pid)
            stack.extend(children.get(pid, []))
    return found


def others_cpu_share(before: dict, after: dict, roots: set[int], seconds: float) -> float:
    """Return the share (0–1 of all cores) of CPU that processes outside ``roots``' trees used between snapshots."""
    ours = descendants(after, roots) | descendants(before, roots)
    ticks = sum(cpu - before.get(pid, (0, 0))[1] for pid, (_, cpu) in after.items() if pid not in ours)
    return max(0.0, ticks / TICKS_PER_S / seconds / (os.cpu_count() or 1))


class OthersMeter:
    """Measure other processes' CPU share over a stretch of time: ``start()``, then ``share()``."""

    def __init__(self, roots: set[int]):
        self.roots = roots
        self._before: dict = {}
        self._started = 0.0

    def start(self) -> None:
        """Take the first snapshot."""
        self._before, self._started = snapshot(), time.monotonic()

    def share(self) -> float:
        """Return the others' CPU share (0–1) since ``start()``."""
        seconds = max(time.monotonic() - self._started, 1e-6)
        return round(others_cpu_share(self._before, snapshot(), self.roots, seconds), 3)
