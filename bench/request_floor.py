"""The signed-in request floor: server time and queries of trivial pages for a signed-in customer
(/robots.txt, the password change form), what every page of the portal pays before its own work.

    .venv/bin/python bench/request_floor.py [--runs 200] [--profile FILE]

Medians over `runs` requests (django.test.Client, force_login, DEBUG False). --profile writes cProfile
statistics of all the requests to FILE (pstats format) and prints the top 40 by cumulative time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _bench_db import django_with_bench_db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--profile", default="")
    parser.add_argument("--path", action="append", help="the pages to time (default: both)")
    args = parser.parse_args()
    teardown = django_with_bench_db("bench_request_floor")
    try:
        run(args.runs, args.profile, args.path or PATHS)
    finally:
        teardown()


PATHS = ["/robots.txt", "/account/password/change/"]


def run(runs: int, profile: str, paths: list[str]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MembershipFactory

    member = MembershipFactory(role="billing_contact")
    client = Client()
    client.force_login(member.user)
    for path in paths:
        assert client.get(path).status_code == 200, path
    print(f"Signed-in request floor, median of {runs} requests")
    print(f"{'path':>28} {'server ms':>10} {'queries':>8}")
    for path in paths:
        for _ in range(10):
            client.get(path)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(f"{path:>28} {statistics.median(times) * 1000:>10.2f} {len(queries):>8}")
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            for path in paths:
                client.get(path)
        profiler.disable()
        profiler.dump_stats(profile)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
