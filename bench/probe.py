#!/usr/bin/env python3
"""The security probe: sends each abuse shape of the security review to a
release server on this machine and prints, per shape, what the server
answered and its peak resident memory while it handled that shape.

    bench/probe.py [sqlite|postgres]

(PROBE_BIN names another binary than target/release/zhaoshang, which is
otherwise built first.)

The server runs with the demo data, a partner budget of 200 points a minute
(so that the budget shape is quick to reach) and a header-read timeout of
3 s; everything else is the default configuration. Peak memory is the
kernel's high-water mark (VmHWM), reset before each shape through
/proc/PID/clear_refs. Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

import base64
import datetime
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("PROBE_BIN") or os.path.join(ROOT, "target", "release", "zhaoshang")
PORT = int(os.environ.get("PROBE_PORT", "18181"))
BASE = f"http://127.0.0.1:{PORT}"


def gid(kind, n):
    return base64.urlsafe_b64encode(f"{kind}:{n}".encode()).decode().rstrip("=")


# --- the server -------------------------------------------------------------

def run(args, env):
    out = subprocess.run([BIN, *args], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()


def start(db):
    env = dict(os.environ)
    env.update({
        "ZHAOSHANG_DATABASE_URL": db,
        "ZHAOSHANG_LISTEN": f"127.0.0.1:{PORT}",
        "ZHAOSHANG_BUDGET_PARTNER": "200",
        "ZHAOSHANG_HEADER_READ_TIMEOUT_SECS": "3",
        "ZHAOSHANG_SECRET_KEY": "probe-secret-key-probe-secret-key",
        "ZHAOSHANG_LOG": "error",
    })
    run(["seed", "--demo"], env)
    keys = {
        "partner": run(["keys", "create", "--role", "PARTNER", "--partner", gid("Partner", 1), "--name", "probe"], env)[-1],
        "partner2": run(["keys", "create", "--role", "PARTNER", "--partner", gid("Partner", 2), "--name", "probe2"], env)[-1],
        "staff": run(["keys", "create", "--role", "STAFF", "--name", "probe staff"], env)[-1],
        "admin": run(["keys", "create", "--role", "ADMIN", "--name", "probe admin"], env)[-1],
    }
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    keys["expiring"] = run(["keys", "create", "--role", "PARTNER", "--partner", gid("Partner", 1),
                            "--name", "expiring", "--expires-at", expires], env)[-1]
    proc = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
            return proc, keys
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("the server did not come up")


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def peak_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- HTTP -------------------------------------------------------------------

def post(body, key=None, headers=None, timeout=60):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(f"{BASE}/graphql", data=data, method="POST")
    req.add_header("content-type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if key:
        req.add_header("authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def codes(raw):
    try:
        body = json.loads(raw)
    except ValueError:
        return "not JSON"
    items = body if isinstance(body, list) else [body]
    found = []
    for b in items:
        errors = b.get("errors") or []
        found.append(errors[0]["extensions"]["code"] if errors else "ok")
    uniq = sorted(set(found))
    return ",".join(uniq) if len(items) == 1 else f"{len(items)}× " + ",".join(uniq)


def answer(status, _headers, raw):
    return f"HTTP {status} {codes(raw)}"


# --- WebSocket (a minimal graphql-transport-ws client) -----------------------

class Ws:
    def __init__(self):
        self.sock = socket.create_connection(("127.0.0.1", PORT), timeout=15)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            f"GET /graphql/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise OSError("closed during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise OSError(head.decode(errors="replace"))

    def send(self, obj_or_text):
        payload = obj_or_text if isinstance(obj_or_text, (bytes, str)) else json.dumps(obj_or_text)
        data = payload.encode() if isinstance(payload, str) else payload
        header = bytearray([0x81])
        n = len(data)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        # Large payloads go with an all-zero mask (valid, and no per-byte work here).
        mask = os.urandom(4) if n < 65536 else b"\0\0\0\0"
        header += mask
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data)) if n < 65536 else data
        self.sock.sendall(bytes(header) + masked)

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def recv(self):
        """The next text message as JSON (pings skipped), or ('close', code)."""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            data = self._read(n)
            op = b0 & 0x0F
            if op == 8:
                return ("close", struct.unpack(">H", data[:2])[0] if len(data) >= 2 else 1005)
            if op == 1:
                msg = json.loads(data)
                if msg.get("type") == "ping":
                    continue
                return msg

    def init(self, key):
        self.send({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}})
        return self.recv()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def ws_answer(msg):
    if isinstance(msg, tuple):
        return f"closed {msg[1]}"
    if msg.get("type") == "error":
        return f"error {msg['payload'][0]['extensions']['code']}"
    if msg.get("type") == "next":
        errors = msg["payload"].get("errors") or []
        return f"next {errors[0]['extensions']['code']}" if errors else "next ok"
    return msg.get("type", "?")


def ws_op(key, query, op_type="subscribe"):
    ws = Ws()
    try:
        ws.init(key)
        ws.send({"id": "1", "type": op_type, "payload": {"query": query}})
        return ws_answer(ws.recv())
    except (EOFError, OSError) as e:
        return f"connection ended ({type(e).__name__})"
    finally:
        ws.close()


# --- the shapes -------------------------------------------------------------

def chain(n):
    q = "query{...F0}"
    for i in range(n - 1):
        q += f" fragment F{i} on Query{{...F{i+1} ...F{i+1}}}"
    return q + f" fragment F{n-1} on Query{{viewer{{role}}}}"


INTROSPECTION_FRAGMENTS = (
    "fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue } "
    "type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef } "
    "enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } } "
    "fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue } "
    "fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }")


def shapes(keys):
    partner, staff = keys["partner"], keys["staff"]
    nested = "{ viewer { " + "partner { leads(first: 100) { nodes { " * 5 + "id" + " } } }" * 5 + " } }"
    yield "ws: 21-link fragment chain, partner key", lambda: ws_op(partner, chain(21))
    yield "ws: viewer.partner.leads nested 5 deep", lambda: ws_op(partner, nested)
    yield "http: 26-link fragment chain, no key", lambda: answer(*post({"query": chain(26)}))

    def two_chains():
        out = []
        threads = [threading.Thread(target=lambda: out.append(answer(*post({"query": chain(26)})))) for _ in range(2)]
        for t in threads:
            t.start()
        started = time.time()
        urllib.request.urlopen(f"{BASE}/healthz", timeout=30)
        health = time.time() - started
        for t in threads:
            t.join()
        return f"{' / '.join(out)}; /healthz in {health * 1000:.0f} ms"
    yield "http: two 26-link chains at once + /healthz", two_chains
    scalar_chain = chain(31).replace("viewer{role}", "__typename")
    yield "http: 31-link chain ending in __typename, no key", lambda: answer(*post({"query": scalar_chain}))

    def spent_budget():
        q = "{ projects(first: 100) { nodes { id sector { id } } } }"  # 201 points
        first = answer(*post({"query": q}, key=keys["partner2"]))
        ws = ws_op(keys["partner2"], q)
        return f"{first}; then over ws: {ws}"
    yield "budget spent over HTTP, then the socket", spent_budget

    aliases = " ".join(f"s{i}: __schema {{ types {{ ...FullType }} }}" for i in range(30))
    op = {"query": f"{{ {aliases} }} {INTROSPECTION_FRAGMENTS}"}
    yield "http: batch of 20 × 30 aliased introspections", lambda: answer(*post([op] * 20, key=staff))
    full = {"query": f"{{ __schema {{ types {{ ...FullType }} }} }} {INTROSPECTION_FRAGMENTS}"}
    yield "http: batch of 20 full introspections", lambda: answer(*post([full] * 20, key=staff))

    def legacy_start():
        ws = Ws()
        try:
            ws.init(partner)
            sent = 0
            for i in range(30):
                try:
                    ws.send({"id": str(i), "type": "start", "payload": {"query": "subscription { leadStatusChanged { leadId } }"}})
                    sent += 1
                except OSError:
                    break
            return f"{ws_answer(ws.recv())} ({sent} sent before the server closed)"
        except (EOFError, OSError) as e:
            return f"connection ended ({type(e).__name__})"
        finally:
            ws.close()
    yield "ws: 30 legacy `start` messages", legacy_start

    def huge_init():
        results = []
        for _ in range(4):
            ws = Ws()
            try:
                pad = "a" * (60 * 1024 * 1024)
                ws.send('{"type":"connection_init","payload":{"x":"' + pad + '"}}')
                results.append(ws_answer(ws.recv()))
            except (EOFError, OSError) as e:
                results.append(f"cut ({type(e).__name__})")
            finally:
                ws.close()
        return ", ".join(sorted(set(results)))
    yield "ws: 4 × 60 MB connection_init, no key", huge_init

    def expiring():
        ws = Ws()
        try:
            ws.init(keys["expiring"])
            ws.send({"id": "1", "type": "subscribe", "payload": {"query": "subscription { leadStatusChanged { leadId } }"}})
            started = time.time()
            got = ws.recv()
            return f"{ws_answer(got)} after {time.time() - started:.1f} s"
        except (EOFError, OSError) as e:
            return f"connection ended ({type(e).__name__})"
        finally:
            ws.close()
    yield "ws: key expiring 20 s after creation, held open", expiring

    def default_variable():
        status, _, raw = post({"query": "query($n: Int = 100) { projects(first: $n) { nodes { id } } }"})
        body = json.loads(raw)
        return f"HTTP {status} requested={body['extensions']['cost']['requested']} returned={len(body['data']['projects']['nodes'])}"
    yield "http: $n defaulting to 100, no variables", default_variable

    def timeout_batch():
        started = time.time()
        status, headers, raw = post([{"query": "{ __schema { types { name fields { name args { name } } } } }"}] * 10, key=staff)
        return f"{answer(status, headers, raw)} in {time.time() - started:.2f} s"
    yield "http: batch of 10 introspections", timeout_batch

    def slow_headers():
        s = socket.create_connection(("127.0.0.1", PORT), timeout=20)
        started = time.time()
        try:
            for b in b"POST /graphql HTTP/1.1\r\nHost: x\r\n":
                s.sendall(bytes([b]))
                time.sleep(1)
                if time.time() - started > 15:
                    break
            s.recv(1)
        except OSError:
            pass
        finally:
            s.close()
        return f"closed after {time.time() - started:.1f} s"
    yield "tcp: one header byte a second", slow_headers

    def silent():
        s = socket.create_connection(("127.0.0.1", PORT), timeout=20)
        started = time.time()
        try:
            s.recv(1)
        except OSError:
            pass
        s.close()
        return f"closed after {time.time() - started:.1f} s"
    yield "tcp: connect and send nothing", silent

    def nul_texts():
        q = "mutation($i: SubmitLeadInput!) { submitLead(input: $i) { lead { id } userErrors { field code } } }"
        _, _, raw = post({"query": q, "variables": {"i": {"idempotencyKey": "nul", "enterpriseName": "a\u0000b", "country": "CN"}}}, key=partner)
        data = json.loads(raw).get("data") or {}
        if not data.get("submitLead"):
            return f"submitLead answered {codes(raw)}"
        errs = data["submitLead"]["userErrors"]
        search = answer(*post({"query": "query($s: String) { projects(filter: { search: $s }) { totalCount } }", "variables": {"s": "\u0000"}}))
        long = answer(*post({"query": "query($s: String) { projects(filter: { search: $s }) { totalCount } }", "variables": {"s": "x" * 60000}}))
        return f"submitLead {errs[0]['code']} at {'.'.join(errs[0]['field'])}; search NUL {search}; 60k search {long}"
    yield "NUL and over-long texts", nul_texts

    def request_id():
        q = "mutation { createPark(input: { name: \"探针园区\" }) { park { id } userErrors { code } } }"
        status, headers, raw = post({"query": q}, key=keys["admin"], headers={"x-request-id": "r" * 100})
        return f"{answer(status, headers, raw)}; echoed id length {len(headers.get('x-request-id', ''))}"
    yield "http: 100-character X-Request-Id on a mutation", request_id

    yield "http: Authorization: BEARER <key>", lambda: answer(*post({"query": "{ viewer { role } }"}, headers={"authorization": f"BEARER {staff}"}))

    def webhook():
        q = "mutation { createWebhook(input: { url: \"http://localhost:9/x\", events: [LEAD_STATUS_CHANGED] }) { userErrors { message } } }"
        _, _, raw = post({"query": q}, key=keys["admin"], headers={"accept-language": "en"})
        data = (json.loads(raw).get("data") or {}).get("createWebhook")
        return data["userErrors"][0]["message"] if data else f"answered {codes(raw)}"
    yield "webhook to localhost: what the partner reads", webhook

    def headers():
        _, h, _ = post({"query": "{ viewer { role } }"})
        req = urllib.request.Request(f"{BASE}/graphql", headers={"accept": "text/html"})
        with urllib.request.urlopen(req, timeout=10) as r:
            csp = r.headers.get("content-security-policy", "")
        framing = "none" if "frame-ancestors 'none'" in csp else "missing"
        return f"cache-control={h.get('cache-control')} nosniff={h.get('x-content-type-options')} graphiql frame-ancestors={framing}"
    yield "security headers", headers

    def media_type():
        req = urllib.request.Request(f"{BASE}/graphql", data=b'{"query":"{ viewer { role } }"}', method="POST")
        req.add_header("content-type", "application/jsonx")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return f"HTTP {r.status}"
        except urllib.error.HTTPError as e:
            return f"HTTP {e.code}"
    yield "http: Content-Type application/jsonx", media_type

    def mutation_aliases():
        leads = [{"idempotencyKey": f"p{i}", "enterpriseName": f"探针企业{i}", "country": "CN"} for i in range(100)]
        ops = " ".join(f"m{j}: submitLeads(input: {{ leads: $l }}) {{ results {{ lead {{ id }} }} }}" for j in range(30))
        q = f"mutation($l: [SubmitLeadInput!]!) {{ {ops} }}"
        return answer(*post({"query": q, "variables": {"l": leads}}, key=keys["admin"]))
    yield "http: 30 aliases of submitLeads × 100", mutation_aliases


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    if not os.environ.get("PROBE_BIN"):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp()
    if backend == "postgres":
        admin = os.environ.get("PROBE_PG", "postgres://postgres@127.0.0.1:5432")
        subprocess.run(["psql", f"{admin}/postgres", "-qc", "DROP DATABASE IF EXISTS zs_probe"], check=True)
        subprocess.run(["psql", f"{admin}/postgres", "-qc", "CREATE DATABASE zs_probe"], check=True)
        db = f"{admin}/zs_probe"
    else:
        db = f"sqlite://{tmp}/probe.db?mode=rwc"
    proc, keys = start(db)
    worst = 0.0
    try:
        print(f"security probe on {backend}; server pid {proc.pid}, idle RSS {peak_mb(proc.pid):.0f} MB\n")
        print(f"| shape | answer | peak RSS MB |\n|---|---|---:|")
        for name, shape in shapes(keys):
            reset_peak(proc.pid)
            try:
                result = shape()
            except Exception as e:  # a probe that fails says so and goes on
                result = f"probe error: {type(e).__name__}: {e}"
            mb = peak_mb(proc.pid)
            worst = max(worst, mb)
            print(f"| {name} | {result} | {mb:.0f} |", flush=True)
        alive = urllib.request.urlopen(f"{BASE}/healthz", timeout=5).status
        print(f"\nworst peak RSS {worst:.0f} MB; /healthz afterwards: {alive}")
    finally:
        proc.terminate()
        proc.wait(timeout=40)


if __name__ == "__main__":
    main()
