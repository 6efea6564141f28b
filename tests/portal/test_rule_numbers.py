"""Pages and emails that state a rule's number render it from its configured value, never as text.

The numbers of the seeds — card limit 100 000 USD, card only under 2 000 USD, rewards at 25 % / 33 %,
valid 12 months, transfers in two business days plus one — come from CardLimit rows, rewards.eligibility
and the TRANSFER_*/INVOICE_CLOSING_* settings. A literal in a template or in a translation would stay
behind when staff change the configured value.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from payments.models import CardLimit

ROOT = Path(__file__).resolve().parents[2]
SPACE = r"[\s,.\u202f\xa0]"
LITERALS = {
    "card limit 100 000": re.compile(rf"(?<![\d.,])100{SPACE}?000(?!\d)"),
    "card only under 2 000": re.compile(rf"(?<![\d.,]){2}{SPACE}000(?![\d])".replace("{2}", "2")),
    "rewards rate 25 % / 33 %": re.compile(r"(?<![\d.,])(25|33)\s?%"),
    "rewards valid 12 months": re.compile(r"(?<![\d.,])12\s+(months?|mois)\b", re.IGNORECASE),
    "transfer business days": re.compile(
        r"\b(one|two|three|four|five|un|une|deux|trois|quatre|cinq|\d+)\s+(more\s+)?"
        r"(business\s+days?|jours?\s+ouvr)",
        re.IGNORECASE,
    ),
}


def _texts():
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"}:
            yield path, path.read_text(encoding="utf-8").splitlines()
    for path in sorted((ROOT / "locale").rglob("django.po")):
        # Source references and obsolete entries are not shown to anyone.
        lines = path.read_text(encoding="utf-8").splitlines()
        yield path, [line if not line.startswith(("#:", "#~")) else "" for line in lines]


def test_no_template_nor_translation_states_a_rule_number_as_text():
    found = []
    for path, lines in _texts():
        for number, line in enumerate(lines, start=1):
            for rule, pattern in LITERALS.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number} ({rule}): {line.strip()[:120]}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_help_page_states_the_configured_numbers(client_of, billing_contact, settings):
    CardLimit.objects.filter(currency="USD").update(max_amount="90000.00", card_only_below="2500.00")
    settings.TRANSFER_ARRIVAL_BUSINESS_DAYS = 4
    page = client_of(billing_contact).get(reverse("help")).content.decode()
    assert "$90,000.00" in page and "$2,500.00" in page
    assert "up to 4 business days" in page  # the help center's articles fill their placeholders
    assert "25%" in page and "33%" in page and "12 months" in page


@pytest.mark.django_db
def test_help_page_in_french_states_the_same_numbers(client_of, billing_contact):
    page = client_of(billing_contact).get(reverse("help"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "2\u202f000,00\xa0$US" in page and "100\u202f000,00\xa0$US" in page
    assert "2 jours ouvrables, puis 1 de plus" in page
    assert "25 %" in page and "33 %" in page and "12 mois" in page
