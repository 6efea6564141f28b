"""Invitation emails move to the outbox (notifications.OutboxEmail): copy every InvitationDelivery (each
one an email sent), then drop it."""

from django.db import migrations


def deliveries_to_outbox(apps, schema_editor):
    InvitationDelivery = apps.get_model("accounts", "InvitationDelivery")
    OutboxEmail = apps.get_model("notifications", "OutboxEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    invitation_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="invitation")
    rows = [
        OutboxEmail(
            kind="accounts.invitation",
            dedupe_key=f"invitation:{delivery.invitation_id}:send-{delivery.send_number}",
            content_type=invitation_type,
            object_id=delivery.invitation_id,
            params={
                "send_number": delivery.send_number,
                "migrated_from": f"accounts.InvitationDelivery:{delivery.pk}",
            },
            to=[delivery.invitation.email],
            language=delivery.invitation.language,
            status="sent",
            attempts=1,
            sent_at=delivery.sent_at,
            requested_by_id=delivery.invitation.invited_by_id,
            created_at=delivery.sent_at,
        )
        for delivery in InvitationDelivery.objects.select_related("invitation").order_by("pk")
    ]
    OutboxEmail.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_nonce_default"),
        ("notifications", "0001_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(deliveries_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="InvitationDelivery"),
    ]
