"""The question set (tests/support/questions.yaml) and how one question is asked and judged: shared by
the test and bench/assistant.py."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import yaml

QUESTIONS = Path(__file__).with_name("questions.yaml")
FROZEN_AT = "2026-11-16 10:00 +01:00"  # a Monday: the demo's dates and the figures of the set follow from it
DEFAULT_ASKER = {"en": "ap@acme.example", "fr": "compta@lumiere.example"}


@dataclass(frozen=True)
class Question:
    language: str
    text: str
    asker: str
    intent: str = ""
    article: str = ""
    figures: tuple[str, ...] = ()


def questions() -> list[Question]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [
        Question(
            language=language,
            text=item["q"],
            asker=item.get("as", DEFAULT_ASKER[language]),
            intent=item.get("intent", ""),
            article=item.get("article", ""),
            figures=tuple(str(figure) for figure in item.get("figures", ())),
        )
        for language in ("en", "fr")
        for item in data[language]
    ]


@dataclass(frozen=True)
class Outcome:
    question: Question
    got: str  # the intent, or "article:<slug>"
    missing: tuple[str, ...]  # expected figures the answer does not carry
    seconds: float
    text: str

    @property
    def ok(self) -> bool:
        expected = self.question.intent or f"article:{self.question.article}"
        return self.got == expected and not self.missing


def asker_for(question: Question):
    from django.utils import timezone

    from accounts.models import Membership, Role
    from support.assistant.answers import Asker

    memberships = Membership.objects.filter(user__email=question.asker).select_related("user", "account")
    membership = sorted(memberships, key=lambda m: (m.role != Role.BILLING_CONTACT, m.account_id))[0]
    return Asker(
        user=membership.user,
        account=membership.account,
        language=question.language,
        today=timezone.localdate(),
    )


def ask(question: Question) -> Outcome:
    from support.assistant.services import assistant_answer

    asker = asker_for(question)
    started = time.perf_counter()
    answer = assistant_answer(asker=asker, message=question.text)
    seconds = time.perf_counter() - started
    got = f"article:{answer.article_slug}" if answer.intent == "article" else answer.intent
    values = answer.figure_values()
    missing = tuple(figure for figure in question.figures if figure not in values)
    return Outcome(question=question, got=got, missing=missing, seconds=seconds, text=answer.plain_text())


def demo_seed() -> None:
    """The demo data of `make run`, with on-commit callbacks run (the caller freezes the clock)."""
    from django.db import transaction

    from portal.demo import seed_all

    with transaction.atomic():
        seed_all()
