"""Shared plumbing of the command line: exit codes, input and output, key loading."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from thaivc.core.errors import ThaiVCError
from thaivc.core.jsonutil import loads_strict

__all__ = [
    "EXIT_FAILED",
    "EXIT_INDETERMINATE",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "add_command",
    "add_common",
    "add_json_flag",
    "add_key_option",
    "add_out_option",
    "fold_id",
    "load_signing_key",
    "mark",
    "print_json",
    "read_input",
    "read_json_file",
    "write_output",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_INDETERMINATE: Final = 3
#: thaivc itself broke (a bug): never 1, which means "the input is forged or wrong".
EXIT_INTERNAL: Final = 4

#: Symbols and the plain words a console that cannot show them gets instead.
_MARKS: Final = {"✔": "OK", "✘": "FAIL", "–": "-", "✓": "OK", "✗": "FAIL"}


def mark(symbol: str) -> str:
    """``symbol`` if standard output can encode it (UTF-8 terminals), else a plain word.

    A Thai Windows console (cp874) shows Thai but not ✔/✘; an ASCII pipe shows neither.
    """
    encoding = getattr(sys.stdout, "encoding", None)
    if encoding is None:  # an in-memory text stream holds any character
        return symbol
    try:
        symbol.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return _MARKS.get(symbol, "?")
    return symbol


def tolerant_streams() -> None:
    """Let standard output and error replace what their encoding cannot show, instead of crashing.

    Thai text on an ASCII console becomes ``?``; the exit code, which scripts read, is unchanged.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream: leave it be
                reconfigure(errors="replace")


#: Files the CLI reads may be larger than one token (a credential with many claims, a CSV).
MAX_FILE_BYTES: Final = 16 * 1024 * 1024


class CliError(Exception):
    """A user-facing error: printed as one line, mapped to an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every command understands (none yet beyond --help/--version)."""


def fold_id(text: str, *, kind: str, option: str) -> str:
    """An ID as typed (Thai digits, spaces, dashes) folded to 13 ASCII digits, or exit 1 "invalid".

    Every command that takes a citizen or juristic ID calls this, so a typed ID is read the same way
    everywhere: a folded one is said so on standard error, an invalid one is refused with exit 1
    (the input is wrong), never with the usage code.
    """
    from thaivc.thai import is_valid_citizen_id, is_valid_juristic_id, normalize_id

    try:
        digits = normalize_id(text)
    except ThaiVCError:
        raise CliError(f"{option} {text}: INVALID {kind} ID (not 13 digits)", exit_code=EXIT_FAILED) from None
    valid = is_valid_juristic_id(digits) if kind == "juristic" else is_valid_citizen_id(digits)
    if not valid:
        raise CliError(f"{option} {text}: INVALID {kind} ID (wrong check digit)", exit_code=EXIT_FAILED)
    if digits != text:
        print(f"note: {option} {text} was read as {digits} (Thai digits, spaces and dashes folded)", file=sys.stderr)
    return digits


# -- option builders: one spelling of each option the commands share ----------------------------------


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    body: str,
    handler: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """A sub-command with its one-line ``summary``, its ``body`` (kept as written) and its handler."""
    parser = sub.add_parser(name, help=summary, description=body, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(handler=handler)
    return parser


def add_json_flag(parser: argparse._ActionsContainer, help: str = "machine-readable output") -> None:
    """``--json``: print the result as JSON instead of text."""
    parser.add_argument("--json", action="store_true", help=help)


def add_out_option(
    parser: argparse._ActionsContainer,
    help: str = "write here instead of standard output",
    *,
    required: bool = False,
    metavar: str = "FILE",
) -> None:
    """``--out``: where the result is written (standard output when it is optional and absent)."""
    parser.add_argument("--out", required=required, metavar=metavar, help=help)


def add_key_option(parser: argparse._ActionsContainer, help: str, *, required: bool = True) -> None:
    """``--key FILE``: a private JWK file (see ``thaivc key generate``)."""
    parser.add_argument("--key", required=required, metavar="FILE", help=help)


def read_input(source: str | None, *, what: str = "input") -> str:
    """Text from a file path, or from standard input for ``-`` / no path."""
    try:
        if source in (None, "-"):
            if sys.stdin.isatty():
                raise CliError(f"no {what} given: pass a FILE or pipe it to standard input ('-')")
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            path = Path(source)
            if not path.is_file():
                raise CliError(f"cannot read {what}: {source} is not a file")
            with path.open("rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {what}: {exc.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CliError(f"{what} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{what} is not UTF-8 text") from None


def read_json_file(source: str | None, *, what: str) -> Any:
    text = read_input(source, what=what)
    try:
        return loads_strict(text, max_bytes=MAX_FILE_BYTES)
    except ThaiVCError as err:
        raise CliError(f"{what} is not valid JSON ({err.code}: {err.detail})") from None


def write_output(path: str | None, text: str) -> None:
    """Write to ``path`` (created with mode 0644), or print to standard output."""
    if path in (None, "-"):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    assert path is not None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def load_signing_key(path: str) -> Any:
    """A private key from a JWK file; a public key is refused with a clear message."""
    from thaivc.keys import PrivateKey, load_key

    if not Path(path).is_file():
        raise CliError(f"key file {path} not found (create one with: thaivc key generate --out {path})")
    try:
        key = load_key(path)
    except ThaiVCError as err:
        raise CliError(f"cannot load key {path}: {err.detail}") from None
    if not isinstance(key, PrivateKey):
        raise CliError(f"{path} holds a public key; signing needs the private key file")
    return key
