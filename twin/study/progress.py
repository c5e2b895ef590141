"""Progress of a long job on stderr: a rich bar on a terminal, plain lines anywhere else.

Under SLURM, ``nohup`` or a pipe, stderr is a file: a redrawn bar would be invisible (rich
disables it) or litter the log with control codes, so :func:`progress_bar` writes one plain line
every ``interval_s`` seconds instead, and a last one at the end::

    cases: 1,200/4,000 (30.0 %), 41.3 cases/s, elapsed 0:00:29, ETA 0:01:08
"""

from __future__ import annotations

import contextlib
import time
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

#: Seconds between two plain progress lines when stderr is not a terminal.
PLAIN_INTERVAL_S = 30.0


class RateColumn(ProgressColumn):
    """Items per second over rich's sliding window."""

    def __init__(self, unit: str):
        super().__init__()
        self.unit = unit

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f} {self.unit}/s", style="progress.data.speed")


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def plain_line(description: str, done: int, total: int, *, new: int, elapsed_s: float, unit: str) -> str:
    """One progress line: done/total, share, rate of this session and ETA at that rate.

    ``new`` counts the items done in this session (a resumed sweep starts with ``done > new``);
    the rate is ``new / elapsed_s`` [items/s] and the ETA ``(total - done) / rate`` [s].
    """
    share = 100.0 * done / total if total else 100.0
    line = f"{description}: {done:,}/{total:,} ({share:.1f} %)"
    if new > 0 and elapsed_s > 0:
        rate = new / elapsed_s
        line += f", {rate:,.1f} {unit}/s, elapsed {_clock(elapsed_s)}, ETA {_clock((total - done) / rate)}"
    else:
        line += f", elapsed {_clock(elapsed_s)}"
    return line


@contextlib.contextmanager
def _plain_lines(console: Console, *, total: int, description: str, unit: str, completed: int,
                 interval_s: float) -> Iterator[Callable[[int], None]]:
    start = time.monotonic()
    state = {"done": completed, "printed_at": start, "printed": completed}

    def emit(now: float) -> None:
        console.print(plain_line(description, state["done"], total, new=state["done"] - completed,
                                 elapsed_s=now - start, unit=unit), highlight=False, markup=False, soft_wrap=True)
        state["printed_at"], state["printed"] = now, state["done"]

    def advance(n: int = 1) -> None:
        state["done"] += n
        now = time.monotonic()
        if now - state["printed_at"] >= interval_s:
            emit(now)

    yield advance
    if state["printed"] != state["done"]:
        emit(time.monotonic())


@contextlib.contextmanager
def progress_bar(console: Console, *, total: int, description: str, unit: str = "cases",
                 completed: int = 0, interval_s: float = PLAIN_INTERVAL_S) -> Iterator[Callable[[int], None]]:
    """Context manager yielding ``advance(n)``.

    On an interactive terminal it draws a rich bar (done/total, rate, elapsed, ETA); elsewhere
    it prints a :func:`plain_line` at most every ``interval_s`` seconds and one at the end.
    """
    if not console.is_terminal:
        with _plain_lines(console, total=total, description=description, unit=unit, completed=completed,
                          interval_s=interval_s) as advance:
            yield advance
        return
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        RateColumn(unit), TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("ETA"),
                        TimeRemainingColumn(), console=console, transient=False, speed_estimate_period=60.0)
    with progress:
        task = progress.add_task(description, total=total, completed=completed)
        yield lambda n=1: progress.advance(task, n)
