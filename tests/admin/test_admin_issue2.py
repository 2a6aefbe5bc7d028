"""The staff face: every model of accounts, devices and core opens in the admin; history is read only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, Partner, Pbx, User
from billing.models import HwaasPrice
from core.admin import EstimatedCountPaginator
from core.models import IdempotencyKey, Sequence
from core.tenancy import vendor_scope
from devices.models import CustodyEvent, Device, Product
from tests import factories

pytestmark = pytest.mark.django_db

OUR_MODELS = [Partner, User, Account, Pbx, Product, Device, CustodyEvent, IdempotencyKey, Sequence]
READ_ONLY_MODELS = [CustodyEvent, IdempotencyKey, Sequence]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff_client(client, db):
    staff = User.objects.create_superuser(username="vendor-staff", email="staff@vendor.example", password="x-2026-x")
    client.force_login(staff)
    return client


@pytest.fixture
def one_of_each(partner_it, user_it):
    account = factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    pbx = factories.PbxFactory(account=account, serial="PBX-ROSSI")
    product = factories.ProductFactory(sku="WF-100", name="WorkForce")
    factories.HwaasPriceFactory(product=product)
    factories.CapexPriceFactory(product=product)
    device = factories.DeviceFactory(account=account, pbx=pbx, product=product, serial="SN-WF-0001")
    custody = factories.CustodyEventFactory(device=device)
    key = IdempotencyKey.objects.create(user=user_it, key="k-1", endpoint="/api/v1/orders/1/confirm/",
                                        request_hash="0" * 64)
    sequence = Sequence.objects.create(key="CN-2026", last_number=7)
    return {Partner: partner_it, User: user_it, Account: account, Pbx: pbx, Product: product, Device: device,
            CustodyEvent: custody, IdempotencyKey: key, Sequence: sequence}


def test_every_model_of_ours_is_registered():
    registered = set(admin.site._registry)
    assert set(OUR_MODELS) <= registered


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m.__name__)
def test_staff_open_the_changelist_search_and_change_page(staff_client, one_of_each, model):
    model_admin = admin.site._registry[model]
    # the list, and a search over its search fields
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert model_admin.search_fields, "every list is searchable"
    searched = staff_client.get(admin_url(model, "changelist"), {"q": "a"})
    assert searched.status_code == 200
    # the change page (a view-only page for read-only records)
    obj = one_of_each[model]
    response = staff_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    # the add page where adding is allowed
    add = staff_client.get(admin_url(model, "add"))
    assert add.status_code == (403 if model in READ_ONLY_MODELS else 200)


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m.__name__)
def test_foreign_keys_use_autocomplete_backed_by_searchable_admins(model):
    model_admin = admin.site._registry[model]
    for field_name in model_admin.autocomplete_fields:
        target = model._meta.get_field(field_name).related_model
        assert admin.site._registry[target].search_fields


@pytest.mark.parametrize("model", READ_ONLY_MODELS, ids=lambda m: m.__name__)
def test_read_only_records_cannot_be_added_changed_or_deleted(staff_client, one_of_each, model, rf):
    # given a superuser, who would normally be allowed everything
    model_admin = admin.site._registry[model]
    request = rf.get("/admin/")
    request.user = User.objects.get(username="vendor-staff")
    obj = one_of_each[model]
    # then
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert model_admin.has_view_permission(request, obj)
    # and the views refuse
    assert staff_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert staff_client.post(admin_url(model, "add"), {}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_custody_history_cannot_be_rewritten_through_the_admin(staff_client, one_of_each):
    # given an open custody record
    custody = one_of_each[CustodyEvent]
    # when staff post a change to it
    staff_client.post(admin_url(CustodyEvent, "change", custody.pk),
                      {"started_on": "2020-01-01", "ended_on": "2020-02-01", "reason": "adjustment"})
    # then nothing changed
    custody.refresh_from_db()
    assert custody.started_on == dt.date(2026, 3, 1)
    assert custody.ended_on is None
    assert custody.reason == "import"


def test_device_page_shows_custody_read_only_and_its_holder_cannot_be_edited(staff_client, one_of_each):
    device = one_of_each[Device]
    other = factories.AccountFactory(partner=device.partner, name="Bianchi SpA")
    response = staff_client.get(admin_url(Device, "change", device.pk))
    content = response.content.decode()
    assert "Rossi Srl" in content
    (custody_inline,) = response.context["inline_admin_formsets"]
    assert custody_inline.opts.model is CustodyEvent
    assert not custody_inline.has_add_permission
    assert not custody_inline.has_change_permission
    assert not custody_inline.has_delete_permission
    # posting a new holder changes nothing: holders change only through a Change Order
    staff_client.post(admin_url(Device, "change", device.pk), {
        "serial": device.serial, "mac": device.mac or "", "product": device.product_id, "account": other.pk,
        "custody_events-TOTAL_FORMS": "0", "custody_events-INITIAL_FORMS": "0",
    })
    device.refresh_from_db()
    assert device.account.name == "Rossi Srl"


def test_product_page_edits_its_prices_inline(staff_client, one_of_each):
    product = one_of_each[Product]
    response = staff_client.get(admin_url(Product, "change", product.pk))
    assert response.status_code == 200
    assert "HWaaS" in response.content.decode() or "hwaas" in response.content.decode().lower()
    # when staff add a yearly price
    hwaas = product.hwaas_prices.get()
    capex = product.capex_prices.get()
    response = staff_client.post(admin_url(Product, "change", product.pk), {
        "sku": "WF-100", "name": "WorkForce", "family": "", "is_active": "on",
        "hwaas_prices-TOTAL_FORMS": "2", "hwaas_prices-INITIAL_FORMS": "1",
        "hwaas_prices-0-id": hwaas.pk, "hwaas_prices-0-product": product.pk, "hwaas_prices-0-currency": "EUR",
        "hwaas_prices-0-cycle": "1m", "hwaas_prices-0-price": "6.00",
        "hwaas_prices-1-product": product.pk, "hwaas_prices-1-currency": "EUR", "hwaas_prices-1-cycle": "1y",
        "hwaas_prices-1-price": "60.00",
        "capex_prices-TOTAL_FORMS": "1", "capex_prices-INITIAL_FORMS": "1",
        "capex_prices-0-id": capex.pk, "capex_prices-0-product": product.pk, "capex_prices-0-currency": "EUR",
        "capex_prices-0-price": "199.00",
    })
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HwaasPrice.objects.get(product=product, currency="EUR", cycle="1y").price == Decimal("60.00")


def test_a_pbx_added_by_staff_belongs_to_its_accounts_partner(staff_client, one_of_each, partner_it):
    account = one_of_each[Account]
    response = staff_client.post(admin_url(Pbx, "add"), {
        "account": account.pk, "serial": "PBX-NEW", "cycle": "5y", "period_start": "2026-01-01",
        "period_end": "2031-01-01",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Pbx.objects.get(serial="PBX-NEW").partner == partner_it


def test_a_partner_user_needs_a_role(staff_client, partner_it):
    response = staff_client.post(admin_url(User, "add"), {
        "username": "new-sales", "password1": "Correct-Horse-2026", "password2": "Correct-Horse-2026",
        "usable_password": "true", "partner": partner_it.pk, "role": "",
    })
    assert response.status_code == 200
    assert "A partner user needs a role." in response.content.decode()
    assert not User.objects.filter(username="new-sales").exists()
    response = staff_client.post(admin_url(User, "add"), {
        "username": "new-sales", "password1": "Correct-Horse-2026", "password2": "Correct-Horse-2026",
        "usable_password": "true", "partner": partner_it.pk, "role": "sales",
    })
    assert response.status_code == 302
    assert User.objects.get(username="new-sales").partner == partner_it


def test_autocomplete_finds_accounts_across_partners(staff_client, one_of_each, partner_uk):
    factories.AccountFactory(partner=partner_uk, name="Rossi Fish and Chips Ltd")
    response = staff_client.get("/admin/autocomplete/", {
        "app_label": "accounts", "model_name": "pbx", "field_name": "account", "term": "rossi"})
    assert response.status_code == 200
    assert sorted(r["text"] for r in response.json()["results"]) == ["Rossi Fish and Chips Ltd", "Rossi Srl"]


@pytest.mark.parametrize("model", [Device, CustodyEvent], ids=lambda m: m.__name__)
def test_large_tables_never_count_everything(model):
    model_admin = admin.site._registry[model]
    assert model_admin.show_full_result_count is False
    assert issubclass(model_admin.paginator, EstimatedCountPaginator)


@pytest.mark.parametrize("devices", [3, 30])
def test_device_changelist_query_count_does_not_grow(staff_client, partner_it, django_assert_max_num_queries,
                                                     devices):
    products = [factories.ProductFactory() for _ in range(3)]
    for i in range(devices):
        account = factories.AccountFactory(partner=partner_it)
        pbx = factories.PbxFactory(account=account)
        device = factories.DeviceFactory(account=account, pbx=pbx, product=products[i % 3])
        factories.CustodyEventFactory(device=device)
    for model in (Device, CustodyEvent):
        with django_assert_max_num_queries(8):
            assert staff_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.postgresql
def test_unfiltered_count_comes_from_table_statistics(partner_it):
    # The admin is the vendor's face: its lists run in the vendor scope, unfiltered by partner.
    with vendor_scope():
        # given an analysed table the estimate trusts
        for _ in range(4):
            factories.DeviceFactory(account__partner=partner_it)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE devices_device")

        class TrustingPaginator(EstimatedCountPaginator):
            estimate_above = 0

        # when the whole table is paged
        with CaptureQueriesContext(connection) as queries:
            count = TrustingPaginator(Device.objects.order_by("pk"), 50).count
        # then the count is PostgreSQL's estimate, without scanning the table
        assert count == 4
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
        # and a filtered list is counted exactly
        with CaptureQueriesContext(connection) as queries:
            filtered = TrustingPaginator(Device.objects.filter(ownership="capex").order_by("pk"), 50).count
        assert filtered == 0
        assert any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_small_or_unanalysed_tables_are_counted_exactly(partner_it):
    for _ in range(2):
        factories.DeviceFactory(account__partner=partner_it)
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(Device.objects.order_by("pk"), 50).count == 2
    assert any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
