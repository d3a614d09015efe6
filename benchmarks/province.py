"""Every page a signed-in user reaches, on a province's data, with 4 concurrent clients.

    python benchmarks/province.py [--rounds 10] [--baseline-rounds 4] [--no-baseline]

The database is built once by `province_data.py` (166 bodies, 5,000 units, 5 years of
outcomes, 50,000 register entries, 300,000 households) with the baseline's code — the
tree where this branch left `main`, unpacked with `git archive` — and kept in
benchmarks/.cache (git ignores it). Each run copies it into a fresh instance folder and
starts the real service (`python -m docgen serve --no-sample`, waitress) on a free
loopback port: first the baseline's code, then this tree's after `docgen db upgrade`.
Four clients (threads, each with its own connection and session) sign in; for every page
they GET it together, round after round; latency p50/p95 and the page's size are printed
against the target (p95 < 300 ms, < 500 KB). The commune clerk's pages run the same
way, signed in as the clerk.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import province_data
import web_overhead
from web_overhead import Client, Server, percentile

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
CLIENTS = 4
TARGET_MS, TARGET_KB = 300, 500
SLOW = 3.0  # seconds: a page this slow is timed by its first round only
COMMUNE = 3  # the first commune's People's Committee; the clerk's body
AREA = 901  # the first residential area of that commune (its household list of 2025)
# (label, URL): every list and overview page, then pages of one record.
PAGES = [
    ("home", "/"),
    ("units", "/don-vi/"),
    ("units, one commune", f"/don-vi/?body={COMMUNE}"),
    ("units, search", "/don-vi/?q=thon+1"),
    ("grid (default body)", "/danh-gia/"),
    ("grid, one commune", f"/danh-gia/?body={COMMUNE}&year=2025"),
    ("register", "/so-van-ban/"),
    ("register, 2025", "/so-van-ban/?year=2025"),
    ("documents", "/van-ban/"),
    ("decision form, commune", f"/van-ban/decision/moi?body={COMMUNE}&year=2025"),
    ("households", "/ho-gia-dinh/"),
    ("household list", f"/ho-gia-dinh/{AREA}/2025"),
    ("bodies", "/co-quan/"),
    ("dossier (default)", "/ho-so-nam/"),
    ("dossier, province", "/ho-so-nam/?body=1&year=2025"),
    ("batch: commitments", "/cam-ket/"),
    ("batch: registrations", "/dang-ky/"),
    ("batch: minutes", "/bien-ban/"),
    ("batch: certificates", "/giay-cong-nhan/"),
    ("batch: unit papers", "/giay-to-don-vi/"),
    ("batch: household lists", "/danh-sach-ho-dang-ky/"),
    ("users", "/nguoi-dung/"),
    ("audit", "/nhat-ky/"),
    ("own templates", "/mau-rieng/"),
    ("unit", f"/don-vi/{AREA}"),
]
CLERK_PAGES = [("clerk: home", "/"), ("clerk: units", "/don-vi/"),
               ("clerk: grid", "/danh-gia/"), ("clerk: register", "/so-van-ban/"),
               ("clerk: households", "/ho-gia-dinh/"), ("clerk: dossier", "/ho-so-nam/")]


def baseline_tree(ref: str) -> Path:
    """`ref`'s tree (git archive), unpacked once under .cache."""
    sha = subprocess.run(["git", "rev-parse", ref], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = CACHE / f"tree-{sha[:12]}"
    if not tree.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=CACHE))
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        tmp.rename(tree)
    return tree


def env_for(tree: Path, instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env.update(DOCGEN_INSTANCE=str(instance), PYTHONPATH=str(tree))
    return env


def database(tree: Path) -> Path:
    """The province database, built with `tree`'s code unless cached."""
    key = hashlib.sha256((ROOT / "benchmarks/province_data.py").read_bytes()
                         + tree.name.encode()).hexdigest()[:12]
    path = CACHE / f"province-{key}.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        part = path.with_suffix(".part")
        subprocess.run([sys.executable, str(ROOT / "benchmarks/province_data.py"), str(part)],
                       cwd=tree, env=env_for(tree, CACHE / "unused"), check=True)
        part.rename(path)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    return path


class ProvinceServer(Server):
    """`python -m docgen serve --no-sample` of `tree` on a copy of the province database."""

    def __init__(self, tree: Path, db: Path, upgrade: bool, processes: int = 0) -> None:
        from docgen.store.engine import DB_FILE
        self.folder = Path(tempfile.mkdtemp(prefix="docgen-province-"))
        instance = self.folder / "instance"
        instance.mkdir(mode=0o700)
        shutil.copyfile(db, instance / DB_FILE)
        os.chmod(instance / DB_FILE, 0o600)
        env = env_for(tree, instance)
        if upgrade:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "docgen", "db", "upgrade"], cwd=tree, env=env,
                           check=True, stdout=subprocess.DEVNULL)
            print(f"  docgen db upgrade: {time.perf_counter() - started:.1f} s")
        self.port = web_overhead.free_port()
        self.log = open(self.folder / "server.log", "w")  # noqa: SIM115 (stop() closes it)
        # --processes N: gunicorn's N web processes, as «Running for a province» sets it up.
        more = ["--processes", str(processes)] if processes else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "docgen", "serve", "--no-sample", "--port", str(self.port),
             *more], cwd=tree, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self) -> None:
        import socket
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("the service did not start") from None
                time.sleep(0.2)


