"""First use of the field app on a slow network: Chromium with "Slow 3G"-like throttling (2 s
round trip, 400 kbit/s each way) and a 6x CPU slowdown, a fresh phone (no cache, no service
worker yet). Prints, beside their targets:
- the login screen: from navigation to the login form on screen (target < 5 s);
- the first download of 300 households: from the 下载 tap to the list (target < 10 s);
- the bytes moved before the first household arrives, and during the download.

Seeds a temporary SQLite database with 6000 demo households (the demo surveyor's two villages
then hold 150 each), serves it with gunicorn, and measures once (each run takes a minute).
Run: .venv/bin/python bench/slow_network.py
"""

import time

from phone import phone

RTT_MS = 2000
KBIT = 400
CPU = 6
LOGIN_TARGET_S, DOWNLOAD_TARGET_S = 5, 10


def main() -> None:
    with phone(households=6000) as (base, ctx, page):
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": RTT_MS,
                "downloadThroughput": KBIT * 1000 / 8,
                "uploadThroughput": KBIT * 1000 / 8,
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU})
        moved = {"bytes": 0}
        cdp.on(
            "Network.loadingFinished",
            lambda e: moved.__setitem__("bytes", moved["bytes"] + e["encodedDataLength"]),
        )

        t0 = time.perf_counter()
        page.goto(base + "/", wait_until="commit", timeout=120000)
        page.wait_for_selector("#login", timeout=120000)
        login_s = time.perf_counter() - t0
        page.fill("#u", "demo-surveyor")
        page.fill("#p", "demo12345")
        page.click("#login button[type=submit]")
        page.wait_for_selector("#dl button[type=submit]", timeout=120000)
        before = moved["bytes"]
        t1 = time.perf_counter()
        page.click("#dl button[type=submit]")
        page.wait_for_selector("#hh li a", state="attached", timeout=300000)
        download_s = time.perf_counter() - t1
        households = page.evaluate("window.ruhu.db.count('rows')")
        during = moved["bytes"] - before
    verdict = lambda s, target: "OK" if s < target else "over"  # noqa: E731
    print(f"network: {RTT_MS} ms round trip, {KBIT} kbit/s; CPU slowdown {CPU}x; a fresh phone")
    print(
        f"login screen: {login_s:.1f} s (target < {LOGIN_TARGET_S} s): "
        f"{verdict(login_s, LOGIN_TARGET_S)}"
    )
    print(
        f"first download of {households} households: {download_s:.1f} s "
        f"(target < {DOWNLOAD_TARGET_S} s): {verdict(download_s, DOWNLOAD_TARGET_S)}"
    )
    print(
        f"moved before the first household: {before / 1024:.0f} KiB; "
        f"during the download: {during / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
