"""Helpers shared by the benchmark scripts in bench/ (not a benchmark itself).

Only the standard library: timing with time.perf_counter, subprocesses with subprocess.
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository root
EXAMPLES = ROOT / "examples"


def use_checkout() -> None:
    """Import artlab_cost from this checkout, whatever is installed."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def tool_command(cmd: str | None) -> list[str]:
    """The artlab-cost command: --cmd split like a shell would, else this interpreter with -m artlab_cost."""
    if cmd:
        return shlex.split(cmd)
    return [sys.executable, "-m", "artlab_cost"]


PYCACHE = Path(tempfile.gettempdir()) / "artlab-cost-bench-pycache"


def child_env() -> dict[str, str]:
    """The environment for timed children: no terminal width or pricing override leaking in.

    Bytecode is cached (as for any installed program), but under a prefix in the temporary
    directory, so that PYTHONDONTWRITEBYTECODE=1 does not make every run compile from source
    and no run writes __pycache__ into the checkout or site-packages. The warm-up runs fill it.
    """
    env = dict(os.environ)
    for key in ("COLUMNS", "ARTLAB_COST_PRICING", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"):
        env.pop(key, None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["NO_COLOR"] = "1"
    return env


class Timed:
    """The outcome of one timed subprocess."""

    def __init__(self, seconds: float, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.seconds = seconds
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run_timed(argv: list[str], env: dict[str, str] | None = None) -> Timed:
    """Wall time of one subprocess, from spawn to exit, output captured through pipes."""
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env if env is not None else child_env(), capture_output=True)
    seconds = time.perf_counter() - start
    return Timed(seconds, proc.returncode, proc.stdout, proc.stderr)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float]) -> str:
    """min-max of the samples, for a sense of the noise."""
    if not values:
        return "-"
    return f"{fmt_s(min(values))}-{fmt_s(max(values))}"


def fmt_s(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "n/a"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(value: float) -> str:
    return "n/a" if value != value else f"{value:.2f}x"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISSED")


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A plain text table; columns in `right` are right-aligned."""
    right = right if right is not None else set(range(1, len(headers)))
    widths = [max(len(str(x)) for x in [h, *(r[i] for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def machine() -> str:
    return f"Python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} CPUs, load average " + (
        " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    )


def machine_load() -> str:
    """The load average now: the other work on a shared machine the figures were taken beside."""
    return "load average " + (" ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a")


def first_error(stderr: bytes) -> str:
    lines = [ln for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip() and not ln.startswith("note:")]
    return lines[-1] if lines else "(no message on stderr)"
