"""Bench: the assistant on its question set (tests/support/questions.yaml) over the demo data: top-1 and
latency per question (p50, p95), next to a baseline of help-article search alone on the same questions.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/assistant.py [--rounds 5]

Runs in a throwaway database (bench_assistant), created with the project's migrations, seeded with the demo
data at the question set's frozen date, and dropped at the end. Latency is the server's time to answer one
message (reading, routing, the intent's queries or the search), without storing the conversation.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

from _bench_db import django_with_bench_db

teardown = django_with_bench_db("bench_assistant")

import time_machine  # noqa: E402

from tests.support.question_set import FROZEN_AT, ask, demo_seed, questions  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from support.help.search import article_search

    asked = questions()
    with time_machine.travel(datetime.datetime.fromisoformat(FROZEN_AT.replace(" +", "+")), tick=False):
        demo_seed()
        for question in asked:  # warm caches (vocabularies, compiled rules, catalogs)
            ask(question)
        latencies: list[float] = []
        correct = 0
        for round_number in range(args.rounds):
            for question in asked:
                outcome = ask(question)
                latencies.append(outcome.seconds * 1000)
                correct += outcome.ok if round_number == 0 else 0
        search_latencies: list[float] = []
        search_correct = 0
        for round_number in range(args.rounds):
            for question in asked:
                started = time.perf_counter()
                hits = article_search(text=question.text)
                search_latencies.append((time.perf_counter() - started) * 1000)
                if round_number == 0 and question.article and hits and hits[0].slug == question.article:
                    search_correct += 1
    articles = sum(1 for question in asked if question.article)
    print(f"questions: {len(asked)} ({articles} for help articles, {len(asked) - articles} for the account)")
    print(
        f"assistant          top-1 {correct / len(asked):6.1%}   p50 {statistics.median(latencies):6.1f} ms"
        f"   p95 {percentile(latencies, 0.95):6.1f} ms"
    )
    print(
        f"baseline: search   top-1 {search_correct / len(asked):6.1%}   p50 {statistics.median(search_latencies):6.1f} ms"
        f"   p95 {percentile(search_latencies, 0.95):6.1f} ms   (articles only; it cannot answer account questions)"
    )
    print(f"search on the {articles} article questions: top-1 {search_correct / articles:6.1%}")


if __name__ == "__main__":
    try:
        main()
    finally:
        teardown()
