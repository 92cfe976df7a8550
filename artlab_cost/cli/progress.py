"""The plan search's progress on stderr: only on a terminal, and only once a search has run for a second."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..i18n import money, tr
from ..messages import Yuan

if TYPE_CHECKING:
    from ..plans import Status

SHOW_AFTER = 1.0  # seconds: a quick search shows nothing


class SearchProgress:
    """A callback for `api.compare_plans(progress=...)`: one transient line with a spinner, cleared at the end."""

    def __init__(self, lang: str = "en") -> None:
        self.live: Any = None
        self.enabled = sys.stderr.isatty()
        self.lang = lang

    def __call__(self, status: Status) -> None:
        if not self.enabled or status.elapsed < SHOW_AFTER:
            return
        from rich.console import Console, Group
        from rich.live import Live
        from rich.spinner import Spinner

        if status.best is None:
            best = tr(self.lang, "progress.none-yet")
        else:
            best = tr(self.lang, "unit.yuan", n=money(status.best))
        args = {"runs": status.runs, "best": best, "seconds": f"{status.elapsed:.0f}"}
        if status.bound is None:
            line = tr(self.lang, "progress.searching", **args)
        else:
            line = tr(self.lang, "progress.searching-bound", bound=Yuan(status.bound), **args)
        view = Group(Spinner("dots", text=line))
        if self.live is None:
            self.live = Live(view, console=Console(stderr=True), transient=True, refresh_per_second=8)
            self.live.start()
        else:
            self.live.update(view)

    def __enter__(self) -> SearchProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.live is not None:
            self.live.stop()
