"""The HTML report in a real browser: every chart drawn, nothing fetched, no console error, phone and desktop.

Chromium (Debian's package) driven headless by Playwright, which uses that browser and downloads
none. `.ci/run` installs both and sets ARTLAB_COST_BROWSER_TESTS=required, so in CI a missing
browser fails these tests; on a developer's machine without one they are skipped, saying why.
When $ARTLAB_COST_ARTIFACTS names a folder (`.ci/run` names test-artifacts/), screenshots at 1280
and 390 pixels wide are saved under its browser/ to look at; without it none are taken, which is
most of this test's time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLE_IDS, ROOT, comparison, diff_result, example, in_ci

from artlab_cost.i18n import money
from artlab_cost.render import View, html
from artlab_cost.render.charts import tracks

REQUIRED = os.environ.get("ARTLAB_COST_BROWSER_TESTS") == "required"
ASKED = os.environ.get("ARTLAB_COST_ARTIFACTS")
ARTIFACTS = ROOT / ASKED / "browser" if ASKED else None  # relative to the repository root, as .ci/run names it
WIDTHS = (1280, 390)
# What Chromium needs to start headless in a container and open nothing of its own on the network.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _chromium() -> str | None:
    named = os.environ.get("ARTLAB_COST_CHROMIUM")
    if named:
        return named
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def _missing(why: str) -> None:
    if REQUIRED:
        pytest.fail(f"browser tests are required here (ARTLAB_COST_BROWSER_TESTS=required): {why}")
    pytest.skip(f"no browser to test the HTML report in: {why}")


class Tab:
    """One browser page for every report: what its console said and what it asked the network for."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on(
            "console", lambda m: self.problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda e: self.problems.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))


@pytest.fixture(scope="session")
def tab() -> Iterator[Tab]:
    """One Chromium and one page for each test process that runs a report's test, which loads its page in it. These
    tests are collected first (conftest.py), so in a parallel run one worker runs them all in one browser."""
    executable = _chromium()
    if executable is None:
        _missing("chromium is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install '.[test]')")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=executable, args=FLAGS)
        yield Tab(chromium.new_page(viewport={"width": WIDTHS[0], "height": 900}))
        chromium.close()


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the reports are written to be opened: beside their screenshots when those are asked for."""
    if ARTIFACTS is None:
        return tmp_path_factory.mktemp("browser")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Report:
    """A report, and what its charts must show: bars in the monthly or plans chart, lines, tracks."""

    def __init__(self, text: str, bars: int, lines: int, tracks: list[int], cash: str = "") -> None:
        self.text, self.bars, self.lines, self.tracks, self.cash = text, bars, lines, tracks, cash


def _estimate(stem: str, lang: str = "en") -> Callable[[], Report]:
    def make() -> Report:
        result = example(stem).estimate
        text = html.estimate(result, View(lang=lang))
        points = [len(t.points) for t in tracks(result)]
        return Report(text, len(result.bills), 2, points, money(result.totals.cash))

    return make


def _plans(stem: str) -> Callable[[], Report]:
    def make() -> Report:
        c = comparison(stem)
        rows = len(c.plans) + (1 if all(p.actions != c.baseline.actions for p in c.plans) else 0)
        return Report(html.plans(c, View(scenario_path=f"examples/{stem}.yaml")), rows, 0, [])

    return make


def _diff() -> Report:
    d = diff_result()
    return Report(html.diff(d, View()), 2 * len(d.months), 0, [])


REPORTS: dict[str, Callable[[], Report]] = {
    **{f"estimate-{stem}": _estimate(stem) for stem in EXAMPLE_IDS},
    "estimate-student-trial-zh": _estimate("student-trial", "zh"),
    **{f"plans-{stem}": _plans(stem) for stem in EXAMPLE_IDS},
    "diff-new-user-starter": _diff,
}
# Every run opens one report of each kind and language, those with the most to draw (tracks of every kind,
# dedicated hours, ranges of plans); the ci profile opens them all.
EVERY_RUN = {"estimate-new-user-starter", "estimate-studio-dedicated-comfyui", "estimate-student-trial-zh",
             "plans-new-user-starter", "plans-studio-dedicated-comfyui", "diff-new-user-starter"}  # fmt: skip

DRAWN = """([variant, kind]) => {
  const svgs = [...document.querySelectorAll(`svg.${variant}[data-chart="${kind}"]`)];
  const shown = svgs.filter(s => s.getBoundingClientRect().width > 0);
  const bars = shown.flatMap(s => [...s.querySelectorAll('g.col, g.row')]);
  const segs = shown.flatMap(s => [...s.querySelectorAll('rect.seg')]);
  return {
    charts: svgs.length, shown: shown.length, bars: bars.length,
    drawn: segs.every(r => { const b = r.getBBox(); return b.width > 0 && b.height > 0; }),
    lines: shown.flatMap(s => [...s.querySelectorAll('g.line polyline')]).length,
    points: shown.flatMap(s => [...s.querySelectorAll('g.line polyline')])
      .map(p => p.points.numberOfItems),
  };
}"""
TRACKS = """() => [...document.querySelectorAll('figure.track svg')].map(s => ({
  width: s.getBoundingClientRect().width,
  points: s.querySelector('polyline.balance') ? s.querySelector('polyline.balance').points.numberOfItems : 0,
}))"""


def _open(tab: Tab, folder: Path, name: str, report: Report) -> str:
    """The report written to a file and opened from it, on a screen as wide as a desktop's; its URL."""
    page_file = folder / f"{name}.html"
    page_file.write_text(report.text, encoding="utf-8")
    url = page_file.resolve().as_uri()
    tab.problems.clear()
    tab.requests.clear()
    tab.page.emulate_media(media="screen")
    tab.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    tab.page.goto(url)
    return url


