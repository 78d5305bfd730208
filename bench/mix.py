"""Writes the benchmark mix as wrk scripts (q1.lua .. q7.lua) into a folder.

Usage: mix.py WORK_DIR PROJECTS URL STAFF_KEY PARTNER_KEY DB DATABASE_URL

Each script counts the responses that are not a 200 with error-free JSON and
writes the count to qN.errors when wrk finishes. Before writing, every query is
sent once and must answer without errors.
"""

import base64
import json
import subprocess
import sqlite3
import sys
import urllib.request
import uuid

from wrklua import LUA_COMMON, LUA_REQUEST

work, projects, url, staff, partner, db, database_url = sys.argv[1:8]
projects = int(projects)
SEARCH = "瑞科"  # two Chinese characters, in about one project name in ten

PAGE = """edges { cursor node { id name stage plannedInvestment enterprise { id name }
  sector { id name } park { id name } agreements(first: 5) { nodes { id kind totalInvestment signedOn } } } }
  pageInfo { hasNextPage endCursor }"""


def gid(type_name, n):
    return base64.urlsafe_b64encode(f"{type_name}:{n}".encode()).decode().rstrip("=")


def post(key, body):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {key}"},
    )
    with urllib.request.urlopen(req, timeout=120) as r:
        answer = json.load(r)
    if answer.get("errors"):
        sys.exit(f"the benchmark's query failed: {json.dumps(body)[:200]} -> {answer['errors']}")
    return answer["data"]


sector = post(staff, {"query": "{ sectors(first: 1) { nodes { id } } }"})["sectors"]["nodes"][0]["id"]
sector_db_id = int(base64.urlsafe_b64decode(sector + "=" * (-len(sector) % 4)).decode().split(":")[1])

# A cursor 90 % of the way down the list in its default order (created_at, id
# descending): the cursor names the last row seen, so the page starts there by index.
DEEP_SQL = (
    "SELECT id, {ts} FROM projects ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET %d" % int(projects * 0.9)
)
if db == "sqlite":
    path = database_url.split("://", 1)[1].split("?", 1)[0]
    after_id, created = sqlite3.connect(path).execute(DEEP_SQL.format(ts="created_at")).fetchone()
    created = created.replace("+00:00", "Z")
else:
    ts = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    out = subprocess.run(["psql", database_url, "-Atc", DEEP_SQL.format(ts=ts)], capture_output=True, text=True, check=True)
    after_id, created = out.stdout.strip().split("|")
first = post(staff, {"query": "{ projects(first: 1) { edges { cursor } } }"})["projects"]["edges"][0]["cursor"]
data = json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))
assert "Time" in data["k"], f"the default order is no longer by time: {data}"
data["k"], data["i"] = {"Time": created}, int(after_id)
deep = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")

mix = {
    1: (staff, {"query": "query Q1 { projects(first: 50) { %s } }" % PAGE}),
    2: (
        staff,
        {
            "query": "query Q2($f: ProjectFilter) { projects(first: 50, filter: $f) { %s } }" % PAGE,
            "variables": {"f": {"sectorId": sector, "stage": "NEGOTIATING", "search": SEARCH}},
        },
    ),
    3: (
        staff,
        {"query": "query Q3($a: String) { projects(first: 50, after: $a) { %s } }" % PAGE, "variables": {"a": deep}},
    ),
    4: (
        staff,
        {
            "query": "query Q4($id: ID!) { node(id: $id) { ... on Project { id name stage plannedInvestment "
            "enterprise { id name } sector { name } } } }",
            "variables": {"id": "@ID@"},
        },
    ),
    5: (
        staff,
        {
            "query": "query Q5($id: ID!) { campaign(id: $id) { name report { agreementsSigned totalInvestment "
            "foreignCapital contractProjects contractForeignCapital agreementsCompletion summary startRate "
            "fundsInPlaceRate byDepartment { department { name } agreementsSigned totalInvestment score rank "
            "redProjects amberProjects overdueRequests overdueLeads "
            "persons { person staffMember { name } agreementsSigned score rank } } "
            "bySector { sector { name } agreementsSigned totalInvestment } "
            "weekly { week agreementsSigned totalInvestment } } } }",
            "variables": {"id": gid("Campaign", 11)},
        },
    ),
    6: (
        partner,
        {
            "query": "mutation Q6($input: SubmitLeadInput!) { submitLead(input: $input) { lead { id status } "
            "userErrors { field code } } }",
            "variables": {
                "input": {
                    "idempotencyKey": "@KEY@",
                    "enterpriseName": "基准测试线索@KEY@有限公司",
                    "country": "CN",
                    "contactEmail": "bench@example.com",
                    "estimatedInvestment": "50000000",
                }
            },
        },
    ),
    7: (
        staff,
        {
            "query": "query Q7 { projects(first: 50, filter: { health: RED }) { totalCount "
            "nodes { id name health { level reasons } } } }",
        },
    ),
}

run = uuid.uuid4().hex[:12]
for q, (key, body) in mix.items():
    # Each query once, to fail early on a broken mix.
    probe = json.loads(
        json.dumps(body).replace("@ID@", gid("Project", max(1, projects // 2))).replace("@KEY@", f"{run}-probe")
    )
    post(key, probe)
    with open(f"{work}/q{q}.json", "w") as f:
        json.dump(probe, f, ensure_ascii=False)
    kind = "node" if q == 4 else "lead" if q == 6 else "static"
    script = LUA_COMMON % {
        "key": key,
        "errfile": f"{work}/q{q}.errors",
        "body": json.dumps(body, ensure_ascii=False),
        "run": run,
    } + LUA_REQUEST[kind] % {"projects": projects}
    with open(f"{work}/q{q}.lua", "w") as f:
        f.write(script)

# Query 3 must start deep in the list: its first row is the one after the cursor's.
page3 = post(staff, {"query": "query($a: String) { projects(first: 1, after: $a) { nodes { id } } }", "variables": {"a": deep}})
assert page3["projects"]["nodes"], "the deep cursor finds no page"

for name, value in {
    "after_id": after_id,
    "after_created_at": created,
    "sector_db_id": sector_db_id,
    "search": SEARCH,
}.items():
    with open(f"{work}/{name}", "w") as f:
        f.write(str(value))
