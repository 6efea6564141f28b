"""Payment emails move to the outbox (notifications.OutboxEmail): copy every PaymentEmail (confirmation,
debit failed) and PaymentNotice (transfer received, refund paid), then drop both.

A row never sent stays pending (enqueued_at empty): the outbox sweeper sends it, or fails it with a note
when older than its give-up delay, for staff to resend from the admin.
"""

from django.db import migrations


def _status(sent_at):
    return "sent" if sent_at else "pending"


def payment_emails_to_outbox(apps, schema_editor):
    PaymentEmail = apps.get_model("payments", "PaymentEmail")
    PaymentNotice = apps.get_model("payments", "PaymentNotice")
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")
    OutboxEmail = apps.get_model("notifications", "OutboxEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    payment_type, _ = ContentType.objects.get_or_create(app_label="payments", model="payment")
    refund_type, _ = ContentType.objects.get_or_create(app_label="payments", model="refund")
    rows = []
    for email in PaymentEmail.objects.select_related("payment__account").order_by("pk"):
        key = {"confirmation": "payment-confirmation", "debit_failed": "payment-debit-failed"}[email.kind]
        rows.append(
            OutboxEmail(
                kind=f"payment.{email.kind}",
                dedupe_key=f"{key}:{email.payment_id}",
                content_type=payment_type,
                object_id=email.payment_id,
                params={"migrated_from": f"payments.PaymentEmail:{email.pk}"},
                to=email.recipients or [],
                language=email.payment.account.language,
                status=_status(email.sent_at),
                attempts=1 if email.sent_at else 0,
                sent_at=email.sent_at,
                created_at=email.created_at,
            )
        )
    languages = {
        "transfer_received": dict(Payment.objects.values_list("pk", "account__language")),
        "refund_paid": dict(Refund.objects.values_list("pk", "account__language")),
        "late_payment_credited": dict(Payment.objects.values_list("pk", "account__language")),
    }
    for notice in PaymentNotice.objects.order_by("pk"):
        rows.append(
            OutboxEmail(
                kind=f"payment.{notice.kind}",
                dedupe_key=f"{notice.kind.replace('_', '-')}:{notice.object_id}",
                content_type=refund_type if notice.kind == "refund_paid" else payment_type,
                object_id=notice.object_id,
                params={"migrated_from": f"payments.PaymentNotice:{notice.pk}"},
                to=[notice.recipient] if notice.recipient else [],
                language=languages[notice.kind].get(notice.object_id, ""),
                status=_status(notice.sent_at),
                attempts=1 if notice.sent_at else 0,
                sent_at=notice.sent_at,
                created_at=notice.created_at,
            )
        )
    OutboxEmail.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_payment_notice_late_payment_credited"),
        ("notifications", "0001_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(payment_emails_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="PaymentNotice"),
        migrations.DeleteModel(name="PaymentEmail"),
    ]
