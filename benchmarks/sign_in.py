"""Sign-in failures take the same time whether the account is unknown, exists or is locked;
what the database-kept session costs a signed-in request.

    python benchmarks/sign_in.py [--attempts 30] [--requests 300]

Builds the app (Flask test client, no HTTP) on a fresh SQLite database in a temporary
folder, with one clerk account. Times failed sign-ins (POST /dang-nhap) for an unknown
name, a wrong password of the clerk, and the clerk's right password while the account is
locked, interleaved so that a change in the machine's load falls on all alike; the
baseline is a successful sign-in. Then times GET /dang-nhap (public: no session check)
against GET /nguoi-dung/ (its session checked), with the session's idle clock written at
most once a minute as in use. Prints medians and 95th percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import re
import statistics
import tempfile
import time

PASSWORD = "mat-khau-do-hieu-nang-1"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    from docgen import store as q
    from webform import create_app
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "INSTANCE_PATH": folder, "ADMIN_PASSWORD": PASSWORD})
        db = app.extensions["docgen_store"]
        with db.session() as s:
            q.save_user(s, username="vanthu.thu", role=q.ROLE_VIEWER, password=PASSWORD,
                        must_change=False)
            q.save_user(s, username="vanthu.khoa", role=q.ROLE_VIEWER, password=PASSWORD,
                        must_change=False)

        def attempt(username: str, password: str, expect: int, address: str):
            c = app.test_client()
            page = c.get("/dang-nhap").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]

            def post():
                status = c.post("/dang-nhap", environ_base={"REMOTE_ADDR": address},
                                data={"csrf_token": token, "username": username,
                                      "password": password}).status_code
                assert status == expect, (username, status)
            return timed(post)

        for _ in range(5):  # lock "vanthu.khoa"
            attempt("vanthu.khoa", "sai-mat-khau-roi", 401, "10.0.0.1")
        cases = {"unknown name": ("khong.co.ai", PASSWORD, 401),
                 "wrong password": ("vanthu.thu", "sai-mat-khau-roi", 401),
                 "locked account": ("vanthu.khoa", PASSWORD, 401),
                 "baseline: success": ("vanthu.thu", PASSWORD, 302)}
        times: dict[str, list[float]] = {name: [] for name in cases}
        for i in range(args.attempts):
            for name, (username, password, expect) in cases.items():
                # A new address every round keeps the per-address limit out of the way; the
                # successful sign-in of each round resets the wrong-password count.
                times[name].append(attempt(username, password, expect, f"10.1.{i}.1"))

        print(f"Python {platform.python_version()}, {platform.machine()}, "
              f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
        print("Failed sign-ins (POST /dang-nhap):")
        for name, values in times.items():
            print(f"  {name:18} {summary(values)}")
        medians = [statistics.median(times[n]) for n in list(cases)[:3]]
        print(f"  slowest / fastest failure median: {max(medians) / min(medians):.2f}")

        c = app.test_client()
        page = c.get("/dang-nhap").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        assert c.post("/dang-nhap", data={"csrf_token": token, "username": "admin",
                                          "password": PASSWORD}).status_code == 302
        public, checked = [], []
        for _ in range(args.requests):
            public.append(timed(lambda: c.get("/dang-nhap")))
            checked.append(timed(lambda: c.get("/nguoi-dung/")))
        print("Pages:")
        print(f"  {'GET /dang-nhap':18} {summary(public)}")
        print(f"  {'GET /nguoi-dung/':18} {summary(checked)}")


if __name__ == "__main__":
    main()
