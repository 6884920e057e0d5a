"""Read the markdown tables of a benchmark report back, for assertions."""

from __future__ import annotations

from typing import List, Tuple

Table = Tuple[List[str], List[List[str]]]


def _cells(line: str) -> List[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def tables(markdown: str) -> List[Table]:
    """Every table in ``markdown`` as (header, rows), in order."""
    found: List[Table] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and set(lines[i + 1]) <= set("|-: "):
            header, rows = _cells(lines[i]), []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            found.append((header, rows))
        else:
            i += 1
    return found
