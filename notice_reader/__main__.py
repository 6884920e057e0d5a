"""Command line: ``python -m notice_reader FILE`` prints the reading as one JSON object on its last line.

Used by ``make read-notice FILE=path``. A file the reader refuses prints {"error": reason, ...} and
exits with status 2; a missing file or OCR engine exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import List, Optional

from notice_reader.model import NoticeReadError
from notice_reader.ocr import OcrUnavailable
from notice_reader.reader import read_notice


def main(argv: Optional[List[str]] = None) -> int:
    """Read the file named on the command line and print the JSON reading."""
    parser = argparse.ArgumentParser(prog="python -m notice_reader", description=__doc__)
    parser.add_argument("file", type=Path, help="a JPEG/PNG/HEIC/WebP photo or scan, or a PDF")
    args = parser.parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(json.dumps({"error": "unreadable_file", "detail": exc.strerror}))
        return 1
    started = time.monotonic()
    try:
        reading = read_notice(data, filename=args.file.name)
    except NoticeReadError as exc:
        print(json.dumps({"error": exc.reason, "detail": str(exc)}))
        return 2
    except OcrUnavailable as exc:
        print(json.dumps({"error": "ocr_unavailable", "detail": str(exc)}))
        return 1
    print(f"read {args.file.name} in {time.monotonic() - started:.2f}s", file=sys.stderr)
    print(json.dumps(reading.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
