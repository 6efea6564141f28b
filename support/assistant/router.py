"""Which intent a message asks for: weighted rules over French and English wording plus the numbers found.

Each rule is a regular expression over the folded, typo-mended text (support.assistant.text) with a
weight; the numbers a message names add to the intents that use them. The best score wins if it reaches
THRESHOLD; otherwise the message goes to help-article search. No model, no network: the same message
always gets the same intent, and a test holds the whole question set to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from support.assistant.text import Reading
from support.help.content import article_words

THRESHOLD = 3

REWARDS = r"(rewards?|recompenses?|support rewards|points)"
INVOICE = r"(invoices?|factures?|bill)"

# intent → [(pattern, weight)]. Patterns read the folded text: lower case, no accents, apostrophes as spaces.
RULES: dict[str, list[tuple[str, int]]] = {
    "dispute": [
        (r"\b(disput\w*|contest\w*|litiges?|reclamation|desaccord|challenge)\b", 5),
        (r"\b(wrong|incorrect|erron\w*|fausse|faux|error|erreur|mistake)\b", 2),
    ],
    "vat": [(r"\b(vat|tva|tax number|tax id|numero fiscal|intracommunautaire|siren)\b", 5)],
    "po": [(r"\b(po|purchase order|bon de commande|poef\w*|pos)\b", 5)],
    "cancellation": [
        (r"\b(cancel\w*|resili\w*|terminate|unsubscribe|desabonner|desinscri\w*)\b", 5),
        (r"\b(stop|arreter|end|mettre fin)\b.*\b(services?|subscription|abonnement|contrat|contract)\b", 4),
        (r"\bannul\w*\b.*\b(services?|abonnement|contrat|commande)\b", 4),
    ],
    "refund": [
        (
            r"\b(refund\w*|rembours\w*|money back|overpa\w*|trop percu|trop paye|paid twice|paye deux fois)\b",
            5,
        ),
        (r"\b(double (payment|paiement)|paid .* twice)\b", 3),
    ],
    "talk_to_human": [
        (r"\b(talk|speak|chat)\b.*\b(someone|somebody|human|person|agent|support|rep)\b", 6),
        (r"\bparler\b.*\b(quelqu un|humain|personne|conseiller|agent|support|assistance)\b", 6),
        (r"\b(human|humain|real person|vraie personne|conseiller|operator|operateur)\b", 5),
        (r"\b(contact|contacter|joindre|call|appeler)\b.*\b(support|assistance|service client)\b", 3),
    ],
    "balance": [
        (r"\b(balance|solde|outstanding|owe|owed|dois|devons|doit|due|du|unpaid|impayes?|impayees?)\b", 3),
        (r"\b(overdue|late|en retard|retards?|past due|echues?)\b", 3),
        (r"\b(how much|combien|total)\b", 1),
        (rf"\b{REWARDS}\b", -4),
    ],
    "invoice_status": [
        (
            r"\b(status|statut|etat|paid|payee?s?|regle\w*|closed|cloturee?|open|ouverte|due date|echeance)\b|\bwhen is\b.*\bdue\b",
            2,
        ),
        (r"\bwhere\b.*\b(is|stands?)\b|\bou en est\b", 2),
    ],
    "invoice_why_amount": [
        (r"\bwhy\b.*\b(amount|much|high|expensive|total|charged|more|less|different|bigger|smaller)\b", 6),
        (r"\bpourquoi\b.*\b(montant|cher|eleve|total|facture|plus|moins|different|ce prix)\b", 5),
        (r"\b(breakdown|explain|explique\w*|detail\w*|calcul\w*|how .* calculated)\b", 3),
        (r"\b(amount|montant)\b", 1),
        (rf"\b{REWARDS}\b", -3),
    ],
    "transfer": [
        (r"\b(transfer|transfers|virement|virements|wire|wired|ach|bank|banque|cheque|check)\b", 3),
        (
            r"\b(sent|envoye|paid|paye|fait|made|arriv\w*|received|recu|reception|apply|applied|pris en compte|showing)\b",
            1,
        ),
        (
            r"\bwhen\b.*\b(close|closed|closes|arrive|land|show)\b|\bquand\b.*\b(cloture\w*|arriv\w*|fermee?)\b",
            3,
        ),
        (r"\b(email|e mail|mail|courriel)\b", -3),
        (
            r"\b(business days|jours ouvr\w*|still open|toujours ouverte|not (yet )?(received|closed)|pas (encore )?(recu|cloture\w*))\b",
            2,
        ),
    ],
    "payment_methods": [
        (r"\b(methods?|moyens?|modes?|options?|ways?)\b", 2),
        (r"\b(card|carte|paypal|debit|prelevement|sepa|credit card|visa)\b", 3),
        (r"\b(can i pay|puis je payer|accepted|acceptes?)\b", 2),
        (
            r"\b(pay|payer|paid|paye)\b.*\b(by|with|par|avec)\b.*\b(wire|card|carte|paypal|transfer|virement|cheque|check|ach|debit|prelevement|sepa)\b",
            4,
        ),
        (r"\b(which|quels?|quelles?)\b", 1),
        (r"\b(limit|limite|plafond|maximum|threshold|seuil)\b", -3),
    ],
    "pay": [
        (r"\b(pay|payer|regler|settle)\b", 2),
        (r"\b(pay|payer|regler)\b \b(it|this|that|now|la|cette|ma|mon|maintenant|invoice|facture|inv)\b", 2),
        (r"\b(how do i pay|comment payer|comment je paye|comment regler|je veux payer|i want to pay)\b", 2),
    ],
    "rewards_balance": [
        (rf"\b{REWARDS}\b", 2),
        (
            r"\b(balance|solde|how much|how many|combien|left|reste|restant|available|disponibles?|have|ai)\b",
            2,
        ),
    ],
    "rewards_expiry": [
        (rf"\b{REWARDS}\b", 2),
        (r"\b(expir\w*|perim\w*|valid\w*|lose|perdre|perdu|deadline|date limite|until|jusqu)\b", 5),
    ],
    "rewards_ineligible": [
        (rf"\b{REWARDS}\b", 2),
        (r"\b(eligible|ineligible|not eligible|non eligible|pas eligible)\b", 4),
        (r"\b(can t|cannot|can not|won t|unable|pas|peux pas|impossible|refus\w*|why not|pourquoi pas)\b", 2),
    ],
    "order_status": [
        (r"\b(order|orders|commande|commandes)\b", 3),
        (r"\b(provision\w*|activ\w*|deliver\w*|livr\w*|deploy\w*)\b", 3),
        (r"\b(several|multiple|plusieurs)\b", -3),
        (
            r"\b(next invoice|invoiced next|upcoming|prochaine facture|a venir|prochaines? factures?|what .* next|status|statut|ou en est)\b",
            2,
        ),
    ],
    "billing_contact": [
        (r"\b(billing contact|contact de facturation|contact facturation)\b", 5),
        (
            r"\b(who|qui)\b.*\b(contact|receives?|recoit|gets? the invoices?|billing|facturation|responsable|admin\w*)\b",
            3,
        ),
    ],
    "add_teammate": [
        (r"\b(add|ajouter|invite\w*|inviter|share|partager|give|donner)\b", 2),
        (
            r"\b(teammates?|colleagues?|collegues?|users?|utilisateurs?|members?|membres?|team|equipe|someone|quelqu un|access|acces|coworkers?)\b",
            3,
        ),
        (r"\b(role|roles|permission\w*|droits?)\b", 2),
    ],
    "download_invoice": [
        (r"\b(download|telecharg\w*|pdf|copy|copie|print|imprimer|duplicata|save|enregistrer)\b", 5),
    ],
}

# What a number named in the message adds to the intents that use it.
INVOICE_NUMBER_BONUS = {
    "invoice_status": 3, "invoice_why_amount": 2, "transfer": 2, "payment_methods": 2, "rewards_ineligible": 2,
    "dispute": 1, "download_invoice": 1, "pay": 2,
}  # fmt: skip
ORDER_NUMBER_BONUS = {"order_status": 4}
AMOUNT_OR_DATE_BONUS = {"transfer": 1}
# Human-needed intents win over an account question that happens to share its words ("dispute the balance").
PRIORITY = ["talk_to_human", "dispute", "refund", "vat", "po", "cancellation"]


# A question about what a word means is for the help articles, whatever account word it names.
DEFINITION = re.compile(
    r"\b(mean|means|meaning|veut dire|signifie|signification|c est quoi|qu est ce que?)\b"
)
DEFINITION_PENALTY = 4


@dataclass(frozen=True)
class Route:
    intent: str  # "" when nothing reached the threshold: help-article search answers
    score: int
    scores: dict[str, int]


@cache
def _compiled() -> dict[str, list[tuple[re.Pattern[str], int]]]:
    return {
        intent: [(re.compile(pattern), weight) for pattern, weight in rules]
        for intent, rules in RULES.items()
    }


@cache
def vocabulary() -> frozenset[str]:
    """Every word of 4+ letters the rules spell out: typos are mended towards these before routing."""
    words: set[str] = set()
    for rules in RULES.values():
        for pattern, _weight in rules:
            words.update(re.findall(r"[a-z]{4,}", re.sub(r"\\[a-z]", " ", pattern)))
    return frozenset(words)


def known_words() -> frozenset[str]:
    """Correct words never mended into a rule's word: every word of the help articles ("change" stays
    "change", not "challenge")."""
    return article_words()


def route(reading: Reading) -> Route:
    text = f" {reading.text} "
    scores: dict[str, int] = {}
    definition = bool(DEFINITION.search(text))
    for intent, rules in _compiled().items():
        score = sum(weight for pattern, weight in rules if pattern.search(text))
        if reading.invoice_numbers or reading.bare_numbers:
            score += INVOICE_NUMBER_BONUS.get(intent, 0) if score > 0 else 0
        if reading.order_numbers:
            score += ORDER_NUMBER_BONUS.get(intent, 0)
        if reading.amounts or reading.dates:
            score += AMOUNT_OR_DATE_BONUS.get(intent, 0) if score > 0 else 0
        if definition:
            score -= DEFINITION_PENALTY
        if score > 0:
            scores[intent] = score
    if not scores:
        return Route(intent="", score=0, scores={})
    best = max(scores.values())
    for intent in PRIORITY:
        if scores.get(intent, 0) >= 5 and scores[intent] >= best - 3:
            return Route(intent=intent, score=scores[intent], scores=scores)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], list(RULES).index(item[0])))
    intent, score = ranked[0]
    if score < THRESHOLD:
        return Route(intent="", score=score, scores=scores)
    return Route(intent=intent, score=score, scores=scores)
