"""Where the bundled rule and knowledge-base directories are.

In a checkout (or an editable install) they sit at the top of the repository, beside the
``engine`` package. A wheel carries copies inside the package under ``engine/_data`` (see
``pyproject.toml``), so an installed runstrong finds them from any working directory.
"""

from __future__ import annotations

from pathlib import Path

from engine.contract.errors import InputError, Problem

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """The bundled ``rules`` or ``knowledge_base`` directory."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"runstrong's bundled '{name}' directory is missing; reinstall the package"
    )


def rules_dir() -> Path:
    return bundled_dir("rules")


def knowledge_base_dir() -> Path:
    return bundled_dir("knowledge_base")


def resolved(path: Path) -> Path:
    """The absolute path with symlinks followed; a symlink loop (or a path the system cannot
    follow) is bad input naming the path, not a crash."""
    try:
        # strict: 3.13's non-strict resolve() returns a looping path unresolved instead of
        # raising, so the loop would surface later as "not found".
        return path.resolve(strict=True)
    except FileNotFoundError:
        return path.resolve()  # missing: the caller says what was not found
    except (RuntimeError, OSError) as error:
        # Python 3.11 raises RuntimeError on a loop, 3.13 OSError (ELOOP).
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError([Problem(f"cannot follow the path ({reason})", file=str(path))]) from error
