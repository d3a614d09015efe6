"""The web form's cost: the sample decision generated through HTTP vs. rendered directly.

    python benchmarks/web_overhead.py [--clients 4] [--requests 50] [--seconds 60] [--rounds 5]

Starts the real service (`python -m docgen serve`, on waitress) on a free
loopback port with `DOCGEN_INSTANCE` in a temporary folder, so it creates a fresh
SQLite database seeded with the sample district. Each client (a thread with its own
HTTP/1.1 connection and cookie jar) signs in and does what a clerk does:

- GET `/van-ban/decision/moi?body=<UBND>&year=2022`: the form pre-filled from the
  stored units and classes, with its CSRF token;
- POST it back unchanged: validation, render, a draft stored in the register, 302;
- the floor: POST the same form to a kind that does not exist — sign-in, session, CSRF
  and reading the 211 fields, then a 404 page: what any POST of this form costs before
  the view does anything.

The direct path renders the input of a stored draft (the very input the POSTs render)
with `docgen.render_document("decision", data)` in as many threads as there are
clients. After one untimed GET and POST per client, the load runs in ROUNDS rounds of
GETs, POSTs (each client posting back the form it got; its CSRF token stays valid for
its session), floor POSTs and direct renders, until REQUESTS of each are done or, at the
end of a round, SECONDS have passed: the four are timed apart so that none waits on
another, and interleaved so that a change in the machine's load falls on all alike. This
runs with 1 client and with CLIENTS clients; the web layer's overhead is the POST time
over the direct time at the same concurrency, median and 95th percentile.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-do-hieu-nang-" + secrets.token_hex(4)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# --------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m docgen serve` on a free port with a fresh instance folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="docgen-web-bench-"))
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
        env.update(DOCGEN_INSTANCE=str(self.folder / "instance"), DOCGEN_ADMIN_PASSWORD=PASSWORD)
        self.log = open(self.folder / "server.log", "w")  # noqa: SIM115 (the server's; stop() closes it)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "docgen", "serve", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("the service did not start; see its log above") from None
                time.sleep(0.2)

    def store(self):
        from docgen.store import Store
        return Store(instance_path=self.folder / "instance")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self.proc.returncode not in (0, -15, None):
            print((self.folder / "server.log").read_text()[-3000:], file=sys.stderr)
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------------- client

class Client:
    """One browser: a keep-alive connection and its own cookies (session, CSRF)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, form: dict | None = None):
        from urllib.parse import urlencode
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, url, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()           # the server closed the kept-alive connection
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data.decode("utf-8", "replace")

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/dang-nhap")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        status, _, _ = self.request("POST", "/dang-nhap", {"csrf_token": token,
                                                          "username": "admin",
                                                          "password": PASSWORD})
        assert status == 302, f"sign-in failed ({status})"


def read_form(page: str) -> dict:
    """The fields of the pre-filled form as a browser would submit them."""
    form = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        form[name] = html.unescape(value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>',
                                 page, re.S):
        form[name] = html.unescape(body)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page,
                                    re.S):
        chosen = (re.search(r'<option selected value="([^"]*)"', options)
                  or re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options)
                  or re.search(r'<option[^>]*value="([^"]*)"', options))
        form[name] = html.unescape(chosen[1]) if chosen else ""
    return form


def fetch_form(client: Client, url: str, body_id: int) -> dict:
    """GET the pre-filled form; the fields to post back."""
    status, _, page = client.request("GET", url)
    assert status == 200 and "csrf_token" in page, f"GET {url}: {status}"
    form = read_form(page)
    form.update(body_id=str(body_id), created_by="Đo hiệu năng")
    return form


def post_floor(client: Client, url: str, form: dict) -> int:
    """The same POST to a kind that does not exist: sign-in, CSRF and the 211 fields are
    read, then a 404 page; what any POST of this form costs before the view's own work."""
    status, _, _ = client.request("POST", url, form)
    assert status == 404, f"POST {url}: {status}"
    return status


def post_form(client: Client, url: str, form: dict) -> int:
    """POST the form back; the id of the new draft it redirects to."""
    status, headers, page = client.request("POST", url, form)
    assert status == 302, f"POST {url}: {status}\n{page[:2000]}"
    return int(headers["Location"].rstrip("/").split("/")[-1])


