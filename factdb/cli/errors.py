"""The one place where failures become an ``Error: …`` line and an exit code."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from factdb.cli.coercion import install as install_plain_coercion
from factdb.errors import Action, FactdbError, Hint, HintedValueError, Setting

EXIT_FAILURE = 1
EXIT_USAGE = 2
DEBUG_ENV = "FACTDB_DEBUG"


class FactdbGroup(TyperGroup):
    """Typer's group, with every failure reported as one line on stderr instead of a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # Plain option values skip Pydantic's schema machinery (see factdb.cli.coercion).
        install_plain_coercion(self, self.context_settings.get("help_option_names", ["--help"]))
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except Exception as error:
            if os.environ.get(DEBUG_ENV):
                raise
            code = report(error)
            if not standalone_mode:
                raise
            sys.exit(code)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def report(error: BaseException) -> int:
    """Print the error as one line on stderr; return the exit code it maps to."""
    if type(error).__name__ == "NoArgsIsHelpError" and isinstance(error, typer.TyperException):
        # A group called without a command shows its help; that is not an error to report.
        error.show()  # type: ignore[attr-defined]
        return error.exit_code
    message, code = describe(error)
    typer.echo(f"Error: {message}", err=True)
    return code


def describe(error: BaseException) -> tuple[str, int]:
    if isinstance(error, FactdbError):
        return _one_line(with_hints(str(error), error.hints)), error.exit_code
    if isinstance(error, typer.TyperException):
        # Typer's usage errors (exit code 2) know the command they belong to.
        context = getattr(error, "ctx", None)
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        return _one_line(error.format_message()) + hint, error.exit_code
    if isinstance(error, typer.Abort):
        return "aborted", EXIT_FAILURE
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        return validation_message(error), EXIT_USAGE
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(error, SQLAlchemyError):
        return database_message(error), EXIT_FAILURE
    if isinstance(error, OSError):
        return _one_line(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")), 1
    return _one_line(f"unexpected {type(error).__name__}: {error}"), EXIT_FAILURE


# The option that gives each setting; a flag takes no value.
_OPTIONS: dict[Setting, str] = {
    Setting.COLUMN_MAP: "--map",
    Setting.NO_HEADER: "--no-header",
    Setting.ENCODING: "--encoding",
    Setting.DATE_FORMAT: "--date-format",
    Setting.QUOTE: "--quote",
    Setting.FORMAT: "--format",
    Setting.OVERWRITE: "--overwrite",
    Setting.ALLOW_DUPLICATE: "--allow-duplicate",
}
_FLAGS = frozenset({Setting.NO_HEADER, Setting.OVERWRITE, Setting.ALLOW_DUPLICATE})


def with_hints(message: str, hints: tuple[Hint, ...]) -> str:
    """The message, then what to do about it in the CLI's words."""
    if not hints:
        return message
    return f"{message}; {', or '.join(phrase(hint) for hint in hints)}"


def phrase(hint: Hint) -> str:
    """One hint as a command or option to use."""
    claim = hint.claim_id
    if hint.action is Action.UPGRADE_SCHEMA:
        return "run `factdb db upgrade`"
    if hint.action is Action.RESTORE_CLAIM:
        return f"restore it first with `factdb restore {claim}`"
    if hint.action is Action.ADD_APPEARANCE:
        return f"add this source to it with `factdb appearance add {claim} --source …`"
    if hint.action is Action.REREAD_CLAIM:
        return f"look again with `factdb show {claim}` (or `factdb history {claim}`)"
    if hint.setting is None:
        raise ValueError(f"a hint to give a setting names none: {hint}")
    option = _OPTIONS[hint.setting]
    if hint.setting in _FLAGS:
        return f"pass {option}"
    if hint.example is None:
        return f"give {option}"
    import shlex  # only when an error is worded: every command starts without it

    return f"give {option} (e.g. {option} {shlex.quote(hint.example)})"


def validation_message(error: Any) -> str:
    """``field: message`` for each problem, on one line."""
    parts = []
    for problem in error.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in problem["loc"] if not isinstance(part, int))
        text = str(problem["msg"]).removeprefix("Value error, ")
        refused = problem.get("ctx", {}).get("error")
        if isinstance(refused, HintedValueError):
            text = with_hints(text, refused.hints)
        parts.append(f"{location}: {text}" if location else text)
    return _one_line("; ".join(parts))


def database_message(error: Any) -> str:
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(error, StaleDataError):
        return "the claim changed while this command ran; look at it again and try again"

    original = getattr(error, "orig", None)
    detail = str(original if original is not None else error).strip().splitlines()
    first = detail[0] if detail else type(error).__name__
    if isinstance(error, IntegrityError):
        return _one_line(
            f"the database refused the change ({first}); if another user changed "
            "the same record at the same time, try again"
        )
    if isinstance(error, OperationalError):
        if any(word in first for word in ("locked", "could not serialize", "deadlock", "busy")):
            return _one_line(f"the database is busy ({first}); try again")
        if "connection" in first or "connect" in first:
            return _one_line(f"cannot reach the database: {first}")
        return _one_line(f"database error: {first}")
    return _one_line(f"database error: {first}")


# Up to the last '@': a password may contain raw '@'s.
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)\S+(?P<at>@)", re.I)
_DSN_PASSWORD = re.compile(r"(?P<head>password\s*=\s*)(?:'[^']*'|\S+)", re.I)


def _one_line(text: str) -> str:
    """One line, without any password a driver may have put in its message."""
    text = _URL_PASSWORD.sub(r"\g<head>***\g<at>", text)
    text = _DSN_PASSWORD.sub(r"\g<head>***", text)
    return " ".join(text.split())
