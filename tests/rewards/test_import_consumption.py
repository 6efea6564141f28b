import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from rewards.models import ConsumptionRecord, RewardAccrual
from tests.factories import CustomerAccountFactory
from tests.rewards.factories import RewardsAccountFactory

pytestmark = pytest.mark.django_db
HEADER = "customer_number,subscription,service,offering,period_start,period_end,quantity,unit_net_price,currency,overage\n"


@pytest.fixture
def account():
    return CustomerAccountFactory(customer_number="C-1")


def write(tmp_path, body, name="usage.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def test_consumption_is_unit_net_price_times_actual_usage(tmp_path, account):
    path = write(
        tmp_path,
        "C-1,SUB-1,OCI Compute — E5 OCPU hours,oci,2021-12-01,,1000,0.025,USD,no\n"
        "C-1,SUB-1,Oracle Cloud VMware Solution,third_party,2021-12-01,,10,5,USD,\n"
        "C-1,SUB-1,OCI Block Volume,oci,2021-12-01,2021-12-31,200,0.5,USD,yes\n",
    )
    call_command("import_consumption", str(path))
    rows = {r.service: r for r in ConsumptionRecord.objects.all()}
    compute = rows["OCI Compute — E5 OCPU hours"]
    assert (compute.amount, compute.month, compute.period_end) == (
        Decimal("25.00"),
        datetime.date(2021, 12, 1),
        datetime.date(2021, 12, 31),
    )
    assert compute.is_eligible
    assert not rows["Oracle Cloud VMware Solution"].is_eligible
    assert rows["OCI Block Volume"].is_overage and rows["OCI Block Volume"].is_eligible


def test_import_is_validated_whole_and_reports_row_and_field(tmp_path, account):
    path = write(
        tmp_path,
        "C-1,SUB-1,OCI Compute,oci,2021-12-01,,1000,0.025,USD,no\n"
        "C-404,SUB-1,OCI Compute,oci,2021-12-01,,1,1,USD,no\n"
        "C-1,SUB-1,OCI Storage,oci,2021-13-01,,1,1,USD,no\n"
        "C-1,SUB-1,OCI Network,oci,2021-12-01,,-1,1,USD,no\n"
        "C-1,SUB-1,OCI DNS,oci,2021-12-01,,1,1,EUR,no\n",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_consumption", str(path))
    message = str(error.value)
    assert "row 3, customer_number" in message
    assert "row 4, period_start" in message
    assert "row 5, quantity" in message
    assert "row 6, currency" in message
    assert not ConsumptionRecord.objects.exists()  # the valid row 2 is not written either


def test_importing_the_same_file_twice_adds_nothing(tmp_path, account):
    path = write(tmp_path, "C-1,SUB-1,OCI Compute,oci,2021-12-01,,1000,0.025,USD,no\n")
    call_command("import_consumption", str(path))
    call_command("import_consumption", str(path))
    assert ConsumptionRecord.objects.count() == 1


def test_a_changed_figure_for_an_imported_row_is_an_error(tmp_path, account):
    call_command(
        "import_consumption",
        str(write(tmp_path, "C-1,SUB-1,OCI Compute,oci,2021-12-01,,1000,0.025,USD,no\n")),
    )
    changed = write(tmp_path, "C-1,SUB-1,OCI Compute,oci,2021-12-01,,2000,0.025,USD,no\n", name="b.csv")
    with pytest.raises(CommandError, match="row 2, quantity"):
        call_command("import_consumption", str(changed))


def test_a_month_already_accrued_cannot_receive_consumption(tmp_path, account):
    rewards_account = RewardsAccountFactory(account=account)
    RewardAccrual.objects.create(
        rewards_account=rewards_account,
        month=datetime.date(2021, 12, 1),
        eligible_consumption=0,
        rate=Decimal("0.25"),
        amount=0,
    )
    path = write(tmp_path, "C-1,SUB-1,OCI Compute,oci,2021-12-05,,1,1,USD,no\n")
    with pytest.raises(CommandError, match="already deposited"):
        call_command("import_consumption", str(path))


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_a_month_being_accrued_and_then_refuses_that_month():
    """The import and the month-end accrual lock the same rewards account rows: no consumption slips into a month
    while it is being accrued (it would never earn rewards)."""
    import threading

    from django.db import connection, transaction

    from rewards.importing import ConsumptionImportError, consumption_import
    from rewards.models import RewardsAccount

    account = CustomerAccountFactory(customer_number="C-LOCK")
    rewards_account = RewardsAccountFactory(account=account)
    row = {
        "customer_number": "C-LOCK",
        "subscription": "SUB-1",
        "service": "OCI Compute",
        "offering": "oci",
        "period_start": "2021-12-01",
        "period_end": "",
        "quantity": "10",
        "unit_net_price": "1",
        "currency": "USD",
        "overage": "no",
    }
    accrual_holds_lock, outcome = threading.Event(), {}

    def accrual_in_progress():
        with transaction.atomic():
            RewardsAccount.objects.select_for_update().get(pk=rewards_account.pk)
            accrual_holds_lock.set()
            threading.Event().wait(0.5)  # the import arrives meanwhile and must wait
            RewardAccrual.objects.create(
                rewards_account=rewards_account,
                month=datetime.date(2021, 12, 1),
                eligible_consumption=Decimal("0"),
                rate=Decimal("0.25"),
                amount=Decimal("0"),
            )
        connection.close()

    def late_import():
        accrual_holds_lock.wait()
        try:
            consumption_import(rows=[row])
            outcome["result"] = "imported"
        except ConsumptionImportError as error:
            outcome["result"] = error.errors
        connection.close()

    threads = [threading.Thread(target=accrual_in_progress), threading.Thread(target=late_import)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["result"] == ["row 2, period_start: rewards for 2021-12 were already deposited"]
    assert not ConsumptionRecord.objects.exists()
