"""Rewards emails move to the outbox (notifications.OutboxEmail): copy every RewardsEmail, then drop it.

A row marked sent with no recipients was one with nothing to say any more: it becomes "skipped".
A row never sent stays pending (enqueued_at empty) for the outbox sweeper.
"""

from django.db import migrations
from django.utils import timezone

TARGETS = {  # kind: (app label, model, path to the account's language)
    "deposit": ("rewards", "rewardaccrual", "rewards_account__account__language"),
    "redemption": ("payments", "payment", "account__language"),
    "expiry_reminder": ("rewards", "expiryreminder", "lot__rewards_account__account__language"),
    "new_code": ("accounts", "activityentry", "account__language"),
}


def rewards_emails_to_outbox(apps, schema_editor):
    RewardsEmail = apps.get_model("rewards", "RewardsEmail")
    OutboxEmail = apps.get_model("notifications", "OutboxEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    types, languages = {}, {}
    for kind, (app_label, model, language_path) in TARGETS.items():
        types[kind], _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        ids = RewardsEmail.objects.filter(kind=kind).values_list("object_id", flat=True)
        languages[kind] = dict(
            apps.get_model(app_label, model).objects.filter(pk__in=ids).values_list("pk", language_path)
        )
    rows = []
    for email in RewardsEmail.objects.order_by("pk"):
        recipients = [r.strip() for r in email.recipients.split(",") if r.strip()]
        if email.sent_at is None:
            status = "pending"
        else:
            status = "sent" if recipients else "skipped"
        rows.append(
            OutboxEmail(
                kind=f"rewards.{email.kind}",
                dedupe_key=f"rewards-{email.kind.replace('_', '-')}:{email.object_id}",
                content_type=types[email.kind],
                object_id=email.object_id,
                params={"migrated_from": f"rewards.RewardsEmail:{email.pk}"},
                to=recipients,
                language=languages[email.kind].get(email.object_id, ""),
                status=status,
                attempts=0 if email.sent_at is None else 1,
                sent_at=email.sent_at if status == "sent" else None,
                created_at=email.sent_at or timezone.now(),  # RewardsEmail kept no creation date
            )
        )
    OutboxEmail.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0002_new_code_email"),
        ("notifications", "0001_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rewards_emails_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="RewardsEmail"),
    ]