def signed_in(port: int, username: str) -> Client:
    import re
    client = Client(port)
    client.conn.timeout = 600  # the baseline's slowest pages under load
    _, _, page = client.request("GET", "/dang-nhap")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    status, _, _ = client.request("POST", "/dang-nhap", {
        "csrf_token": token, "username": username, "password": province_data.PASSWORD})
    assert status == 302, f"sign-in of {username} failed ({status})"
    return client


def measure(clients: list[Client], url: str, rounds: int) -> dict:
    """Every client GETs `url` at once, `rounds` times after one untimed round (that round
    alone when it took more than SLOW: the baseline's slowest pages take minutes)."""
    times, warm, sizes, statuses = [], [], [], set()
    lock = threading.Lock()

    def one(client: Client, timed: bool) -> None:
        started = time.perf_counter()
        status, _, page = client.request("GET", url)
        spent = time.perf_counter() - started
        with lock:
            statuses.add(status)
            sizes.append(len(page.encode()))
            (times if timed else warm).append(spent)

    for r in range(rounds + 1):
        threads = [threading.Thread(target=one, args=(c, r > 0)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if r == 0 and max(warm) > SLOW:  # seconds a page: its first round says enough
            times.extend(warm)
            break
    return {"p50": percentile(times, 50) * 1000, "p95": percentile(times, 95) * 1000,
            "kb": max(sizes) / 1024, "status": ",".join(map(str, sorted(statuses)))}


def run(tree: Path, db: Path, *, upgrade: bool, rounds: int, processes: int = 0) -> dict:
    server = ProvinceServer(tree, db, upgrade, processes)
    try:
        found = {}
        for user, pages in (("admin", PAGES), ("vanthu", CLERK_PAGES)):
            clients = [signed_in(server.port, user) for _ in range(CLIENTS)]
            for label, url in pages:
                found[label] = measure(clients, url, rounds)
                f = found[label]
                print(f"  {label:28} {f['p50']:8.0f} {f['p95']:8.0f} ms {f['kb']:8.0f} KB "
                      f"{f['status']}", flush=True)
        return found
    finally:
        server.stop()


def report(after: dict, before: dict | None) -> None:
    print(f"\n4 clients; target p95 < {TARGET_MS} ms and < {TARGET_KB} KB\n")
    print("| page | baseline p50 / p95 | baseline size | p50 / p95 | size | target |")
    print("|---|---:|---:|---:|---:|---|")
    for label, f in after.items():
        b = (before or {}).get(label)
        was = f"{b['p50']:.0f} / {b['p95']:.0f} ms" if b else "—"
        was_kb = f"{b['kb']:.0f} KB" if b else "—"
        ok = f["p95"] < TARGET_MS and f["kb"] < TARGET_KB and f["status"] == "200"
        print(f"| {label} | {was} | {was_kb} | {f['p50']:.0f} / {f['p95']:.0f} ms | "
              f"{f['kb']:.0f} KB | {'met' if ok else '**not met**'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--baseline-rounds", type=int, default=4)
    parser.add_argument("--baseline-ref", default=None,
                        help="the baseline's commit (default: where this branch left main, "
                             "a schema this tree can upgrade)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--only-baseline", action="store_true")
    parser.add_argument("--processes", type=int, default=0,
                        help="this tree served by N web processes (gunicorn) instead of one "
                             "waitress process")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    if args.baseline_ref is None:
        args.baseline_ref = subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT,
                                           check=True, capture_output=True,
                                           text=True).stdout.strip()
    base = baseline_tree(args.baseline_ref)
    db = database(base)
    before = None
    if not args.no_baseline:
        print(f"baseline: {args.baseline_ref} ({base.name})", flush=True)
        before = run(base, db, upgrade=False, rounds=args.baseline_rounds)
    if args.only_baseline:
        return report(before, None)
    print("this tree" + (f", {args.processes} web processes" if args.processes else ""),
          flush=True)
    after = run(ROOT, db, upgrade=True, rounds=args.rounds, processes=args.processes)
    report(after, before)


if __name__ == "__main__":
    main()
