"""Find the environment variables the project reads, statically (nothing is imported or run).

Sources: the fields of every pydantic ``BaseSettings`` class and of every subclass of the project's
base ``settings.base.EnvSettings`` (read as upper-case variables),
literal names in ``os.environ[...]``, ``os.environ.get(...)`` and ``os.getenv(...)``,
``${NAME}`` in YAML files, ``${NAME:-default}`` in shell scripts, and ``$(NAME)`` in Kubernetes
values. :func:`documented` reads the names ``.env.example`` lists (set or commented out).
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path
from typing import Dict, Iterable, List, Set

ROOT = Path(__file__).resolve().parents[2]
YAML_VAR = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
K8S_VAR = re.compile(r"\$\(([A-Z][A-Z0-9_]*)\)")
SHELL_VAR = re.compile(r"\$\{([A-Z][A-Z0-9_]*):-")
YAML_COMMENT = re.compile(r"(^|\s)#.*$", re.MULTILINE)
EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
ENVIRON_CALL = re.compile(r"""(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def tracked_files(root: Path = ROOT) -> List[Path]:
    """Every file git tracks in the repository (``git ls-files``)."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    return [root / name for name in out.stdout.decode("utf-8").split("\0") if name]


def settings_fields(source: str) -> Set[str]:
    """Upper-cased field names of the ``BaseSettings`` (or ``EnvSettings``) subclasses defined in ``source``."""
    names: Set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases}
        if not bases & {"BaseSettings", "EnvSettings"}:
            continue
        for item in node.body:
            if (
                isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and not item.target.id.startswith("_")
                and "ClassVar" not in ast.unparse(item.annotation)
            ):
                names.add(item.target.id.upper())
    return names


def read_names(paths: Iterable[Path]) -> Dict[str, Set[str]]:
    """Variable name -> the files (relative paths) that read it."""
    found: Dict[str, Set[str]] = {}
    for path in paths:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        names: Set[str] = set()
        if path.suffix == ".py":
            names |= settings_fields(text) | set(ENVIRON_CALL.findall(text))
        elif path.suffix in (".yml", ".yaml"):
            text = YAML_COMMENT.sub("", text)  # a name in a comment is not read
            names |= set(YAML_VAR.findall(text)) | set(K8S_VAR.findall(text))
        elif path.suffix == ".sh":
            names |= set(SHELL_VAR.findall(text))
        for name in names:
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def documented(example: Path = ROOT / ".env.example") -> Set[str]:
    """The variables ``.env.example`` lists, as ``NAME=...`` or ``# NAME=...``."""
    return set(EXAMPLE_LINE.findall(example.read_text(encoding="utf-8")))
