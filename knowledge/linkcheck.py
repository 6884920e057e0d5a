"""Check that every source URL of the knowledge base still answers (for deployers with internet).

Collects the ``source_url`` of every notice, topic and figure, asks each server with a HEAD request
(falling back to GET when HEAD is refused), follows redirects, and reports anything that does not
end in a 2xx answer. CI has no internet, so this never runs there; the unit tests point it at a
local fake server.

Usage::

    python -m knowledge.linkcheck              # every source URL, exit 1 if any is broken
    python -m knowledge.linkcheck --only URL   # just these URLs
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from knowledge.loader import DEFAULT_PATH, load_figures_for, load_knowledge

USER_AGENT = "tax-notice-assistant-linkcheck/1.0 (+knowledge source review)"
DEFAULT_TIMEOUT_S = 15.0
MAX_WORKERS = 8


@dataclass(frozen=True)
class LinkResult:
    """What one URL answered."""

    url: str
    status: Optional[int]  # None when no HTTP answer came back
    final_url: str
    error: str = ""

    @property
    def ok(self) -> bool:
        """A 2xx answer after redirects."""
        return self.status is not None and 200 <= self.status < 300


def source_urls(path: Path = DEFAULT_PATH) -> Dict[str, List[str]]:
    """Every source URL in the knowledge base, with the entries and figures that cite it."""
    base = load_knowledge(path)
    cited: Dict[str, List[str]] = {}
    for notice in base.notices:
        cited.setdefault(notice.source_url, []).append(f"notice {notice.code}")
    for topic in base.topics:
        cited.setdefault(topic.source_url, []).append(f"topic {topic.id}")
    for name, figure in load_figures_for(path).figures.items():
        cited.setdefault(figure.source_url, []).append(f"figure {name}")
    return cited


def _request(url: str, method: str, timeout: float) -> LinkResult:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https/http only)
            return LinkResult(url, response.status, response.geturl())
    except urllib.error.HTTPError as exc:
        return LinkResult(url, exc.code, exc.geturl() or url, exc.reason if isinstance(exc.reason, str) else "")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return LinkResult(url, None, url, str(reason))


def check_url(url: str, timeout: float = DEFAULT_TIMEOUT_S) -> LinkResult:
    """HEAD the URL, or GET it when the server refuses HEAD (405, 403, 501)."""
    if not url.startswith(("https://", "http://")):
        return LinkResult(url, None, url, "not an http(s) address")
    result = _request(url, "HEAD", timeout)
    if result.status in (403, 405, 501):
        result = _request(url, "GET", timeout)
    return result


def check_urls(urls: Sequence[str], timeout: float = DEFAULT_TIMEOUT_S) -> List[LinkResult]:
    """Check ``urls`` a few at a time; results keep the input order."""
    unique = list(dict.fromkeys(urls))
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(unique)))) as pool:
        return list(pool.map(lambda u: check_url(u, timeout), unique))


def format_results(results: Sequence[LinkResult], cited: Optional[Dict[str, List[str]]] = None) -> str:
    """One line per broken URL (with who cites it), then a count."""
    broken = [r for r in results if not r.ok]
    lines = []
    for result in broken:
        status = result.status if result.status is not None else "no answer"
        who = ", ".join((cited or {}).get(result.url, []))
        lines.append(f"BROKEN {status} {result.url} {result.error} {('<- ' + who) if who else ''}".rstrip())
    moved = [r for r in results if r.ok and r.final_url.rstrip("/") != r.url.rstrip("/")]
    lines += [f"moved  {r.url} -> {r.final_url}" for r in moved]
    lines.append(f"{len(results) - len(broken)} of {len(results)} source URLs answered")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Check the URLs; exit 1 when any is broken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="URL", help="check just these URLs")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per request")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="main knowledge file")
    args = parser.parse_args(argv)
    cited = None if args.only else source_urls(args.path)
    urls = list(args.only) if args.only else sorted(cited or {})
    results = check_urls(urls, args.timeout)
    print(format_results(results, cited))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
