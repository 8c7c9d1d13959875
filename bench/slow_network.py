"""First use of the field app on a slow network: Chromium with "Slow 3G"-like throttling (2 s
round trip, 400 kbit/s each way) and a 6x CPU slowdown, a fresh phone (no cache, no service
worker yet). Prints, beside their targets:
- the login screen: from navigation to the frame that put the login form on screen (target < 5 s),
  as the browser's paint timing tells it (the largest-contentful-paint entry of the login screen,
  on the same clock as the navigation); Playwright, polling a 6x-slowed page, sees it about half a
  second later, which is printed beside it;
- the first download of 300 households: from the 下载 tap to the list (target < 10 s);
- the bytes moved before the first household arrives, and during the download.

The service worker's own requests (its precache, the forms it fetches network-first) go through
the same throttled link as the page's: DevTools throttles one target at a time, so the page's
session attaches to each worker the page starts, before it runs, and throttles it too. `--waterfall`
prints every request (start, first byte, end in seconds from the navigation; bytes on the wire;
who asked: the page or the worker), to see where the time goes.

Seeds a temporary SQLite database with 6000 demo households (the demo surveyor's two villages
then hold 150 each), serves it with gunicorn, and measures once (each run takes a minute).
Run: .venv/bin/python bench/slow_network.py [--waterfall]
"""

import argparse
import json
import time

from phone import phone

RTT_MS = 2000
KBIT = 400
CPU = 6
LOGIN_TARGET_S, DOWNLOAD_TARGET_S = 5, 10
CONDITIONS = {
    "offline": False,
    "latency": RTT_MS,
    "downloadThroughput": KBIT * 1000 / 8,
    "uploadThroughput": KBIT * 1000 / 8,
}


class Link:
    """The throttled link of a page and of the workers it starts, and what went over it."""

    def __init__(self, ctx, page, base: str):
        self.base, self.t0, self.requests, self.bytes = base, time.perf_counter(), {}, 0
        self.cdp = ctx.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", lambda e: self._event("page", e, "sent"))
        self.cdp.on("Network.responseReceived", lambda e: self._event("page", e, "first"))
        self.cdp.on("Network.loadingFinished", lambda e: self._event("page", e, "end"))
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.receivedMessageFromTarget", self._from_worker)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", CONDITIONS)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU})
        # Workers wait for us before running their first line: throttled before they fetch.
        self.cdp.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False},
        )
        self._ids = 0

    def start(self) -> None:
        self.t0 = time.perf_counter()

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def _send(self, session: str, method: str, params: dict) -> None:
        self._ids += 1
        message = json.dumps({"id": self._ids, "method": method, "params": params})
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})

    def _attached(self, event: dict) -> None:
        session = event["sessionId"]
        self._send(session, "Network.enable", {})
        self._send(session, "Network.emulateNetworkConditions", CONDITIONS)
        self._send(session, "Runtime.runIfWaitingForDebugger", {})

    def _from_worker(self, event: dict) -> None:
        message = json.loads(event["message"])
        kind = {
            "Network.requestWillBeSent": "sent",
            "Network.responseReceived": "first",
            "Network.loadingFinished": "end",
        }.get(message.get("method"))
        if kind:
            self._event("worker", message["params"], kind)

    def _event(self, who: str, e: dict, kind: str) -> None:
        key = (who, e["requestId"])
        if kind == "sent":
            url = e["request"]["url"].removeprefix(self.base)
            self.requests[key] = {"who": who, "url": url, "method": e["request"]["method"]}
        r = self.requests.get(key)
        if r is None:
            return
        r[kind] = self.now()
        if kind == "end":
            r["bytes"] = e["encodedDataLength"]
            self.bytes += e["encodedDataLength"]

    def waterfall(self) -> None:
        print(f"{'start':>6} {'first':>6} {'end':>6} {'bytes':>8}  who     request")
        for r in sorted(self.requests.values(), key=lambda r: r["sent"]):
            t = [f"{r[k]:6.2f}" if k in r else "     -" for k in ("sent", "first", "end")]
            print(f"{' '.join(t)} {r.get('bytes', 0):8.0f}  {r['who']:<7} {r['method']} {r['url']}")


# When the login screen was painted, in seconds after the navigation started: the render time of
# the last largest-contentful-paint entry whose element belongs to it (null if there is none).
LOGIN_PAINTED = """() => new Promise((resolve) => {
  const seen = [];
  new PerformanceObserver((list) => seen.push(...list.getEntries()))
    .observe({ type: 'largest-contentful-paint', buffered: true });
  setTimeout(() => {
    const own = seen.filter((e) => e.element && e.element.closest('#view')
      && !e.element.closest('.loading'));
    resolve(own.length ? own[own.length - 1].startTime / 1000 : null);
  }, 50);
})"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--waterfall", action="store_true", help="print every request")
    waterfall = ap.parse_args().waterfall
    with phone(households=6000) as (base, ctx, page):
        link = Link(ctx, page, base)
        link.start()
        wall = time.time()
        page.goto(base + "/", wait_until="commit", timeout=120000)
        page.wait_for_selector("#login", timeout=120000)
        seen_s = link.now()
        origin = page.evaluate("performance.timeOrigin") / 1000 - wall
        painted = page.evaluate(LOGIN_PAINTED)
        login_s = seen_s if painted is None else origin + painted
        page.fill("#u", "demo-surveyor")
        page.fill("#p", "demo12345")
        page.click("#login button[type=submit]")
        page.wait_for_selector("#dl button[type=submit]", timeout=120000)
        before = link.bytes
        t1 = link.now()
        page.click("#dl button[type=submit]")
        page.wait_for_selector("#hh li a", state="attached", timeout=300000)
        download_s = link.now() - t1
        households = page.evaluate("window.ruhu.db.count('rows')")
        during = link.bytes - before
        if waterfall:
            print(f"login screen painted at {login_s:.2f} s; 下载 tapped at {t1:.2f} s")
            link.waterfall()
    verdict = lambda s, target: "OK" if s < target else "over"  # noqa: E731
    print(f"network: {RTT_MS} ms round trip, {KBIT} kbit/s; CPU slowdown {CPU}x; a fresh phone")
    print(
        f"login screen: {login_s:.1f} s (target < {LOGIN_TARGET_S} s): "
        f"{verdict(login_s, LOGIN_TARGET_S)}; Playwright saw it at {seen_s:.1f} s"
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
