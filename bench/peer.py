"""Writes PostGraphile's equivalents of the mix's queries 1 and 4 as wrk
scripts (p1.lua, p4.lua) into a folder, after sending each once.

Usage: peer.py WORK_DIR PROJECTS URL

The documents use PostGraphile v4's default inflection over the project's own
tables: `allProjects`, `projectById`, and a relation per foreign key
(`enterprisByEnterpriseId`, as its pluralize library singularises
`enterprises`; `sectorBySectorId`, `parkByParkId`, `agreementsByProjectId`).
They ask for the same rows and columns as queries 1 and 4: 50 projects, newest first, each with its enterprise, sector, park and
5 agreements, newest first; one project by id with its enterprise and sector.
PostGraphile is sent no key: without a JWT secret it refuses one.
"""

import json
import sys
import urllib.request
import uuid

from wrklua import LUA_COMMON, LUA_REQUEST

work, projects, url = sys.argv[1:4]
projects = int(projects)

PAGE = """edges { cursor node { id name stage plannedInvestmentFen enterprisByEnterpriseId { id name }
  sectorBySectorId { id name } parkByParkId { id name }
  agreementsByProjectId(first: 5, orderBy: [CREATED_AT_DESC, ID_DESC]) { nodes { id kind totalInvestmentFen signedOn } } } }
  pageInfo { hasNextPage endCursor }"""

peer = {
    1: ({"query": "query P1 { allProjects(first: 50, orderBy: [CREATED_AT_DESC, ID_DESC]) { %s } }" % PAGE}, "static"),
    4: (
        {
            "query": "query P4($id: BigInt!) { projectById(id: $id) { id name stage plannedInvestmentFen "
            "enterprisByEnterpriseId { id name } sectorBySectorId { name } } }",
            "variables": {"id": "@NUM@"},
        },
        "node",
    ),
}


def post(body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        answer = json.load(r)
    if answer.get("errors"):
        sys.exit(f"PostGraphile refused the peer query: {json.dumps(body)[:200]} -> {answer['errors']}")
    return answer["data"]


run = uuid.uuid4().hex[:12]
for q, (body, kind) in peer.items():
    # BigInt is a string in PostGraphile: the number goes in quoted.
    probe = json.loads(json.dumps(body).replace("@NUM@", str(max(1, projects // 2))))
    data = post(probe)
    found = data["allProjects"]["edges"] if q == 1 else data["projectById"]
    assert found, f"PostGraphile found nothing for query {q}"
    script = LUA_COMMON % {"key": "", "errfile": f"{work}/p{q}.errors", "body": json.dumps(body), "run": run}
    script = script.replace('wrk.headers["Authorization"] = "Bearer "\n', "")
    script += LUA_REQUEST[kind] % {"projects": projects}
    with open(f"{work}/p{q}.lua", "w") as f:
        f.write(script)
