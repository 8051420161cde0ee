"""Where the bundled rule and knowledge-base directories are.

In a checkout (or an editable install) they sit at the top of the repository, beside the
``engine`` package. A wheel carries copies inside the package under ``engine/_data`` (see
``pyproject.toml``), so an installed runstrong finds them from any working directory.
"""

from __future__ import annotations

from pathlib import Path

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
