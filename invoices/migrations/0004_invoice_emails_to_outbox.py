"""Invoice emails move to the outbox (notifications.OutboxEmail): copy every EmailDispatch, then drop it.

Rows left pending or sending keep that state (enqueued_at empty): the outbox sweeper sends them, or fails
them with a note when older than its give-up delay, for staff to resend from the admin.
"""

from django.db import migrations

STATUS = {"pending": "pending", "sending": "claimed", "sent": "sent", "failed": "failed"}


def dispatches_to_outbox(apps, schema_editor):
    EmailDispatch = apps.get_model("invoices", "EmailDispatch")
    OutboxEmail = apps.get_model("notifications", "OutboxEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    invoice_type, _ = ContentType.objects.get_or_create(app_label="invoices", model="invoice")
    rows = []
    for dispatch in EmailDispatch.objects.order_by("pk").iterator(chunk_size=2000):
        if dispatch.kind in ("reminder", "overdue"):
            key = f"invoice:{dispatch.invoice_id}:{dispatch.kind}"
        elif dispatch.kind == "resend":
            key = f"invoice:{dispatch.invoice_id}:v{dispatch.version}:staff-resend-1"
        else:
            key = f"invoice:{dispatch.invoice_id}:v{dispatch.version}"
        status = STATUS[dispatch.status]
        params = {"migrated_from": f"invoices.EmailDispatch:{dispatch.pk}", "version": dispatch.version}
        if dispatch.sent_count > 1:
            params["times_sent"] = dispatch.sent_count
        rows.append(
            OutboxEmail(
                kind=f"invoice.{dispatch.kind}",
                dedupe_key=key,
                content_type=invoice_type,
                object_id=dispatch.invoice_id,
                params=params,
                to=dispatch.to,
                cc=dispatch.cc,
                language=dispatch.language,
                status=status,
                attempts=dispatch.attempts,
                claimed_at=dispatch.claimed_at or (dispatch.created_at if status == "claimed" else None),
                sent_at=dispatch.sent_at or (dispatch.created_at if status == "sent" else None),
                last_error=dispatch.last_error,
                requested_by_id=dispatch.requested_by_id,
                created_at=dispatch.created_at,
            )
        )
    OutboxEmail.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0003_invoice_event"),
        ("notifications", "0001_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(dispatches_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="EmailDispatch"),
    ]
