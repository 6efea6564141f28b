"""RewardLot.expired_amount replaces RewardExpiry: each expiry row's amount is copied onto its lot (a lot
expired without one lost nothing), then the table goes. The rewards activity reads expiries from the lots'
new lot_expiry_order index.

Not atomic, so that the lots table is never locked for long: the new column is added empty (instant), the
constraint is added NOT VALID (enforced on every write from then on; an expiry job of the previous release
still running fails on it instead of expiring a lot without its amount), the lots are filled a range of ids
at a time, each range in its own transaction, then the constraint is validated (reads and writes go on
meanwhile) and the index built concurrently. Stop the worker and beat of the previous release before
migrating all the same: their expiry job writes to the table dropped at the end.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models, transaction

RANGE = 50_000

# Per range of lot ids: each expiry row's amount onto its lot, then 0 for a lot expired without one.
FILL_RANGE = (
    """
UPDATE rewards_rewardlot AS lot SET expired_amount = expiry.amount
FROM rewards_rewardexpiry AS expiry
WHERE expiry.lot_id = lot.id AND lot.id BETWEEN %(first)s AND %(last)s AND lot.expired_amount IS NULL
""",
    """
UPDATE rewards_rewardlot SET expired_amount = 0
WHERE status = 'expired' AND expired_amount IS NULL AND id BETWEEN %(first)s AND %(last)s
""",
)

UNFILL = """
INSERT INTO rewards_rewardexpiry (lot_id, rewards_account_id, amount, expired_on, created_at)
SELECT id, rewards_account_id, expired_amount, expires_on, now() FROM rewards_rewardlot
WHERE expired_amount IS NOT NULL;
"""

CONDITION = models.Q(
    models.Q(
        ("expired_amount__gte", 0),
        ("expired_amount__isnull", False),
        ("expired_amount__lte", models.F("amount")),
        ("status", "expired"),
    ),
    models.Q(models.Q(("status", "expired"), _negated=True), ("expired_amount__isnull", True)),
    _connector="OR",
)
MESSAGE = "An expired deposit keeps the amount it lost; only an expired deposit has one."

ADD_CONSTRAINT_NOT_VALID = """
ALTER TABLE rewards_rewardlot ADD CONSTRAINT lot_expired_amount_when_expired CHECK (
    (status = 'expired' AND expired_amount IS NOT NULL AND expired_amount >= 0 AND expired_amount <= amount)
    OR (NOT (status = 'expired') AND expired_amount IS NULL)
) NOT VALID
"""

# What RewardExpiry's foreign key did for an expired lot (its row could not go), and more: an expired lot
# can neither be deleted nor have its status, remaining or expired amount changed. The WHEN clauses are
# evaluated without calling the function, so the daily job's updates of available lots pay nothing.
EXPIRED_LOT_IS_FINAL = """
CREATE FUNCTION rewards_expired_lot_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reward lot % expired: it cannot be reactivated, changed or deleted', OLD.id
        USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER rewards_expired_lot_not_changed BEFORE UPDATE ON rewards_rewardlot FOR EACH ROW
WHEN (OLD.status = 'expired' AND (NEW.status IS DISTINCT FROM OLD.status
    OR NEW.remaining IS DISTINCT FROM OLD.remaining OR NEW.expired_amount IS DISTINCT FROM OLD.expired_amount))
EXECUTE FUNCTION rewards_expired_lot_is_final();
CREATE TRIGGER rewards_expired_lot_not_deleted BEFORE DELETE ON rewards_rewardlot FOR EACH ROW
WHEN (OLD.status = 'expired')
EXECUTE FUNCTION rewards_expired_lot_is_final();
"""
DROP_EXPIRED_LOT_IS_FINAL = """
DROP TRIGGER rewards_expired_lot_not_deleted ON rewards_rewardlot;
DROP TRIGGER rewards_expired_lot_not_changed ON rewards_rewardlot;
DROP FUNCTION rewards_expired_lot_is_final();
"""


def fill_by_ranges(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM rewards_rewardlot WHERE status = 'expired'")
        first, last = cursor.fetchone()
    if first is None:
        return
    for start in range(first, last + 1, RANGE):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in FILL_RANGE:
                cursor.execute(statement, {"first": start, "last": start + RANGE - 1})


class Migration(migrations.Migration):
    atomic = False

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
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="rewardlot",
                    constraint=models.CheckConstraint(
                        condition=CONDITION, name="lot_expired_amount_when_expired", violation_error_message=MESSAGE
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    ADD_CONSTRAINT_NOT_VALID,
                    reverse_sql="ALTER TABLE rewards_rewardlot DROP CONSTRAINT lot_expired_amount_when_expired",
                ),
            ],
        ),
        migrations.RunPython(fill_by_ranges, reverse_code=migrations.RunPython.noop, atomic=False),
        migrations.RunSQL(
            "ALTER TABLE rewards_rewardlot VALIDATE CONSTRAINT lot_expired_amount_when_expired",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL(EXPIRED_LOT_IS_FINAL, reverse_sql=DROP_EXPIRED_LOT_IS_FINAL),
        AddIndexConcurrently(
            model_name="rewardlot",
            index=models.Index(
                condition=models.Q(("expired_amount__gt", 0)),
                fields=["rewards_account", "-expires_on", "-id"],
                name="lot_expiry_order",
            ),
        ),
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=UNFILL),
        migrations.DeleteModel(
            name="RewardExpiry",
        ),
    ]
