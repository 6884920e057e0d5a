"""Private data files: the ``var/`` folder 0700, every file in it 0600, new files private too.

``var/`` holds the case database, the SQLite tracker store (with their ``-wal`` and ``-shm``
files), the spool and the generated secrets: taxpayers' names, phones and notices. SQLite creates
its files with the process umask (usually 0644), so each process that writes there calls
:func:`secure_data_dir` at start: it sets the umask to 077 (files SQLite creates later, like a new
``-wal``, are private) and tightens what already exists.

Usage::

    python -m ops.files var     # what `make run` does before starting anything
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import List, Optional, Sequence

DEFAULT_DATA_DIR = Path("var")


def secure_data_dir(path: Path = DEFAULT_DATA_DIR, *, set_umask: bool = True) -> List[Path]:
    """Create ``path`` if needed, make it 0700 and its files 0600; returns the entries changed.

    Sub-folders get 0700 and their files 0600 as well. Symbolic links are left alone.
    """
    if set_umask:
        os.umask(0o077)
    path.mkdir(parents=True, exist_ok=True)
    changed: List[Path] = []
    for entry in [path, *path.rglob("*")]:
        if entry.is_symlink():
            continue
        wanted = 0o700 if entry.is_dir() else 0o600
        mode = stat.S_IMODE(entry.stat().st_mode)
        if mode != wanted:
            entry.chmod(wanted)
            changed.append(entry)
    return changed


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Secure the folders given on the command line (default: var)."""
    folders = list(sys.argv[1:] if argv is None else argv) or [str(DEFAULT_DATA_DIR)]
    for folder in folders:
        for entry in secure_data_dir(Path(folder), set_umask=False):
            print(f"ops.files: made {entry} private")


if __name__ == "__main__":
    main()
