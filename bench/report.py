"""Writes docs/benchmarks.md from bench/results/results.tsv (the latest run of
each database, scale and query), with the machine it ran on and the targets.

Rows already in docs/benchmarks.md that this machine's results do not cover
(another database, another scale, a run from another clone) are kept: a run
replaces its own rows and leaves the rest of the table alone.

The peer section (PostGraphile v4 against this service, from `bench/run
peer`) shows the latest peer run of each scale from PEER_TSV; without one, the
section as last written is kept.

Usage: report.py RESULTS_TSV OUT_MD [SINGLE_TSV [PEER_TSV]]
"""

import csv
import os
import platform
import re
import subprocess
import sys

results, out = sys.argv[1], sys.argv[2]
FIELDS = ["rps", "p50_ms", "p99_ms", "statements", "errors", "floor_rps", "floor_p50_ms"]
EXTRA = re.compile(
    r"^- (\S+): seeding took (\S+) s, server peak RSS (\S+) MB \((\S+) connections, (\S+) s per query, run (\S+)\)$"
)
ALONE = re.compile(r"^- (\w+), (RED projects page|Campaign\.report) at (\S+): p50 ([0-9.]+) ms alone")


def previous_table(path):
    """The rows, run details and lone timings of the table as last written."""
    rows, alone = {}, {}
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        return rows, alone
    db = None
    for line in text.splitlines():
        if line.startswith("## "):
            db = {"## SQLite": "sqlite", "## PostgreSQL": "postgres"}.get(line)
        elif db and line.startswith("| ") and not line.startswith("| projects"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != 10:
                continue
            scale, query = cells[0], cells[1]
            row = {"db": db, "scale": scale, "query": query, **dict(zip(FIELDS, cells[2:9]))}
            row.update({"rss_mb": "", "seed_s": "", "connections": "", "seconds": "", "date": ""})
            rows[(db, scale, query)] = row
        elif db and (m := EXTRA.match(line)):
            scale, seed, rss, connections, seconds, date = m.groups()
            if (db, scale, "1") in rows:
                rows[(db, scale, "1")].update(
                    {"seed_s": seed, "rss_mb": rss, "connections": connections, "seconds": seconds, "date": date}
                )
        elif m := ALONE.match(line):
            db_, what, scale, p50 = m.groups()
            alone[(db_, scale, "7" if what.startswith("RED") else "5")] = float(p50)
    return rows, alone


latest, single = previous_table(out)
PEER_HEADING = "## Against PostGraphile"


def previous_peer(path):
    """The peer section's lines as last written (without its heading)."""
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        return []
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line == PEER_HEADING
            continue
        if inside:
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def peer_section(path):
    """The latest peer run of each scale, one row per round and query, with
    the ratios the targets ask for; None without results."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
    except (FileNotFoundError, TypeError):
        return None
    runs = {}
    for row in rows:
        if row["query"] == "1" and row["round"] == "1":
            runs[row["scale"]] = []
        runs.setdefault(row["scale"], []).append(row)
    if not runs:
        return None
    out = [
        "",
        "`bench/run peer SCALE`: PostGraphile v4 (npm `postgraphile`, pinned in `bench/peer/package-lock.json`, "
        "default options) serving the same PostgreSQL database, queries 1 and 4 in its default inflection "
        "(`allProjects` with `enterprisByEnterpriseId`, `sectorBySectorId`, `parkByParkId`, "
        "`agreementsByProjectId(first: 5)`; `projectById`), the two servers alternated, same wrk settings.",
        "",
        "| projects | query | round | zhaoshang req/s | p50 ms | PostGraphile req/s | p50 ms | ratio | failed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    checks = []
    for scale in SCALES:
        for r in runs.get(scale, []):
            out.append(
                f"| {scale} | {r['query']} | {r['round']} | {r['zs_rps']} | {r['zs_p50_ms']} | {r['peer_rps']} "
                f"| {r['peer_p50_ms']} | {r['ratio']}× | {r['zs_errors']} / {r['peer_errors']} |"
            )
        for q, target in [("1", 3.0), ("4", 1.5)]:
            ratios = [num(r["ratio"]) for r in runs.get(scale, []) if r["query"] == q and num(r["ratio"])]
            if ratios:
                worst = min(ratios)
                verdict = "met" if worst >= target else "MISSED"
                checks.append(
                    f"{scale}, query {q}: zhaoshang / PostGraphile = {worst:.2f}× in the worst round "
                    f"(target ≥ {target}×): {verdict}"
                )
        if runs.get(scale):
            r = runs[scale][0]
            out.append("")
            out.append(f"- {scale}: {r['connections']} connections, {r['seconds']} s per run, run {r['date']}")
    return out + [""] + [f"- {c}" for c in checks]

# Queries 5 and 7 sent alone, one after another: db, scale, query, p50_ms, date.
if len(sys.argv) > 3:
    try:
        with open(sys.argv[3]) as f:
            for line in f:
                db_, scale_, q_, p50_, _ = line.rstrip("\n").split("\t")
                single[(db_, scale_, q_)] = float(p50_)
    except FileNotFoundError:
        pass
QUERIES = {
    "1": "first 50 projects with enterprise, sector, park, agreements",
    "2": "the same, filtered by sector and stage, text search 瑞科",
    "3": "a page of 50 at 90 % of the list, by cursor",
    "4": "`node` on a random project",
    "5": "`Campaign.report` of the benchmarked campaign: every figure and breakdown, with the supervision columns and person rows",
    "6": "`submitLead` with fresh idempotency keys",
    "7": "the first 50 RED projects (`projects(filter: { health: RED })`) with `totalCount` and each one's reasons",
}
SCALES = ["10k", "100k", "1m"]

with open(results, newline="") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        latest[(row["db"], row["scale"], row["query"])] = row


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip() if shutil_which("psql") else ""
    return f"{os.cpu_count()} cores ({cpu}), {mem} RAM, {platform.system()} {platform.release()}; {pg}"


def shutil_which(cmd):
    from shutil import which

    return which(cmd) is not None


lines = [
    "# Benchmarks",
    "",
    "Written by `bench/run` (see `bench/README.md`); do not edit by hand.",
    "",
    f"Machine: {machine()}. Load: wrk on the same machine, "
    "cost budgets off (`ZHAOSHANG_BUDGETS_ENABLED=false`), release build, default pool (16 connections on PostgreSQL, twice the cores on SQLite).",
    "",
    "The mix:",
    "",
]
lines += [f"{q}. {text}" for q, text in QUERIES.items()]
lines += [
    "",
    "Columns: requests per second, latency p50 and p99 in ms, SQL statements per request "
    "(from the server's `zhaoshang_db_statements_total`), requests that failed (non-200 or GraphQL errors), "
    "and on PostgreSQL the floor: the same data by hand-written SQL over sqlx at the same concurrency "
    "(`zhaoshang bench-floor`), and the API's share of it.",
    "",
]

for db in ["sqlite", "postgres"]:
    rows = [(s, q, latest.get((db, s, q))) for s in SCALES for q in QUERIES]
    if not any(r for _, _, r in rows):
        continue
    lines += [f"## {'SQLite' if db == 'sqlite' else 'PostgreSQL'}", ""]
    lines += [
        "| projects | query | req/s | p50 ms | p99 ms | statements | failed | floor req/s | floor p50 ms | API / floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scale, q, r in rows:
        if not r:
            continue
        rps, floor = num(r["rps"]), num(r["floor_rps"])
        ratio = f"{rps / floor:.2f}" if rps and floor else "-"
        if not rps:
            # Nothing completed: no latency or statement count to show.
            r = {**r, "p50_ms": "> 10 s", "p99_ms": "-", "statements": "-"}
        lines.append(
            f"| {scale} | {q} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['statements']} | {r['errors']} "
            f"| {r['floor_rps']} | {r['floor_p50_ms']} | {ratio} |"
        )
    lines.append("")
    extra = []
    for scale in SCALES:
        r = latest.get((db, scale, "1"))
        if r:
            extra.append(
                f"{scale}: seeding took {r['seed_s']} s, server peak RSS {r['rss_mb']} MB "
                f"({r['connections']} connections, {r['seconds']} s per query, run {r['date']})"
            )
    lines += [f"- {e}" for e in extra] + [""]

peer = peer_section(sys.argv[4] if len(sys.argv) > 4 else None) or previous_peer(out)
if peer:
    lines += [PEER_HEADING] + peer + [""]

# The targets of the issue, where the data is there.
lines += ["## Targets", ""]
checks = []
for db in ["sqlite", "postgres"]:
    for q in ["1", "3", "4"]:
        small, big = latest.get((db, "10k", q)), latest.get((db, "1m", q))
        if small and big and num(small["p50_ms"]) and num(big["p50_ms"]):
            ratio = num(big["p50_ms"]) / num(small["p50_ms"])
            verdict = "met" if ratio <= 1.5 else "MISSED"
            checks.append(f"{db}, query {q}: p50 at 1m / p50 at 10k = {ratio:.2f} (target ≤ 1.5): {verdict}")
    for q in QUERIES:
        counts = {
            latest[(db, s, q)]["statements"]
            for s in SCALES
            if (db, s, q) in latest and num(latest[(db, s, q)]["rps"])
        }
        if len(counts) > 1:
            checks.append(f"{db}, query {q}: statements per request differ between scales: {sorted(counts)}")
r = latest.get(("postgres", "1m", "5"))
if r and not num(r["rps"]):
    checks.append(
        "postgres, Campaign.report at 1m: no report completed within the run (target p50 < 200 ms): MISSED"
    )
elif r and num(r["p50_ms"]) is not None:
    verdict = "met" if num(r["p50_ms"]) < 200 else "MISSED"
    checks.append(f"postgres, Campaign.report at 1m: p50 {r['p50_ms']} ms (target < 200 ms): {verdict}")
alone = single.get(("postgres", "1m", "7"))
if alone is not None:
    verdict = "met" if alone < 100 else "MISSED"
    r = latest.get(("postgres", "1m", "7"))
    loaded = f"; under 16 connections p50 {r['p50_ms']} ms" if r else ""
    checks.append(f"postgres, RED projects page at 1m: p50 {alone:.2f} ms alone (target < 100 ms): {verdict}{loaded}")
alone = single.get(("postgres", "1m", "5"))
if alone is not None:
    checks.append(f"postgres, Campaign.report at 1m: p50 {alone:.2f} ms alone")
for scale in SCALES:
    r = latest.get(("postgres", scale, "1"))
    if r and num(r["rps"]) and num(r["floor_rps"]):
        share = num(r["rps"]) / num(r["floor_rps"])
        verdict = "met" if share >= 0.5 else "MISSED"
        checks.append(f"postgres, query 1 at {scale}: API / floor = {share:.2f} (target ≥ 0.5): {verdict}")
for db in ["sqlite", "postgres"]:
    for scale in SCALES:
        r = latest.get((db, scale, "1"))
        if r and num(r["rss_mb"]) is not None:
            verdict = "met" if num(r["rss_mb"]) < 150 else "MISSED"
            checks.append(f"{db}, {scale}: server peak RSS {r['rss_mb']} MB (target < 150 MB): {verdict}")
lines += [f"- {c}" for c in checks] or ["- (no complete pair of runs yet)"]
lines.append("")

with open(out, "w") as f:
    f.write("\n".join(lines))
