"""RewardExpiry.rewards_account: the lot's account, copied onto each expiry (the rows written so far filled
from their lot), with the index the rewards activity reads an account's expiries from."""

import django.db.models.deletion
from django.db import migrations, models

# Foreign keys are checked as each row is written (not at commit), so that the column can be altered after.
FILL = """
SET CONSTRAINTS ALL IMMEDIATE;
UPDATE rewards_rewardexpiry AS expiry SET rewards_account_id = lot.rewards_account_id
FROM rewards_rewardlot AS lot WHERE lot.id = expiry.lot_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ("rewards", "0007_lot_deposit_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="rewardexpiry",
            name="rewards_account",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="expiries",
                to="rewards.rewardsaccount",
            ),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="rewardexpiry",
            name="rewards_account",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="expiries",
                to="rewards.rewardsaccount",
            ),
        ),
        migrations.AddIndex(
            model_name="rewardexpiry",
            index=models.Index(
                condition=models.Q(("amount__gt", 0)),
                fields=["rewards_account", "-expired_on", "-id"],
                name="expiry_activity_order",
            ),
        ),
    ]
