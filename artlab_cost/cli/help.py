"""--help and Click's own messages in the reader's language, laid out in terminal cells.

Help text is written in English beside each option (the gettext way: the English is the message
id) and translated from `i18n/help-<lang>.po`. Click's usage errors ("No such option: --x") are
f-strings inside the library; their English wordings are catalogue entries (`click.*`), matched
whole and worded again in the reader's language.
"""

from __future__ import annotations

import functools
import inspect
import re
import string
from collections.abc import Sequence
from typing import Any

import typer.core
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperCommand, TyperGroup

from ..i18n import help_text, template, tr
from .lang import DEFAULT, current

# Click's and Typer's messages a user of this command line can meet, by catalogue code (the English entry is
# Click's wording, with its variable parts as placeholders).
CLICK_MESSAGES = (
    "click.missing-argument",
    "click.missing-option",
    "click.no-such-option",
    "click.no-such-option-possible",
    "click.requires-argument",
    "click.takes-no-value",
    "click.extra-arguments",
    "click.no-such-command",
    "click.no-such-command-suggest",
    "click.missing-command",
    "click.invalid-value",
    "click.invalid-value-plain",
    "click.not-one-of",
    "click.at-least",
    "click.at-most",
    "click.not-integer",
    "click.not-number",
)


def _local(text: str | None, lang: str) -> str | None:
    return None if text is None else help_text(text, lang)


def localize(command: Any, ctx: Context) -> None:
    """Put a command's help, epilog and its options' help in the reader's language (the command objects are
    made afresh for each run, so this changes nothing else)."""
    lang = current()
    if lang == DEFAULT or getattr(command, "_artlab_lang", DEFAULT) == lang:
        return
    command._artlab_lang = lang
    command.help = _local(command.help, lang)
    command.short_help = _local(command.short_help, lang)
    command.epilog = _local(command.epilog, lang)
    for param in command.get_params(ctx):
        if getattr(param, "help", None):
            param.help = help_text(param.help, lang)
    for sub in getattr(command, "commands", {}).values():
        localize(sub, ctx)


# Typer's own words in --help, which it passes through gettext (ours, below).
TYPER_WORDS = ("Options", "Arguments", "Commands", "default: {default}", "required")


def help_strings(command: Any, ctx: Context) -> list[str]:
    """Every help text of a command and its subcommands, in English, as the translations are keyed (a test
    checks each has a translation in every language)."""
    found = [inspect.cleandoc(t) for t in (command.help, command.short_help, command.epilog) if t]
    found += [inspect.cleandoc(p.help) for p in command.get_params(ctx) if getattr(p, "help", None)]
    for sub in getattr(command, "commands", {}).values():
        found += help_strings(sub, Context(sub, parent=ctx, info_name=sub.name))
    return list(dict.fromkeys(found))


def _paragraphs(text: str, room: int, indent: str) -> list[str]:
    """Click's paragraph rules, measured in cells: blank lines part paragraphs, a paragraph is rewrapped unless its
    first line is \\b."""
    from ..render.grid import wrap  # help only: a run that prints a result never lays out help

    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        if lines[0].strip() == "\b":
            out += [indent + line for line in lines[1:]]
        else:
            joined = " ".join(line.strip() for line in lines)
            out += [indent + line for line in wrap(joined, max(room - len(indent), 10))]
        out.append("")
    return out[:-1]


class CellFormatter(HelpFormatter):
    """Click's help formatter, with text measured in terminal cells (a Chinese character takes two) and wrapped
    where Chinese may break; used for languages other than English."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{tr(current(), 'cli.heading', heading=heading)}\n")

    def write_text(self, text: str) -> None:
        self.write("\n".join(_paragraphs(text, self.width, " " * self.current_indent)) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        from ..render.grid import width

        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _paragraphs(second, max(self.width - first_col - 2, 10), "")
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class LocalContext(Context):
    """A Click context whose help is laid out in cells when the language is not English."""

    def make_formatter(self) -> HelpFormatter:
        if current() == DEFAULT:
            return super().make_formatter()
        return CellFormatter(width=self.terminal_width, max_width=self.max_content_width)


class _Local(Command):
    """Help in the reader's language, for Typer's command and group classes alike (mixed in before them)."""

    context_class = LocalContext

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        localize(self, ctx)
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=tr(current(), "cli.usage"))


class LocalCommand(_Local, TyperCommand):
    """A command whose help is in the reader's language."""


class LocalGroup(_Local, TyperGroup):
    """The app: its help and its command list in the reader's language."""


# Typer words its help sections and markers ("Options", "default: {default}") through gettext: through ours.
typer.core._ = lambda message: help_text(message, current())  # type: ignore[attr-defined]


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each Click message's English wording as a pattern, its placeholders as named groups; longest first, so
    that 'No such option: {option} (Possible options: {options})' is tried before 'No such option: {option}'."""
    out = []
    for code in CLICK_MESSAGES:
        parts = string.Formatter().parse(template(code, DEFAULT))
        pattern = "".join(re.escape(literal) + (f"(?P<{field}>.+?)" if field else "") for literal, field, _, _ in parts)
        out.append((code, re.compile(pattern, re.DOTALL)))
    return sorted(out, key=lambda item: -len(template(item[0], DEFAULT)))


def click_message(text: str, lang: str) -> str:
    """A message of Click's in a language: matched whole against Click's English wordings, its parts worded too
    (an 'Invalid value for --top:' carries the reason); as it is when nothing matches."""
    if lang == DEFAULT:
        return text
    for code, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found:
            parts = {name: click_message(value, lang) for name, value in found.groupdict().items()}
            return template(code, lang).format_map(parts)
    return text
