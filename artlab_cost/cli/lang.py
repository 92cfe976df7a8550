"""The reader's language: --lang, else $ARTLAB_COST_LANG, else the locale (LC_ALL, then LC_MESSAGES, then LANG).

A zh* locale gives Chinese and anything else English. Only human text follows the language:
JSON keys, CSV headers, codes, ids, enum values and exit codes never do, so a script keeps
working when a CI runner's locale changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from ..errors import UsageError
from ..messages import LANGS, msg

LANG_ENV = "ARTLAB_COST_LANG"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence: the first one set decides
DEFAULT = "en"


class Lang(StrEnum):
    """The languages --lang accepts."""

    en = "en"
    zh = "zh"


_current = [DEFAULT]


def current() -> str:
    """The language of this run's human text."""
    return _current[0]


def use(lang: str) -> None:
    _current[0] = lang


def _tag(value: str) -> str:
    """The language of a locale or language tag: zh_CN.UTF-8 -> zh, en-GB -> en, C -> c."""
    return value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()


def from_environment(environ: Mapping[str, str]) -> str:
    """$ARTLAB_COST_LANG (en, zh, or a tag such as zh_CN), else the first locale variable that is set."""
    pinned = environ.get(LANG_ENV, "")
    if pinned:
        if _tag(pinned) not in LANGS:
            raise UsageError(msg("cli.lang-env", variable=LANG_ENV, value=pinned, languages=LANGS))
        return _tag(pinned)
    for name in LOCALE_VARS:
        value = environ.get(name, "")
        if value:
            return "zh" if _tag(value) == "zh" else DEFAULT
    return DEFAULT


def from_arguments(args: Sequence[str]) -> str | None:
    """The --lang of a command line (--lang zh or --lang=zh, before any --), read before Click parses it so that
    --help and Click's own errors are in that language too; None when absent or not a language."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        return value if value in LANGS else None
    return None