def timed_load(sessions: list, step, count: int) -> tuple[list[float], list, float]:
    """Every session in its own thread calling `step(session)` until `count` calls in all;
    (seconds of each call, their results, wall time)."""
    times, results = [], []
    lock = threading.Lock()
    started = [0]

    def work(session) -> None:
        while True:
            with lock:
                if started[0] >= count:
                    return
                started[0] += 1
            start = time.perf_counter()
            result = step(session)
            took = time.perf_counter() - start
            with lock:
                times.append(took)
                results.append(result)

    begin = time.perf_counter()
    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, results, time.perf_counter() - begin


def measure(server: Server, store, url: str, body_id: int, clients: int, requests: int,
            seconds: float, rounds: int) -> dict:
    """`clients` signed-in browsers (and as many threads rendering directly) in rounds of
    a GET load, a POST load and a direct load, so a change in the machine's load falls
    on all three alike and no kind of request competes with another. Each client posts
    back the form it got (its CSRF token stays valid for its session). Stops after
    `requests` of each kind or, at the end of a round, after `seconds`."""
    import docgen
    from docgen.store.models import Document
    sessions = [Client(server.port) for _ in range(clients)]
    forms, ids = {}, []
    for c in sessions:                                # sign in and warm up, untimed
        c.sign_in()
        forms[c] = fetch_form(c, url, body_id)
        ids.append(post_form(c, url, forms[c]))
    with store.session(readonly=True) as s:           # the input the POSTs render
        data = json.loads(s.get(Document, max(ids)).input_json)
    docgen.render_document("decision", data)
    renderers = list(range(clients))
    floor_url = url.replace("/decision/", "/khong-co-loai-nay/")
    out = {"get": [], "post": [], "floor": [], "direct": [], "post_wall": 0.0, "direct_wall": 0.0,
           "units": len(data["units"])}
    per_round = -(-requests // rounds)
    deadline = time.monotonic() + seconds
    while len(out["post"]) < requests and time.monotonic() < deadline:
        count = min(per_round, requests - len(out["post"]))
        gets, _, _ = timed_load(sessions, lambda c: fetch_form(c, url, body_id), count)
        posts, _, post_wall = timed_load(sessions, lambda c: post_form(c, url, forms[c]), count)
        floor, _, _ = timed_load(sessions, lambda c: post_floor(c, floor_url, forms[c]), count)
        direct, _, direct_wall = timed_load(
            renderers, lambda _: docgen.render_document("decision", data), count)
        out["get"] += gets
        out["post"] += posts
        out["floor"] += floor
        out["direct"] += direct
        out["post_wall"] += post_wall
        out["direct_wall"] += direct_wall
    for c in sessions:
        c.conn.close()
    return out


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
            f"{mem:.1f} GiB RAM, Python {platform.python_version()}, load average {load}")


def ms(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:6.1f} ms, "
            f"p95 {percentile(values, 95) * 1000:6.1f} ms (n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=50,
                        help="timed requests of each kind per load, at most")
    parser.add_argument("--seconds", type=float, default=60, help="time per load, at most")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    server = Server()
    try:
        from docgen import store as q
        store = server.store()
        with store.session(readonly=True) as s:
            body_id = next(b.id for b in q.list_bodies(s) if b.abbreviation == "UBND")
        url = f"/van-ban/decision/moi?body={body_id}&year=2022"
        results = [(clients, measure(server, store, url, body_id, clients, args.requests,
                                     args.seconds, args.rounds))
                   for clients in sorted({1, args.clients})]
        store.dispose()
    finally:
        server.stop()
    for clients, r in results:
        post, direct = r["post"], r["direct"]
        print(f"\n{clients} client(s), the sample decision ({r['units']} units):")
        print(f"  GET pre-filled form       {ms(r['get'])}")
        print(f"  POST generate (HTTP)      {ms(post)}   {len(post) / r['post_wall']:.0f} docs/s")
        print(f"  direct render_document    {ms(direct)}   "
              f"{len(direct) / r['direct_wall']:.0f} docs/s")
        print(f"  floor: same POST, no view {ms(r['floor'])}   "
              f"({statistics.median(r['floor']) / statistics.median(direct):.0%} of the render)")
        med = statistics.median(post) / statistics.median(direct) - 1
        p95 = percentile(post, 95) / percentile(direct, 95) - 1
        added = (statistics.median(post) - statistics.median(direct)) * 1000
        print(f"  web layer adds {added:.1f} ms: overhead median {med:+.0%}, p95 {p95:+.0%} "
              f"(target under +30%: {'met' if med < 0.3 and p95 < 0.3 else 'NOT met'})")


if __name__ == "__main__":
    main()
