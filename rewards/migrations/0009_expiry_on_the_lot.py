"""RewardLot.expired_amount replaces RewardExpiry: each expiry row's amount is copied onto its lot (a lot
expired without one lost nothing), then the table goes. The rewards activity reads expiries from the lots'
new lot_expiry_order index."""

from django.db import migrations, models

# Foreign keys are checked as each row is written (not at commit), so that the tables can be altered after.
FILL = """
SET CONSTRAINTS ALL IMMEDIATE;
UPDATE rewards_rewardlot AS lot SET expired_amount = expiry.amount
FROM rewards_rewardexpiry AS expiry WHERE expiry.lot_id = lot.id;
UPDATE rewards_rewardlot SET expired_amount = 0 WHERE status = 'expired' AND expired_amount IS NULL;
"""

UNFILL = """
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO rewards_rewardexpiry (lot_id, rewards_account_id, amount, expired_on, created_at)
SELECT id, rewards_account_id, expired_amount, expires_on, now() FROM rewards_rewardlot
WHERE expired_amount IS NOT NULL;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("rewards", "0008_expiry_rewards_account"),
    ]

    operations = [
        migrations.AddField(
            model_name="rewardlot",
            name="expired_amount",
            field=models.DecimalField(
                blank=True, decimal_places=2, editable=False, max_digits=14, null=True, verbose_name="amount expired"
            ),
        ),
        migrations.RunSQL(FILL, reverse_sql=UNFILL),
        migrations.AddConstraint(
            model_name="rewardlot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("expired_amount__gte", 0), ("expired_amount__isnull", False), ("status", "expired")),
                    models.Q(models.Q(("status", "expired"), _negated=True), ("expired_amount__isnull", True)),
                    _connector="OR",
                ),
                name="lot_expired_amount_when_expired",
                violation_error_message=(
                    "An expired deposit keeps the amount it lost; only an expired deposit has one."
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="rewardlot",
            index=models.Index(
                condition=models.Q(("expired_amount__gt", 0)),
                fields=["rewards_account", "-expires_on", "-id"],
                name="lot_expiry_order",
            ),
        ),
        migrations.DeleteModel(
            name="RewardExpiry",
        ),
    ]
