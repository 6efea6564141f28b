"""Product families staff set as eligible or not for Support Rewards, with the seed's three exclusions.

The seed: "les produits tels que Java et certaines offres MySQL disponibles par abonnement sont exclus car
ils incluent à la fois la licence et le support. Les produits Oracle Linux ne sont pas non plus éligibles."
"""

import django.contrib.postgres.fields
from django.db import migrations, models

SEED_EXCLUSIONS = [
    {"name": "Java", "product_names": ["Java"], "refusal": "bundles_license"},
    {
        "name": "MySQL subscriptions",
        "product_names": [
            "MySQL Enterprise Edition Subscription",
            "MySQL Standard Edition Subscription",
            "MySQL Cluster Carrier Grade Edition Subscription",
            "MySQL Cluster CGE Subscription",
        ],
        "refusal": "bundles_license",
    },
    {"name": "Oracle Linux", "product_names": ["Oracle Linux"], "refusal": "not_technology_support"},
]


def preload_seed_exclusions(apps, schema_editor):
    ProductFamily = apps.get_model("rewards", "ProductFamily")
    for family in SEED_EXCLUSIONS:
        ProductFamily.objects.update_or_create(
            name=family["name"],
            defaults={
                "product_names": family["product_names"],
                "rewards_eligible": False,
                "refusal": family["refusal"],
            },
        )


def remove_seed_exclusions(apps, schema_editor):
    ProductFamily = apps.get_model("rewards", "ProductFamily")
    ProductFamily.objects.filter(name__in=[family["name"] for family in SEED_EXCLUSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0003_rewards_emails_to_outbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProductFamily",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "product_codes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=40),
                        blank=True,
                        default=list,
                        help_text="Exact product codes, separated by commas.",
                        size=None,
                        verbose_name="product codes",
                    ),
                ),
                (
                    "product_names",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=200),
                        blank=True,
                        default=list,
                        help_text="Product names, or the start of them (“Java” matches “Java SE Subscription”), separated by commas.",
                        size=None,
                        verbose_name="product names",
                    ),
                ),
                ("rewards_eligible", models.BooleanField(default=False, verbose_name="Support Rewards may pay it")),
                (
                    "refusal",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("bundles_license", "sold by subscription with the license and the support together"),
                            (
                                "not_technology_support",
                                "not Technology Programs software update license & support",
                            ),
                        ],
                        max_length=30,
                        verbose_name="why rewards refuse it",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "product family",
                "verbose_name_plural": "product families",
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("rewards_eligible", True), models.Q(("refusal", ""), _negated=True), _connector="OR"),
                        name="product_family_refusal_says_why",
                    )
                ],
            },
        ),
        migrations.RunPython(preload_seed_exclusions, remove_seed_exclusions),
    ]
