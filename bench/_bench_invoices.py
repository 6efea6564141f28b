"""Shared by the invoice benches: bench customer accounts and an import file of N invoices (2 lines each)."""

from __future__ import annotations

from pathlib import Path

ACCOUNTS = 200
HEADER = "number,customer_number,kind,issue_date,currency,po_number,order_number,description,product,quantity,unit_price,tax,rewards_eligible\n"


def seed_accounts(count: int = ACCOUNTS) -> None:
    """Accounts B-0 … B-<count - 1>, in dollars, in English."""
    from accounts.models import CustomerAccount

    CustomerAccount.objects.bulk_create(
        CustomerAccount(
            customer_number=f"B-{n}",
            legal_name=f"Bench {n}",
            country="US",
            currency="USD",
            language="en",
            contract_email=f"bench{n}@example.test",
        )
        for n in range(count)
    )


def write_csv(path: Path, prefix: str, count: int) -> None:
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER)
        for n in range(count):
            invoice = f"{prefix}-{n:06d},B-{n % ACCOUNTS},support_renewal,2026-11-02,USD,PO-{n}"
            file.write(
                f"{invoice},ORD-{n},Database support — order ORD-{n},DB EE support,1,1800.00,148.50,true\n"
            )
            file.write(
                f"{invoice},ORD-{n},WebLogic support — order ORD-{n},WLS support,2,320.00,52.80,false\n"
            )
