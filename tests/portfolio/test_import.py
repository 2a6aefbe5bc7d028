"""Import of an installed base: good file, idempotent re-run, bad files that change nothing."""

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from accounts.models import Account, Partner, Pbx, User
from billing.models import CapexPrice, HwaasPrice, Subscription
from devices.models import CustodyEvent, Device, Product
from portfolio.exceptions import PortfolioInvalid
from portfolio.services import portfolio_import

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "portfolio.json"
TODAY = dt.date(2026, 11, 25)
MODELS = [Partner, User, Product, HwaasPrice, CapexPrice, Account, Pbx, Device, Subscription, CustodyEvent]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def example() -> dict:
    return json.loads(EXAMPLE.read_text())


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def errors_of(data: dict) -> list[str]:
    with pytest.raises(PortfolioInvalid) as caught:
        portfolio_import(data=data, today=TODAY)
    return caught.value.errors


def test_example_file_imports_everything():
    # when the documented example is imported
    report = portfolio_import(data=example(), today=TODAY)

    # then every row is created
    assert row_counts() == {"Partner": 1, "User": 2, "Product": 2, "HwaasPrice": 6, "CapexPrice": 2, "Account": 2,
                            "Pbx": 3, "Device": 5, "Subscription": 3, "CustodyEvent": 5}
    assert report.created == 31 and report.changed == 0
    partner = Partner.objects.get(code="lagotel")
    assert (partner.currency, partner.tax_rate, partner.timezone) == ("EUR", Decimal("22.00"), "Europe/Rome")
    admin = User.objects.get(username="lagotel-admin")
    assert admin.partner == partner and admin.role == "admin" and admin.check_password("change-me-2026")
    assert HwaasPrice.objects.get(product__sku="WFORCE", currency="EUR", cycle="1y").price == Decimal("60.00")
    assert CapexPrice.objects.get(product__sku="HEADSET-MONO", currency="EUR").price == Decimal("49.00")
    # and only the first PBX of an account without the flag carries the active subscriptions
    assert set(Pbx.objects.filter(has_active_subscriptions=True).values_list("serial", flat=True)) == {
        "LAGO-PBX-0001", "LAGO-PBX-0002"}

    # and the subscriptions hold the file's values, defaults filled in
    first = Subscription.objects.get(device__serial="LAGO-WF-0001")
    assert (first.cycle, first.currency, first.period_price) == ("1y", "EUR", Decimal("60.00"))
    assert (first.period_start, first.period_end) == (dt.date(2026, 3, 1), dt.date(2027, 3, 1))
    assert first.commitment_end == dt.date(2025, 9, 1)  # started_on + 6 months
    assert first.status == "active" and first.account.name == "Ferri Arredamenti Srl"
    committed = Subscription.objects.get(device__serial="LAGO-WF-0002")
    assert committed.period_price == Decimal("60.00")  # from the price list
    assert committed.commitment_end == dt.date(2027, 2, 1)
    assert committed.pbx.serial == "LAGO-PBX-0001"  # the account's PBX with active subscriptions
    headset = Subscription.objects.get(device__serial="LAGO-HS-0001")
    assert headset.commitment_end == dt.date(2026, 11, 1)
    assert not Subscription.objects.filter(device__ownership="capex").exists()

    # and every device has one open custody record from the right day
    custody = {e.device.serial: e for e in CustodyEvent.objects.select_related("device", "account")}
    assert all(e.reason == "import" and e.ended_on is None for e in custody.values())
    assert custody["LAGO-WF-0001"].started_on == dt.date(2025, 3, 1)
    assert custody["LAGO-WF-0003"].started_on == dt.date(2024, 9, 16)
    assert custody["LAGO-WF-0004"].account is None and custody["LAGO-WF-0004"].pbx is None

    # and MACs are stored in one form whatever the file used
    assert Device.objects.get(serial="LAGO-WF-0003").mac == "00:09:45:A0:00:03"
    assert Device.objects.get(serial="LAGO-WF-0004").mac == "00:09:45:0A:00:04"
    assert Device.objects.get(serial="LAGO-HS-0001").mac is None


def test_second_run_changes_nothing():
    # given the example imported once
    portfolio_import(data=example(), today=TODAY)
    before = snapshot()

    # when it is imported again (another day)
    report = portfolio_import(data=example(), today=TODAY + dt.timedelta(days=3))

    # then nothing was created or changed, passwords included
    assert (report.created, report.changed) == (0, 0)
    assert report.tallies["devices"].unchanged == 5
    assert snapshot() == before


