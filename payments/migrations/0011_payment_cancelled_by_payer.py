from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("payments", "0010_constraint_messages")]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="cancelled_by_payer",
            field=models.BooleanField(default=False, verbose_name="cancelled by the payer"),
        ),
    ]
