"""The assistant's writes: a question answered and stored, and a conversation handed to billing support.

`assistant_ask` reads the message (support.assistant.text), routes it (router), answers through an intent
handler or, when no intent is clear, with the best help article, and stores both messages. It is
rate-limited per user and per account (the cache counts messages over a window), and answers in the
language the user reads the portal in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from support.assistant.answers import Answer, Asker, Link
from support.assistant.intents import handlers
from support.assistant.models import Author, Conversation, ConversationMessage
from support.assistant.router import known_words, route, vocabulary
from support.assistant.text import Reading, read
from support.help.render import configured_numbers, fill
from support.help.search import article_search
from support.help.selectors import help_articles_by_slug

MAX_MESSAGE_CHARS = 500
CONVERSATION_PAUSE = datetime.timedelta(hours=2)  # a question after a longer pause starts a new conversation
RATE_WINDOW_SECONDS = 60
RATE_PER_USER = 20
RATE_PER_ACCOUNT = 60


class AssistantThrottled(Exception):
    """Too many questions in the window; the message is safe to show."""

    def __str__(self) -> str:
        return _("You have asked many questions in a short time. Wait a minute and ask again.")


def _rate_keys(*, user: User, account: CustomerAccount) -> list[tuple[str, int]]:
    return [
        (f"assistant-messages:user:{user.pk}", RATE_PER_USER),
        (f"assistant-messages:account:{account.pk}", RATE_PER_ACCOUNT),
    ]


def assistant_rate_check(*, user: User, account: CustomerAccount) -> None:
    """Count one message for the user and the account; raise AssistantThrottled past either limit."""
    keys = _rate_keys(user=user, account=account)
    counts = cache.get_many([key for key, _limit in keys])
    if any(counts.get(key, 0) >= limit for key, limit in keys):
        raise AssistantThrottled()
    for key, _limit in keys:
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)


def assistant_read(message: str, *, today: datetime.date) -> Reading:
    return read(message[:MAX_MESSAGE_CHARS], vocabulary=vocabulary(), known=known_words(), today=today)


def article_answer(asker: Asker, reading: Reading) -> Answer:
    """No intent is clear: the help article that best matches, with two more to try."""
    searched = " ".join([reading.raw, *reading.mended.values()])
    hits = article_search(text=searched, limit=3)
    articles = help_articles_by_slug(slugs=[hit.slug for hit in hits], language=asker.language)
    hits = [hit for hit in hits if hit.slug in articles]
    if not hits:
        return Answer(
            intent="",
            text=_(
                "I did not understand that. Ask about your balance, an invoice (with its number), a transfer, "
                "payment methods, your rewards or an order, or ask to talk to someone."
            ),
            links=[Link(_("Help center"), reverse("help"))],
        )
    numbers = configured_numbers(currency=asker.account.currency)
    best = articles[hits[0].slug]
    return Answer(
        intent="article",
        text=fill(best.summary, numbers),
        links=[
            Link(fill(articles[hit.slug].title, numbers), reverse("help_article", args=[hit.slug]))
            for hit in hits
        ],
        article_slug=best.slug,
        figures={"articles": [hit.slug for hit in hits]},
    )


def assistant_answer(*, asker: Asker, message: str) -> Answer:
    """The answer to one message, without storing anything (the question set and the bench call this)."""
    with translation.override(asker.language):
        reading = assistant_read(message, today=asker.today)
        intent = route(reading).intent
        if intent:
            return handlers()[intent](asker, reading)
        return article_answer(asker, reading)


def conversation_current(
    *, user: User, account: CustomerAccount, now: datetime.datetime
) -> Conversation | None:
    return (
        Conversation.objects.filter(user=user, account=account, last_message_at__gte=now - CONVERSATION_PAUSE)
        .order_by("-last_message_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class Exchange:
    conversation: Conversation
    question: ConversationMessage
    answer: Answer
    reply: ConversationMessage


def assistant_ask(*, user: User, account: CustomerAccount, message: str, language: str) -> Exchange:
    """Answer `message` from `user` on `account` and store both messages. Raises AssistantThrottled."""
    message = message.strip()[:MAX_MESSAGE_CHARS]
    assistant_rate_check(user=user, account=account)
    now = timezone.now()
    asker = Asker(user=user, account=account, language=language, today=timezone.localdate(now))
    answer = assistant_answer(asker=asker, message=message)
    with transaction.atomic():
        conversation = conversation_current(user=user, account=account, now=now)
        if conversation is None:
            conversation = Conversation.objects.create(
                account=account, user=user, language=language, started_at=now
            )
        question = ConversationMessage.objects.create(
            conversation=conversation, author=Author.USER, text=message, created_at=now
        )
        reply = ConversationMessage.objects.create(
            conversation=conversation,
            author=Author.ASSISTANT,
            text=answer.plain_text(),
            intent=answer.intent,
            article_slug=answer.article_slug,
            links=[link.as_dict() for link in answer.links],
            created_at=now,
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now, language=language)
    return Exchange(conversation=conversation, question=question, answer=answer, reply=reply)


def conversation_transcript(*, conversation: Conversation) -> str:
    lines = []
    for entry in conversation.messages.order_by("created_at", "id"):
        who = _("The customer") if entry.author == Author.USER else _("Assistant")
        lines.append(f"[{timezone.localtime(entry.created_at):%Y-%m-%d %H:%M}] {who}: {entry.text}")
    return "\n".join(lines)


def assistant_escalate(*, user: User, account: CustomerAccount, request=None):
    """File a billing-support request carrying the user's current conversation; returns it (or None when
    there is no conversation to send). Raises support's SupportError/PermissionDenied like request_open."""
    from django.core.exceptions import PermissionDenied

    from support.models import RequestKind
    from support.services import request_open

    if not user.has_perm("support.file_request", account):
        raise PermissionDenied
    now = timezone.now()
    conversation = conversation_current(user=user, account=account, now=now)
    if conversation is None:
        return None
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.escalated_request_id:  # a double click files one request
            return conversation.escalated_request
        support_request = request_open(
            account=account,
            user=user,
            kind=RequestKind.OTHER,
            subject=_("Conversation with the assistant"),
            description=_("The customer asked to talk to someone. Their conversation with the assistant:")
            + "\n\n"
            + conversation_transcript(conversation=conversation),
            request=request,
        )
        conversation.escalated_at = now
        conversation.escalated_request = support_request
        conversation.save(update_fields=["escalated_at", "escalated_request"])
    return support_request