def test_changed_fields_are_updated_and_passwords_reset_only_when_they_differ():
    # given the example imported once
    portfolio_import(data=example(), today=TODAY)
    sales_hash = User.objects.get(username="lagotel-sales").password

    # when the file changes an account's contact, a price, a subscription period, a MAC and a password
    data = example()
    data["accounts"][0]["contact_name"] = "Paolo Ferri"
    data["products"][0]["prices"][0]["price"] = "6.50"
    data["devices"][0]["subscription"].update(period_start="2027-03-01", period_end="2028-03-01")
    data["users"][0]["password"] = "another-pass-2026"
    data["devices"][3]["mac"] = "00:09:45:a0:00:33"
    report = portfolio_import(data=data, today=TODAY)

    # then exactly those rows changed
    assert report.created == 0
    assert {name: t.changed for name, t in report.tallies.items() if t.changed} == {
        "users": 1, "hwaas_prices": 1, "accounts": 1, "devices": 1, "subscriptions": 1}
    assert Device.objects.get(serial="LAGO-WF-0003").mac == "00:09:45:A0:00:33"
    assert Account.objects.get(name="Ferri Arredamenti Srl").contact_name == "Paolo Ferri"
    assert Subscription.objects.get(device__serial="LAGO-WF-0001").period_end == dt.date(2028, 3, 1)
    assert check_password("another-pass-2026", User.objects.get(username="lagotel-admin").password)
    assert User.objects.get(username="lagotel-sales").password == sales_hash


def test_bad_file_lists_every_error_with_its_path_and_changes_nothing():
    # given a stored portfolio
    portfolio_import(data=example(), today=TODAY)
    before = snapshot()

    # when a file with many kinds of errors is imported
    data = example()
    data["partners"][0].update(country="XX", tax_rate=22.0)
    data["users"][1]["role"] = "boss"
    data["products"][0]["prices"][1]["cycle"] = "2m"
    data["accounts"][1]["pbxs"][0]["period_end"] = "2026-10-01"
    data["devices"][0]["mac"] = "00:09:45:A0:00:0Z"
    data["devices"][1]["subscription"]["period_end"] = "2027-07-01"
    data["devices"][2]["subscription"]["period_price"] = 1.5
    data["devices"][3]["subscription"] = {"cycle": "1y", "period_start": "2026-01-01", "period_end": "2027-01-01",
                                          "started_on": "2026-01-01"}
    data["devices"].append({"serial": "LAGO-WF-0001", "product": "NOPE", "partner": "lagotel",
                            "ownership": "rented"})
    errors = errors_of(data)

    # then every error is reported, in file order, with its JSON path
    assert errors == [
        "$.partners[0].country: unknown ISO 3166-1 alpha-2 country code 'XX' (e.g. IT, GB)",
        "$.partners[0].tax_rate: must be a decimal string such as \"6.00\", not a number 22.0",
        "$.users[1].role: must be one of admin, sales, not 'boss'",
        "$.products[0].prices[1].cycle: must be one of 1m, 1y, 5y, not '2m'",
        "$.accounts[1].pbxs[0].period_end: must be after period_start",
        "$.devices[0].mac: invalid MAC address '00:09:45:A0:00:0Z': six hex pairs, e.g. 00:09:45:1A:2B:3C",
        "$.devices[1].subscription.period_end: a 1y subscription period starting 2026-08-01 ends on 2027-08-01, "
        "not 2027-07-01",
        "$.devices[2].subscription.period_price: must be a decimal string such as \"6.00\", not a number 1.5",
        "$.devices[3].subscription: only HWaaS devices have a subscription; this one is capex",
        "$.devices[5].ownership: must be one of hwaas, capex, not 'rented'",
        "$.devices[5].serial: duplicate device serial 'LAGO-WF-0001' (first at $.devices[0])",
    ]
    # and nothing changed
    assert snapshot() == before


def test_a_bad_last_entry_stops_the_whole_file():
    # given an empty database and the example with one more, broken, device at the very end
    before = row_counts()
    data = example()
    data["devices"].append({"serial": "LAGO-WF-0099", "mac": "00:09:45:A0:00:99", "product": "WFORCE",
                            "partner": "lagotel", "account": "Ferri Arredamenti Srl", "ownership": "hwaas",
                            "subscription": {"cycle": "1y", "period_start": "2026-05-01", "period_end": "2026-04-01",
                                             "started_on": "2026-05-01"}})

    # when it is imported
    errors = errors_of(data)

    # then its errors are reported and not a single row was written
    assert errors == ["$.devices[5].subscription.period_end: must be after period_start",
                      "$.devices[5].subscription.started_on: must be before period_end"]
    assert row_counts() == before