def _check(tab: Tab, folder: Path, name: str, report: Report) -> None:
    """One report at each width: one chart drawing shown, every bar, line and track drawn, the summary's cash,
    nothing wider than the screen; no console error and no request but the page itself."""
    url = _open(tab, folder, name, report)
    kind = "rows" if name.startswith("plans") else "columns"
    page = tab.page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        variant = "wide" if width > 600 else "narrow"  # the page's breakpoint
        drawn = page.evaluate(DRAWN, [variant, kind])
        assert drawn["shown"] == drawn["charts"] == 1, (width, drawn)
        assert drawn["bars"] == report.bars and drawn["drawn"], (width, drawn)
        assert drawn["lines"] == report.lines and all(n == report.bars for n in drawn["points"]), drawn
        drawn_tracks = page.evaluate(TRACKS)
        assert [t["points"] for t in drawn_tracks] == report.tracks, drawn_tracks  # every point of every track
        assert all(t["width"] > 0 for t in drawn_tracks), drawn_tracks
        if report.cash:
            assert page.inner_text("tr.key td.n") == report.cash
        # On a phone nothing is wider than the screen: wide tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if ARTIFACTS is not None:
            page.screenshot(path=str(folder / f"{name}-{width}.jpeg"), full_page=name in WHOLE, quality=75)
    assert tab.problems == [], tab.problems
    assert tab.requests == [url], tab.requests  # the page itself, and nothing else


# Whole-page screenshots of these (the others: what the screen shows first), to look at after a run.
WHOLE = {"estimate-studio-dedicated-comfyui", "estimate-student-trial-zh", "plans-new-user-starter",
         "diff-new-user-starter"}  # fmt: skip


@pytest.mark.parametrize("name", [name if name in EVERY_RUN else in_ci(name, id=name) for name in REPORTS])
def test_the_report_opens_offline_with_every_chart_drawn(tab: Tab, pages: Path, name: str) -> None:
    _check(tab, pages, name, REPORTS[name]())


def test_printed_the_report_draws_the_wide_chart(tab: Tab, pages: Path) -> None:
    """On paper the wide drawing, whatever the window's width."""
    _open(tab, pages, "diff-new-user-starter-printed", _diff())
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 900})
    page.emulate_media(media="print")
    assert page.is_visible("svg.wide") and not page.is_visible("svg.narrow")
