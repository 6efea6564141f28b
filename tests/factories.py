"""factory-boy factories for the accounts app; each app keeps its own in tests/<app>/factories.py."""

import factory
from allauth.account.models import EmailAddress

from accounts.models import CustomerAccount, Membership, Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class CustomerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerAccount

    customer_number = factory.Sequence(lambda n: f"C-{900000 + n}")
    legal_name = factory.Sequence(lambda n: f"Customer {n:06d} Ltd")  # zero-padded: sorts in creation order
    country = "US"
    currency = "USD"
    language = "en"
    contract_email = factory.Sequence(lambda n: f"contract{n}@customer.test")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(CustomerAccountFactory)
    role = Role.VIEWER