def test_references_rules_and_duplicates():
    # given a stored portfolio
    portfolio_import(data=example(), today=TODAY)
    other = {"code": "othertel", "name": "OtherTel Ltd", "country": "GB", "currency": "GBP", "tax_rate": "20.00",
             "timezone": "Europe/London"}

    # when a second file breaks the reference rules
    data = {
        "partners": [other, dict(other)],
        "users": [{"username": "u1", "password": "long-enough", "partner": "ghost", "role": "sales"}],
        "products": [{"sku": "WFORCE", "name": "WorkForce",
                      "prices": [{"currency": "EUR", "cycle": "1m", "price": "6.00"},
                                 {"currency": "EUR", "cycle": "1m", "price": "7.00"}]}],
        "accounts": [
            {"partner": "othertel", "name": "Acme Ltd", "contact_email": "ops@acme.example",
             "pbxs": [{"serial": "OT-1", "cycle": "1m", "period_start": "2026-11-01", "period_end": "2026-12-01",
                       "has_active_subscriptions": True},
                      {"serial": "OT-2", "cycle": "1y", "period_start": "2026-01-15", "period_end": "2027-01-15",
                       "has_active_subscriptions": True}]},
            {"partner": "othertel", "name": "Acme Ltd"},
        ],
        "devices": [
            # another partner's account and PBX
            {"serial": "OT-D1", "product": "WFORCE", "partner": "othertel", "account": "Ferri Arredamenti Srl",
             "ownership": "capex"},
            {"serial": "OT-D2", "product": "WFORCE", "partner": "othertel", "account": "Acme Ltd",
             "pbx": "LAGO-PBX-0001", "ownership": "capex"},
            # HWaaS without subscription; subscription in another currency; stock with a subscription
            {"serial": "OT-D3", "product": "WFORCE", "partner": "othertel", "account": "Acme Ltd",
             "pbx": "OT-1", "ownership": "hwaas"},
            {"serial": "OT-D4", "product": "WFORCE", "partner": "othertel", "account": "Acme Ltd", "pbx": "OT-1",
             "ownership": "hwaas", "subscription": {"cycle": "1m", "currency": "EUR", "period_price": "6.00",
                                                    "period_start": "2026-11-01", "period_end": "2026-12-01",
                                                    "started_on": "2026-11-01"}},
            {"serial": "OT-D5", "product": "WFORCE", "partner": "othertel", "ownership": "hwaas",
             "subscription": {"cycle": "1m", "period_price": "6.00", "period_start": "2026-11-01",
                              "period_end": "2026-12-01", "started_on": "2026-11-01"}},
            # no GBP price to default to; a MAC already stored; moving a stored device
            {"serial": "OT-D6", "mac": "00:09:45:A0:00:01", "product": "WFORCE", "partner": "othertel",
             "account": "Acme Ltd", "pbx": "OT-1", "ownership": "hwaas",
             "subscription": {"cycle": "1m", "period_start": "2026-11-01", "period_end": "2026-12-01",
                              "started_on": "2026-11-01"}},
            {"serial": "LAGO-WF-0003", "product": "WFORCE", "partner": "lagotel", "account": "Ferri Arredamenti Srl",
             "ownership": "capex"},
            {"serial": "OT-D7", "product": "WFORCE", "partner": "othertel", "ownership": "capex",
             "colour": "red"},
        ],
    }
    errors = errors_of(data)

    # then each broken rule is named at its path
    assert errors == [
        "$.partners[1].code: duplicate partner code 'othertel' (first at $.partners[0])",
        "$.users[0].partner: unknown partner 'ghost' (not in this file nor in the database)",
        "$.products[0].prices[1]: duplicate price for EUR 1m (first at $.products[0].prices[0])",
        "$.accounts[0].pbxs[0].has_active_subscriptions: account 'Acme Ltd' would have several PBXs with active "
        "subscriptions (OT-1, OT-2); only one may have them",
        "$.accounts[0].pbxs[1].has_active_subscriptions: account 'Acme Ltd' would have several PBXs with active "
        "subscriptions (OT-2, OT-1); only one may have them",
        "$.accounts[1].name: duplicate account of partner 'othertel' 'Acme Ltd' (first at $.accounts[0])",
        "$.devices[0].account: unknown account 'Ferri Arredamenti Srl' of partner 'othertel'",
        "$.devices[1].pbx: PBX 'LAGO-PBX-0001' belongs to account 'Ferri Arredamenti Srl' of partner 'lagotel', "
        "not to 'Acme Ltd' of 'othertel'",
        "$.devices[2].subscription: a HWaaS device held by an account needs its subscription",
        "$.devices[3].subscription.currency: must be the partner's currency GBP, not EUR",
        "$.devices[4].subscription: a device in partner stock (no account) has no subscription",
        "$.devices[5].subscription.period_price: is required: no 1m price in GBP for product 'WFORCE'",
        "$.devices[5].mac: MAC 00:09:45:A0:00:01 is already used by device 'LAGO-WF-0001'",
        "$.devices[6].account: device 'LAGO-WF-0003' is held by 'Studio Legale Conti'; the import does not move "
        "devices (use a Change Order)",
        "$.devices[7].colour: unknown field",
    ]


