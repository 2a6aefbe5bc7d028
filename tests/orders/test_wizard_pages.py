"""The Confirm Order wizard's pages: each screen, step order, picking rows, summary, Confirm, no replay, tenancy."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from billing.models import CreditNote, Subscription
from core.locale import use_locale
from core.templatetags.portal import money, pdate
from devices.models import Device
from orders.models import Order, OrderWizard
from orders.services.confirm import order_preview
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _today_world(partner, *, candidates=4, quantity=4):
    """Rossi Srl holds `candidates` yearly WorkForce HWaaS devices; Bianchi SpA (PBX on 1m around today)
    has a draft order for `quantity` WorkForce HWaaS. Periods sit around today, so the preview (which
    converts today) has days to credit whatever the date the tests run on."""
    today = dt.date.today()
    month_start = today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    rossi = factories.AccountFactory(partner=partner, name="Rossi Srl")
    bianchi = factories.AccountFactory(partner=partner, name="Bianchi SpA")
    pbx = factories.PbxFactory(account=bianchi, partner=partner, serial="PBX-BIANCHI", cycle="1m",
                               period_start=month_start, period_end=next_month)
    workforce = factories.ProductFactory(sku="WORKFORCE", name="WorkForce")
    factories.HwaasPriceFactory(product=workforce, currency=partner.currency, cycle="1m", price=Decimal("6.00"))
    factories.HwaasPriceFactory(product=workforce, currency=partner.currency, cycle="1y", price=Decimal("60.00"))
    period_start = today - dt.timedelta(days=200)
    devices = [
        factories.hwaas_device(account=rossi, product=workforce, cycle="1y", period_price=Decimal("60.00"),
                               period_start=period_start, period_end=period_start + dt.timedelta(days=365),
                               started_on=today - dt.timedelta(days=400))
        for _ in range(candidates)
    ]
    order = factories.draft_order(account=bianchi, lines=[{"product": workforce, "quantity": quantity,
                                                           "ownership": "hwaas", "cycle": "1m",
                                                           "unit_price": Decimal("6.00")}])
    return SimpleNamespace(partner=partner, rossi=rossi, bianchi=bianchi, pbx=pbx, workforce=workforce,
                           devices=devices, order=order, line=order.lines.get())


@pytest.fixture
def world(partner_it):
    return _today_world(partner_it)


def url(name, order, query=""):
    return reverse(f"orders:{name}", args=[order.pk]) + (f"?{query}" if query else "")


def state(order):
    wizard = OrderWizard.objects.filter(order=order).first()
    return wizard and (wizard.step, wizard.pbx_id, wizard.po_number, wizard.unselected_lines, wizard.transfers)


def to_screen_2(client, world):
    response = client.post(url("confirm", world.order), {"pbx": world.pbx.pk, "po_number": "PO-9"})
    assert response.status_code == 302


def untick(client, world):
    response = client.post(url("confirm_lines", world.order), {"line": world.line.pk}, **HTMX)
    assert response.status_code == 200
    return response


def pick(client, world, device, *, picked=True, query=""):
    data = {"device": device.pk, **({"picked": device.pk} if picked else {})}
    return client.post(url("confirm_pick", world.order, query), data, **HTMX)


def to_summary(client, world, devices):
    to_screen_2(client, world)
    untick(client, world)
    for device in devices:
        assert pick(client, world, device).status_code == 200
    response = client.post(url("confirm_devices", world.order))
    assert response.status_code == 302 and response.url == url("confirm_summary", world.order)


# --- screen 1 -----------------------------------------------------------------------------------------------


def test_screen_1_offers_the_pbx_with_active_subscriptions_and_saves_it(client_it, world):
    # given a draft order's record page
    detail = client_it.get(reverse("orders:detail", args=[world.order.pk]))
    assert url("confirm", world.order) in detail.content.decode()
    # when the partner opens Confirm Order
    response = client_it.get(url("confirm", world.order))
    # then screen 1 shows the progress across the top and the receiving PBX, checked
    page = response.content.decode()
    assert response.status_code == 200
    assert "slds-progress" in page and "Screen 1" in page and "Devices" in page and "Summary" in page
    assert f'id="pbx-{world.pbx.pk}" name="pbx" value="{world.pbx.pk}"\n               checked' in page
    # when Next saves it with a PO number
    response = client_it.post(url("confirm", world.order), {"pbx": world.pbx.pk, "po_number": " PO-9 "})
    # then the wizard moves on to screen 2 and keeps both server-side
    assert response.status_code == 302 and response.url == url("confirm_devices", world.order)
    assert state(world.order) == (2, world.pbx.pk, "PO-9", [], [])


def test_screen_1_says_an_account_without_a_pbx_on_a_cycle_cannot_receive_hwaas(client_it, world):
    # given Bianchi SpA's only PBX carries no active subscriptions
    world.pbx.has_active_subscriptions = False
    world.pbx.save()
    # when screen 1 opens
    page = client_it.get(url("confirm", world.order)).content.decode()
    # then it says why, and Next cannot save
    assert "cannot receive HWaaS devices" in page
    response = client_it.post(url("confirm", world.order), {"pbx": "", "po_number": ""})
    assert response.status_code == 400
    assert "cannot receive HWaaS devices" in response.content.decode()
    assert state(world.order)[0] == 1


def test_screen_1_refuses_a_pbx_of_another_account(client_it, world):
    other = factories.PbxFactory(account=world.rossi, partner=world.partner, cycle="1y")
    response = client_it.post(url("confirm", world.order), {"pbx": other.pk})
    assert response.status_code == 200 and "slds-has-error" in response.content.decode()
    assert state(world.order)[0] == 1


# --- step order ---------------------------------------------------------------------------------------------


def test_screens_cannot_be_skipped(client_it, world):
    # given a wizard on screen 1
    client_it.get(url("confirm", world.order))
    # when screen 2 or 3 is opened, or Next of screen 2 or Confirm posted
    for response in (client_it.get(url("confirm_devices", world.order)),
                     client_it.get(url("confirm_summary", world.order)),
                     client_it.post(url("confirm_devices", world.order)),
                     client_it.post(url("confirm_submit", world.order), {"confirmed": "yes"})):
        # then each redirects back to screen 1
        assert response.status_code == 302 and response.url == url("confirm", world.order)
    page = client_it.get(url("confirm_summary", world.order), follow=True).content.decode()
    assert "Complete the PBX screen first." in page
    # and after screen 1, the summary sends back to screen 2 until screen 2 is saved
    to_screen_2(client_it, world)
    response = client_it.get(url("confirm_summary", world.order))
    assert response.url == url("confirm_devices", world.order)
    assert Order.objects.get(pk=world.order.pk).status == "draft"


def test_a_confirmed_order_has_no_wizard_any_more(client_it, world):
    # given an order confirmed through the wizard
    to_summary(client_it, world, world.devices[:2])
    client_it.post(url("confirm_submit", world.order), {"confirmed": "yes"})
    before = (state(world.order), sorted(Device.objects.values_list("pk", "account_id")), CreditNote.objects.count())
    # when any wizard URL is opened or posted again
    detail = reverse("orders:detail", args=[world.order.pk])
    for response in (
        client_it.get(url("confirm", world.order)),
        client_it.post(url("confirm", world.order), {"pbx": world.pbx.pk}),
        client_it.get(url("confirm_devices", world.order)),
        client_it.post(url("confirm_devices", world.order)),
        client_it.post(url("confirm_lines", world.order), {"line": world.line.pk}),
        client_it.post(url("confirm_pick", world.order), {"device": world.devices[3].pk,
                                                          "picked": world.devices[3].pk}),
        client_it.get(url("confirm_summary", world.order)),
        client_it.post(url("confirm_submit", world.order), {"confirmed": "yes"}),
    ):
        # then it goes to the order, saying it is already confirmed, and nothing changed
        assert response.status_code == 302 and response.url == detail
    page = client_it.get(url("confirm", world.order), follow=True).content.decode()
    assert "already confirmed" in page
    assert before == (state(world.order), sorted(Device.objects.values_list("pk", "account_id")),
                      CreditNote.objects.count())
    # and an htmx request is told to load the order page instead of swapping it into the table
    response = client_it.post(url("confirm_pick", world.order), {"device": world.devices[3].pk}, **HTMX)
    assert response.headers["HX-Redirect"] == detail


def test_only_a_draft_order_has_a_wizard(client_it, world):
    Order.objects.filter(pk=world.order.pk).update(status="cancelled")
    response = client_it.get(url("confirm", world.order), follow=True)
    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=[world.order.pk])
    assert "only a draft order" in response.content.decode()
    assert not OrderWizard.objects.exists()


def test_another_partners_order_answers_404_on_every_wizard_url(client, user_uk, world):
    client.force_login(user_uk)
    for name in ("confirm", "confirm_devices", "confirm_summary"):
        assert client.get(url(name, world.order)).status_code == 404
    for name, data in (("confirm", {"pbx": world.pbx.pk}), ("confirm_devices", {}),
                       ("confirm_lines", {"line": world.line.pk}),
                       ("confirm_pick", {"device": world.devices[0].pk}), ("confirm_submit", {"confirmed": "yes"})):
        assert client.post(url(name, world.order), data).status_code == 404
    assert not OrderWizard.objects.exists()


# --- screen 2 -------------------------------------------------------------------------------------------------


def test_unticking_a_line_reveals_the_transfer_opex_table(client_it, world, partner_uk):
    # given screen 2 with every line ticked: no transfer table
    foreign = factories.hwaas_device(account=factories.AccountFactory(partner=partner_uk),
                                     product=world.workforce)
    own = factories.hwaas_device(account=world.bianchi, product=world.workforce)
    to_screen_2(client_it, world)
    page = client_it.get(url("confirm_devices", world.order)).content.decode()
    assert "slds-checkbox" in page and "Every line ships new" in page and world.devices[0].serial not in page
    # when the line is unticked (htmx swaps the screen's body)
    page = untick(client_it, world).content.decode()
    # then the Transfer OPEX table lists the other accounts' devices with the running count
    assert "<html" not in page and "Transfer OPEX" in page and "Assign CAPEX" in page
    assert "WorkForce: 0 of 4 picked" in page
    for device in world.devices:
        assert device.serial in page
    # and never the receiving account's own devices nor another partner's
    assert own.serial not in page and foreign.serial not in page
    assert state(world.order)[3] == [world.line.pk]


def test_lines_and_picks_work_as_plain_forms_without_javascript(client_it, world):
    to_screen_2(client_it, world)
    # when the lines form is posted with the line unticked
    response = client_it.post(url("confirm_lines", world.order), {"lines": [world.line.pk]})
    assert response.status_code == 302 and response.url == url("confirm_devices", world.order)
    # and a page of the table is posted with two rows ticked
    first, second, third = world.devices[:3]
    response = client_it.post(url("confirm_pick", world.order, "tab=opex&q=&sort=serial"),
                              {"devices": [first.pk, second.pk, third.pk], "picked": [first.pk, second.pk]})
    # then both are saved and the partner is back on the same table
    assert response.url == url("confirm_devices", world.order, "tab=opex&q=&sort=serial")
    assert state(world.order)[4] == [first.pk, second.pk]
    page = client_it.get(response.url).content.decode()
    assert "WorkForce: 2 of 4 picked" in page
    # when the page is posted again with one swapped for another: unpicks first, then picks
    client_it.post(url("confirm_pick", world.order), {"devices": [first.pk, second.pk, third.pk],
                                                      "picked": [second.pk, third.pk]})
    assert state(world.order)[4] == [second.pk, third.pk]
    # and re-ticking the line drops the picks
    client_it.post(url("confirm_lines", world.order), {"lines": [world.line.pk], "selected": [world.line.pk]})
    assert state(world.order)[3:] == ([], [])


def test_a_pick_is_saved_at_once_and_kept_across_pages_searches_and_tabs(client_it, client, user_it, partner_it):
    # given 30 candidates: two pages of 25
    world = _today_world(partner_it, candidates=30)
    to_screen_2(client_it, world)
    untick(client_it, world)
    devices = sorted(world.devices, key=lambda d: d.serial)
    # when a row of page 2 is picked (htmx keeps the page in the query string)
    response = pick(client_it, world, devices[27], query="tab=opex&page=2")
    page = response.content.decode()
    # then the table comes back on page 2 with the row ticked and the count updated
    assert "WorkForce: 1 of 4 picked" in page and devices[27].serial in page and devices[0].serial not in page
    assert f'value="{devices[27].pk}" id="pick-{devices[27].pk}" checked' in page
    # and a search still shows it picked
    page = client_it.get(url("confirm_devices", world.order, f"q={devices[27].serial}"),
                         HTTP_HX_TARGET="wizard-transfer", **HTMX).content.decode()
    assert "<html" not in page and f'id="pick-{devices[27].pk}" checked' in page
    # and a second tab (another session of the same user) sees the same state
    client.force_login(user_it)
    page = client.get(url("confirm_devices", world.order, "page=2")).content.decode()
    assert "WorkForce: 1 of 4 picked" in page and f'id="pick-{devices[27].pk}" checked' in page
    # when it is unpicked
    page = pick(client_it, world, devices[27], picked=False, query="page=2").content.decode()
    assert "WorkForce: 0 of 4 picked" in page and state(world.order)[4] == []


def test_the_table_searches_by_serial_mac_and_account_sorts_and_filters(client_it, world):
    other = factories.AccountFactory(partner=world.partner, name="Verdi & Figli")
    verdi_device = factories.hwaas_device(account=other, product=world.workforce)
    vision = factories.ProductFactory(sku="VIS", name="Vision")
    vision_device = factories.hwaas_device(account=world.rossi, product=vision)
    capex_device = factories.DeviceFactory(account=other, partner=world.partner, product=world.workforce,
                                           ownership="capex")
    to_screen_2(client_it, world)
    untick(client_it, world)

    def table(query):
        response = client_it.get(url("confirm_devices", world.order, query), HTTP_HX_TARGET="wizard-transfer", **HTMX)
        assert response.status_code == 200
        return response.content.decode()

    # by default: the unselected line's product, HWaaS only
    page = table("")
    assert verdi_device.serial in page and vision_device.serial not in page and capex_device.serial not in page
    # search by account, serial and MAC
    page = table("q=verdi")
    assert verdi_device.serial in page and world.devices[0].serial not in page
    assert world.devices[1].serial in table(f"q={world.devices[1].serial}")
    page = table(f"q={world.devices[2].mac.lower()}")
    assert world.devices[2].serial in page and world.devices[1].serial not in page
    # all products, and sorting by account descending
    page = table("product=all&sort=-account__name")
    assert vision_device.serial in page
    assert page.index(verdi_device.serial) < page.index(world.devices[0].serial)
    # the CAPEX tab lists CAPEX devices (none of them unselected here, so the count shows 0)
    page = table("tab=capex&product=all")
    assert capex_device.serial in page and "Assign CAPEX (0 unselected)" in page


@pytest.mark.parametrize("candidates", [30, 300])
def test_the_transfer_table_runs_a_constant_number_of_queries(client_it, partner_it, candidates,
                                                              django_assert_max_num_queries):
    # given many candidates on other accounts, some of them picked
    world = _today_world(partner_it, candidates=candidates)
    to_screen_2(client_it, world)
    untick(client_it, world)
    for device in world.devices[:3]:
        pick(client_it, world, device)
    # when the screen, the table alone, a later page and a search are shown, and a row is picked,
    # then each costs the same few queries at 30 and at 300 candidates (one page query, one count)
    with django_assert_max_num_queries(11):
        page = client_it.get(url("confirm_devices", world.order)).content.decode()
    assert "WorkForce: 3 of 4 picked" in page and page.count('name="picked"') == 25
    with django_assert_max_num_queries(11):
        client_it.get(url("confirm_devices", world.order, "page=2&sort=-account__name"),
                      HTTP_HX_TARGET="wizard-transfer", **HTMX)
    with django_assert_max_num_queries(11):
        client_it.get(url("confirm_devices", world.order, "q=SN"), HTTP_HX_TARGET="wizard-transfer", **HTMX)
    with django_assert_max_num_queries(23):
        assert pick(client_it, world, world.devices[3]).status_code == 200


def test_a_refused_pick_says_why_and_changes_nothing(client_it, world, partner_uk):
    to_screen_2(client_it, world)
    vision = factories.ProductFactory(sku="VIS", name="Vision")
    vision_device = factories.hwaas_device(account=world.rossi, product=vision)
    # given the line is still ticked: a WorkForce pick is refused with the reason
    page = pick(client_it, world, world.devices[0]).content.decode()
    assert "No unselected line is for WorkForce" in page and state(world.order)[4] == []
    untick(client_it, world)
    # a product of no unselected line
    assert "No unselected line is for Vision" in pick(client_it, world, vision_device).content.decode()
    # more than the unselected quantity
    extra = factories.hwaas_device(account=world.rossi, product=world.workforce)
    for device in world.devices:
        pick(client_it, world, device)
    page = pick(client_it, world, extra).content.decode()
    assert "Only 4 WorkForce unselected" in page
    assert state(world.order)[4] == [d.pk for d in world.devices]
    # the plain form shows the same refusal as a toast
    page = client_it.post(url("confirm_pick", world.order), {"devices": [extra.pk], "picked": [extra.pk]},
                          follow=True).content.decode()
    assert "Only 4 WorkForce unselected" in page and "slds-notify_toast" in page
    # another partner's device, a missing one, a malformed one: 404
    foreign = factories.hwaas_device(account=factories.AccountFactory(partner=partner_uk), product=world.workforce)
    assert pick(client_it, world, foreign).status_code == 404
    assert client_it.post(url("confirm_pick", world.order), {"device": "999999"}, **HTMX).status_code == 404
    assert client_it.post(url("confirm_pick", world.order), {"device": "x"}, **HTMX).status_code == 404
    # a line of another order: 404
    other = factories.draft_order(account=world.bianchi, lines=[{"product": world.workforce, "quantity": 1}])
    assert client_it.post(url("confirm_lines", world.order), {"line": other.lines.get().pk}).status_code == 404
    # a GET on the toggles is not allowed
    assert client_it.get(url("confirm_pick", world.order)).status_code == 405
    assert state(world.order)[4] == [d.pk for d in world.devices]


def test_next_on_screen_2_revalidates_the_saved_picks(client_it, world):
    to_screen_2(client_it, world)
    untick(client_it, world)
    pick(client_it, world, world.devices[0])
    # given the picked device was moved away by staff meanwhile to the receiving account itself
    Device.objects.filter(pk=world.devices[0].pk).update(account=world.bianchi)
    # when Next is pressed
    response = client_it.post(url("confirm_devices", world.order))
    # then screen 2 says why and stays open
    assert response.status_code == 400
    assert "already held by Bianchi SpA" in response.content.decode()
    assert state(world.order)[0] == 2


# --- screen 3 and Confirm -------------------------------------------------------------------------------------


def test_the_summary_shows_the_credit_note_preview_and_the_new_billing(client_it, world, user_it):
    # given four WorkForce devices picked from Rossi Srl
    to_summary(client_it, world, world.devices)
    # when the summary opens
    response = client_it.get(url("confirm_summary", world.order))
    page = response.content.decode()
    assert response.status_code == 200
    # then it shows what the confirmation would do, computed by the same service, in the partner's formats
    preview = order_preview(order=world.order, user=user_it, pbx=world.pbx, unselected_lines=[world.line.pk],
                            transfers=[d.pk for d in world.devices], po_number="PO-9")
    (note,) = preview.credit_notes
    with use_locale("it", "IT"):  # the Italian partner's conventions, as its pages use them
        assert note.net > 0 and note.total == note.net + note.tax
        for amount in (note.net, note.tax, note.total):
            assert money(amount, "EUR") in page
        assert pdate(note.due_date) in page and "Rossi Srl" in page and "Tax 22%" in page
        line = note.lines[0]
        assert f"{line.credited_days} / {line.period_days}" in page and money(line.period_price, "EUR") in page
        sub = preview.subscriptions[0]
        assert money(sub.first_period_charge, "EUR") in page and pdate(sub.commitment_end) in page
    assert "credited only from the commitment end" in page
    for device in world.devices:
        assert device.serial in page
    assert "PO-9" in page and "PBX-BIANCHI" in page
    # and the modal is closed until Confirm is pressed
    assert 'role="dialog"' not in page
    page = client_it.get(url("confirm_summary", world.order, "confirm=1")).content.decode()
    assert 'role="dialog"' in page and "slds-modal" in page and 'name="confirmed"' in page


def test_confirm_needs_the_tick_then_books_the_order(client_it, world):
    to_summary(client_it, world, world.devices[:3])
    # when Confirm is posted without the tick
    response = client_it.post(url("confirm_submit", world.order))
    # then nothing happens and the modal opens again
    assert response.url == url("confirm_summary", world.order, "confirm=1")
    assert Order.objects.get(pk=world.order.pk).status == "draft"
    # when it is posted with the tick
    response = client_it.post(url("confirm_submit", world.order), {"confirmed": "yes"}, follow=True)
    # then the order page says so in a toast, the devices are Bianchi SpA's and a credit note is scheduled
    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=[world.order.pk])
    page = response.content.decode()
    assert "slds-notify_toast" in page and "confirmed: 3 devices moved to Bianchi SpA, 1 credit note scheduled" in page
    order = Order.objects.get(pk=world.order.pk)
    assert (order.status, order.pbx_id, order.po_number) == ("confirmed", world.pbx.pk, "PO-9")
    assert set(Device.objects.filter(pk__in=[d.pk for d in world.devices[:3]]).values_list("account", flat=True)) \
        == {world.bianchi.pk}
    assert CreditNote.objects.get(order=order).giving_account_id == world.rossi.pk
    assert Subscription.objects.filter(account=world.bianchi, status="active").count() == 3


def test_a_refused_confirmation_changes_nothing_and_says_why(client_it, world):
    to_summary(client_it, world, world.devices[:2])
    # given one picked device was moved to the receiving account meanwhile
    Device.objects.filter(pk=world.devices[0].pk).update(account=world.bianchi)
    # when Confirm is posted, or the summary opened
    response = client_it.post(url("confirm_submit", world.order), {"confirmed": "yes"}, follow=True)
    # then the partner is back on screen 2 with the reason and the order is still a draft
    assert response.redirect_chain[-1][0] == url("confirm_devices", world.order)
    assert "already held by Bianchi SpA" in response.content.decode()
    assert Order.objects.get(pk=world.order.pk).status == "draft"
    assert CreditNote.objects.count() == 0
    response = client_it.get(url("confirm_summary", world.order), follow=True)
    assert response.redirect_chain[-1][0] == url("confirm_devices", world.order)
    assert "already held by Bianchi SpA" in response.content.decode()
