#!/usr/bin/env python3
"""Figures of `make load` (scripts/load.sh): one runtime's routes from the wrk outputs, the total
check over every runtime, and the "Load" section of BENCHMARKS.md.

  load_report.py RUNTIME RUN_DIR "route conns"...      table; exit 1 on any error answer
  load_report.py --check MIN RUN_DIR RUNTIME...         exit 1 when a runtime served < MIN
  load_report.py --benchmarks FILE RUN_DIR SECONDS RUNTIME...   replace the Load section
"""
import datetime
import json
import pathlib
import re
import sys

ERRORS = ("connect", "read", "write", "timeout", "status", "unexpected")


def route_figures(run, runtime, route):
    """The JSON line load.lua's done() printed, or None when wrk printed none."""
    text = (run / f"{runtime}-{route}.out").read_text()
    lines = [l for l in text.splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def report(runtime, run, entries):
    rows, bad = [], []
    for entry in entries:
        route, conns = entry.split()
        fig = route_figures(run, runtime, route)
        if fig is None:
            bad.append(f"{route}: wrk printed no figures")
            continue
        fig.update(route=route, connections=int(conns))
        rows.append(fig)
        errors = {k: fig[k] for k in ERRORS if fig[k]}
        if errors:
            bad.append(f"{route}: {errors} (last unexpected status {fig['unexpected_status'] or '-'})")
    (run / f"{runtime}.json").write_text(json.dumps(rows))
    total = sum(r["requests"] for r in rows)
    print(f"{runtime}: {total} requests")
    print(f"  {'route':<14}{'conns':>6}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for r in rows:
        errs = sum(r[k] for k in ERRORS)
        print(f"  {r['route']:<14}{r['connections']:>6}{r['requests']:>10}{r['requests'] / r['seconds']:>9.1f}"
              f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{errs:>8}")
    for b in bad:
        print(f"  ERROR {b}", file=sys.stderr)
    return 1 if bad else 0


def check(minimum, run, runtimes):
    status = 0
    for runtime in runtimes:
        total = sum(r["requests"] for r in json.loads((run / f"{runtime}.json").read_text()))
        if total < minimum:
            print(f"{runtime}: {total} requests, fewer than {minimum}: raise LOAD_SECONDS", file=sys.stderr)
            status = 1
    return status


ROUTES = {
    "banner": "`/banner`, `/banner.json` (hero, sidebar), `/`: anonymous, consent without and with a visitor cookie, a phone, a campaign",
    "page": "`/page/index.html` plain and gzip, slots filled",
    "image-hit": "named variants (thumbnail, preview) of 4 photos as JPEG and WebP, cached before the run",
    "image-mixed": "signed free-form `fit=cover` at 4 widths over 6 photos: each first request a miss (a transform), then hits",
    "events": "`POST /events` (views, a click; with the site's `Origin`), with and without consent",
    "not-modified": "conditional `If-None-Match` on cached variants (2 photos × 2 variants × JPEG/WebP): 304",
}


def benchmarks(path, run, seconds, runtimes):
    out = [
        "## Load",
        "",
        f"`make load` ({datetime.date.today().isoformat()}, this 2-core machine, shared with other work while it ran):",
        f"`scripts/load.sh` runs one `wrk -t1 -cN -d{seconds}s --timeout 30s -s scripts/load.lua` per route, all at",
        "once, 16 connections in all, against the demo (demo origin + the release build). It fails on any",
        "answer other than the route's expected status, any socket error or timeout, fewer than 10,000",
        "requests, and any trap or panic in the runtime's log. Latencies are wrk's, per route, under the",
        "whole mix. Viceroy runs every request in a fresh wasm instance, so these are local figures",
        "for finding faults and regressions, not edge latencies. Viceroy 0.22 itself (outside the",
        "wasm) panics in a worker thread when a client hangs up before its answer is sent, which wrk",
        "does to the requests in flight when its time is up; those are counted apart, not as traps.",
        "",
    ]
    for runtime in runtimes:
        rows = json.loads((run / f"{runtime}.json").read_text())
        total = sum(r["requests"] for r in rows)
        errs = sum(r[k] for r in rows for k in ERRORS)
        hangups = run / f"{runtime}.hangups"
        gone = hangups.read_text().strip() if hangups.exists() else "0"
        out += [f"**{runtime}**: {total} requests, {errs} errors, 0 traps or panics in Tailor "
                f"({gone} runtime panics on hung-up clients at the end).", "",
                "| route | what | connections | requests | req/s | p50 ms | p99 ms |", "|---|---|---|---|---|---|---|"]
        for r in rows:
            out.append(f"| {r['route']} | {ROUTES.get(r['route'], '')} | {r['connections']} | {r['requests']} | "
                       f"{r['requests'] / r['seconds']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |")
        out.append("")
    if "workerd" not in runtimes:
        out += ["workerd: not measured in this run (no Worker bundle in `build/`).", ""]
    text = path.read_text()
    section = "\n".join(out)
    pattern = re.compile(r"^## Load\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def main(argv):
    if argv[1] == "--check":
        return check(int(argv[2]), pathlib.Path(argv[3]), argv[4:])
    if argv[1] == "--benchmarks":
        benchmarks(pathlib.Path(argv[2]), pathlib.Path(argv[3]), argv[4], argv[5:])
        return 0
    return report(argv[1], pathlib.Path(argv[2]), argv[3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