def test_a_later_file_can_refer_to_stored_rows():
    # given the example stored
    portfolio_import(data=example(), today=TODAY)

    # when a file adds a device to a stored account, by its stored partner and product only
    data = {"devices": [{"serial": "LAGO-WF-0010", "mac": "00:09:45:A0:00:10", "product": "WFORCE",
                         "partner": "lagotel", "account": "Studio Legale Conti", "ownership": "hwaas",
                         "subscription": {"cycle": "1m", "period_start": "2026-11-01", "period_end": "2026-12-01",
                                          "started_on": "2026-11-01"}}]}
    report = portfolio_import(data=data, today=TODAY)

    # then it lands on the account's active PBX, priced from the stored price list
    assert report.created == 3  # device, subscription, custody
    subscription = Subscription.objects.get(device__serial="LAGO-WF-0010")
    assert subscription.pbx.serial == "LAGO-PBX-0002"
    assert subscription.period_price == Decimal("6.00") and subscription.currency == "EUR"


@pytest.mark.parametrize("data, error", [
    ([], "$: must be an object, not a list"),
    ({"partners": {}}, "$.partners: must be a list, not an object"),
    ({"devices": ["x"]}, "$.devices[0]: must be an object, not a string"),
    ({"partners": [{"code": "x y", "name": "N", "country": "IT", "currency": "EUR", "tax_rate": "22",
                    "timezone": "Europe/Rome"}]},
     "$.partners[0].code: invalid value 'x y': letters, digits, '-' and '_' only"),
    ({"accounts": [{"partner": "p", "name": "A", "pbxs": [{
        "serial": "S", "cycle": "1m",
        "period_start": "2026/11/01", "period_end": "2026-12-01"}]}]},
     "$.accounts[0].pbxs[0].period_start: must be an ISO date YYYY-MM-DD, not '2026/11/01'"),
    ({"users": [{"username": "u", "password": "long-enough", "partner": "p"}]}, "$.users[0].role: is required"),
])
def test_shape_errors(data, error):
    assert error in errors_of(data)


def test_import_costs_the_same_number_of_queries_for_10_or_200_devices(django_assert_max_num_queries):
    def portfolio(devices: int) -> dict:
        data = copy.deepcopy(example())
        data["devices"] = [
            {"serial": f"BULK-{devices}-{n:05d}", "mac": f"00:09:46:{devices:02X}:{n >> 8:02X}:{n & 255:02X}",
             "product": "WFORCE", "partner": "lagotel", "account": "Ferri Arredamenti Srl", "ownership": "hwaas",
             "subscription": {"cycle": "1y", "period_start": "2026-03-01", "period_end": "2027-03-01",
                              "started_on": "2025-03-01"}}
            for n in range(devices)
        ]
        return data

    for size in (10, 200):
        with django_assert_max_num_queries(40):
            portfolio_import(data=portfolio(size), today=TODAY)
    assert Device.objects.filter(serial__startswith="BULK-").count() == 210


def test_command_prints_every_error_and_fails(tmp_path, capsys):
    # given a file whose last device is broken
    data = example()
    data["devices"][-1]["held_since"] = "yesterday"
    data["devices"][-1]["mac"] = "00:09:45:A0:00:01"
    path = tmp_path / "portfolio.json"
    path.write_text(json.dumps(data))

    # when the command runs, then it fails, lists both errors and wrote nothing
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_portfolio", str(path))
    err = capsys.readouterr().err
    assert "$.devices[4].mac: duplicate MAC 00:09:45:A0:00:01 (first at $.devices[0])" in err
    assert "$.devices[4].held_since: must be an ISO date YYYY-MM-DD, not 'yesterday'" in err
    assert Partner.objects.count() == 0


def test_command_imports_and_reports(tmp_path, capsys):
    call_command("import_portfolio", str(EXAMPLE))
    call_command("import_portfolio", str(EXAMPLE))
    out = capsys.readouterr().out
    assert "total: 31 created / 0 changed" in out
    assert out.rstrip().endswith("total: 0 created / 0 changed")


def test_command_refuses_invalid_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"partners": [')
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_portfolio", str(path))


def test_a_bad_file_is_refused_with_the_portfolio_invalid_code():
    # given the example with one device whose MAC repeats the first device's
    data = example()
    data["devices"][-1]["mac"] = data["devices"][0]["mac"]

    # when it is imported
    with pytest.raises(PortfolioInvalid) as caught:
        portfolio_import(data=data, today=TODAY)

    # then the error carries the portfolio's code, its message counts the errors and lists them in extra
    error = caught.value
    assert (error.code, error.status_code) == ("portfolio_invalid", 400)
    assert error.message == "1 error(s) in the portfolio; nothing was imported"
    assert error.extra == {"errors": error.errors} and len(error.errors) == 1
