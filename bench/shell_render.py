"""Render times of the field app in Chromium with 4x CPU throttling (a cheap Android phone):
the 500-household list (target < 200 ms) and opening one household's questionnaire
(target < 300 ms). Median of several runs, each from the hash change to the frame after the
screen is in the DOM. The list draws its first screenful at once and appends the rest right after
the first paint, so two figures are printed for it: the first screen, and all 500 rows in the DOM.

Seeds a temporary SQLite database with 10000 demo households (the demo surveyor's two villages
then hold 250 each), serves it with gunicorn, logs in and downloads like a surveyor, then measures.
Run: .venv/bin/python bench/shell_render.py [--runs 9]
"""

import argparse
import statistics

from phone import phone

# Resolves after the screen is in the DOM and the following frame has been produced.
MEASURE = """async ([hash, ready]) => {
  const t0 = performance.now();
  location.hash = hash;
  await new Promise((resolve) => {
    const check = () => (document.querySelector(ready) ? resolve() : requestAnimationFrame(check));
    check();
  });
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    runs = ap.parse_args().runs
    with phone(households=10000) as (base, ctx, page):
        page.goto(base + "/")
        page.fill("#u", "demo-surveyor")
        page.fill("#p", "demo12345")
        page.click("#login button[type=submit]")
        page.click("#dl button[type=submit]")
        page.wait_for_selector("#hh li a", state="attached", timeout=120000)
        count = page.evaluate("window.ruhu.db.count('rows')")
        page.evaluate("window.ruhu.db.setKV('list_ui', {village: null, filter: 'all', line: ''})")
        page.reload()
        page.wait_for_selector("#hh li a", state="attached")
        ids = page.eval_on_selector_all("#hh li a", "as => as.map((a) => a.hash)")
        cdp = ctx.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        firsts, lists, forms = [], [], []
        for i in range(runs + 1):  # the first run of each warms the module caches
            page.evaluate("location.hash = '#/settings'")
            page.wait_for_selector("#wipe")
            t1 = page.evaluate(MEASURE, ["#/list", f"#hh li:nth-child({min(count, 40)})"])
            page.evaluate("location.hash = '#/settings'")
            page.wait_for_selector("#wipe")
            t = page.evaluate(MEASURE, ["#/list", f"#hh li:nth-child({count})"])
            t2 = page.evaluate(MEASURE, [ids[(i * 37) % len(ids)], "details.sec[open] .field"])
            if i:
                firsts.append(t1)
                lists.append(t)
                forms.append(t2)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    fmt = ", ".join
    print(f"households on the phone: {count}; CPU throttling 4x; {runs} runs each")
    print(
        f"list of {count} households, first screen: median {statistics.median(firsts):.0f} ms "
        f"(runs: {fmt(f'{x:.0f}' for x in firsts)}) target < 200 ms"
    )
    print(
        f"list of {count} households, all rows in the DOM: "
        f"median {statistics.median(lists):.0f} ms "
        f"(runs: {fmt(f'{x:.0f}' for x in lists)})"
    )
    print(
        f"open a questionnaire: median {statistics.median(forms):.0f} ms "
        f"(runs: {fmt(f'{x:.0f}' for x in forms)}) target < 300 ms"
    )


if __name__ == "__main__":
    main()
