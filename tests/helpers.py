"""Assertions shared by the loading and validation tests."""

from __future__ import annotations

from artlab_cost.errors import InputError, Problem


def expect_one(err: InputError | list[Problem], file: str, line: int, col: int, path: str, *fragments: str) -> Problem:
    """Exactly one problem, printed `FILE:LINE:COLUMN: path: message`, with each fragment in the message."""
    problems = err.problems if isinstance(err, InputError) else err
    shown = "\n".join(str(p) for p in problems)
    assert len(problems) == 1, shown
    problem = problems[0]
    assert (problem.file, problem.line, problem.column, problem.path) == (file, line, col, path), shown
    located = f"{file}:{line}:{col}" if line else file
    assert str(problem).startswith(f"{located}: {path}: " if path else f"{located}: "), shown
    for fragment in fragments:
        assert fragment in problem.message, shown
    return problem
