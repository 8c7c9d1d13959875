"""The field app's shell size: HTML + JS + CSS as served, raw and gzipped (target: <= 100 KB gzip).

Run: .venv/bin/python bench/shell_size.py
"""

import gzip
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "web"
TARGET_KB = 100


def main() -> None:
    files = [
        WEB / "templates" / "app.html",
        *sorted((WEB / "static" / "js").glob("*.js")),
        *sorted((WEB / "static" / "css").glob("*.css")),
        WEB / "templates" / "sw.js",
        WEB / "static" / "manifest.webmanifest",
    ]
    raw_total = gz_total = 0
    print(f"{'file':<34}{'bytes':>9}{'gzip':>9}")
    for f in files:
        data = f.read_bytes()
        gz = len(gzip.compress(data, compresslevel=9))
        raw_total += len(data)
        gz_total += gz
        print(f"{f.relative_to(WEB).as_posix():<34}{len(data):>9}{gz:>9}")
    print(f"{'total (each file gzipped)':<34}{raw_total:>9}{gz_total:>9}")
    verdict = "OK" if gz_total <= TARGET_KB * 1024 else "OVER"
    print(f"shell gzip: {gz_total / 1024:.1f} KB (target <= {TARGET_KB} KB): {verdict}")


if __name__ == "__main__":
    main()
