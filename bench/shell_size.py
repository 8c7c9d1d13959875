"""The field app's shell size: what the service worker precaches (the page, the phone's scripts,
the shared modules they import, the styles, the manifest) and the worker itself, raw and gzipped
(target: <= 100 KB gzip; the icons are not counted).

Run: .venv/bin/python bench/shell_size.py
"""

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server import webapp  # noqa: E402

TARGET_KB = 100


def main() -> None:
    assets, _ = webapp.precache()
    files = [(url, webapp.content(url)) for url in assets if not url.endswith(".png")]
    files.append(("/sw.js (template)", (webapp.TEMPLATES / webapp.WORKER_TEMPLATE).read_bytes()))
    raw_total = gz_total = 0
    print(f"{'url':<34}{'bytes':>9}{'gzip':>9}")
    for url, data in files:
        gz = len(gzip.compress(data, compresslevel=9))
        raw_total += len(data)
        gz_total += gz
        print(f"{url:<34}{len(data):>9}{gz:>9}")
    print(f"{'total (each file gzipped)':<34}{raw_total:>9}{gz_total:>9}")
    verdict = "OK" if gz_total <= TARGET_KB * 1024 else "OVER"
    print(f"shell gzip: {gz_total / 1024:.1f} KB (target <= {TARGET_KB} KB): {verdict}")


if __name__ == "__main__":
    main()
