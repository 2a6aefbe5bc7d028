"""The Confirm Order wizard's pages: screen 1 (PBX, PO), screen 2 (lines, Transfer OPEX / assign CAPEX),
screen 3 (summary, Confirm).

Thin on purpose: the half-done wizard lives server-side in orders.services.wizard, which also enforces
the step order and refuses everything once the order is confirmed. These views parse the request,
call a service or selector, and render (or redirect with a toast). htmx swaps the devices screen's
parts in place; every form also works as a plain POST without JavaScript.
"""

from django.contrib import messages
from django.core.paginator import Page
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import Pbx
from accounts.selectors import pbx_receiving_get
from billing.models import Subscription, SubscriptionStatus
from core.converters import id_parse
from core.errors import ApplicationError, NotFound
from core.views import paginate, partner_required
from devices.models import Device, Ownership
from orders.exceptions import OrderNotDraft, WizardStepNotAllowed
from orders.models import Order, OrderLine, OrderStatus, OrderWizard, WizardStep
from orders.rules import PickedDevice, UnselectedLine, cannot_receive_hwaas, fills_by_kind, pbx_needed
from orders.services.wizard import (
    MovedPick,
    order_wizard_confirm,
    order_wizard_drop_moved,
    order_wizard_get_or_start,
    order_wizard_open,
    order_wizard_save_devices,
    order_wizard_save_pbx,
    order_wizard_summary,
    order_wizard_toggle_line,
    order_wizard_toggle_transfer,
)
from orders.transfer_selectors import (
    TRANSFERABLE_ORDERINGS,
    order_for_confirm_get,
    picked_devices_get,
    transferable_devices,
)
from orders.wizard_forms import PbxStepForm

STEP_URLS = {WizardStep.PBX: "orders:confirm", WizardStep.DEVICES: "orders:confirm_devices",
             WizardStep.SUMMARY: "orders:confirm_summary"}
TABS = {"opex": Ownership.HWAAS, "capex": Ownership.CAPEX}
TAB_LABELS = {"opex": "Transfer OPEX", "capex": "Assign CAPEX"}
ALL_PRODUCTS = "all"


# --- shared helpers -------------------------------------------------------------------------------------------


def _order(request: HttpRequest, order_id: int) -> Order:
    """The caller's order (another partner's id is a 404, as a missing one)."""
    return order_for_confirm_get(partner=request.user.partner, order_id=order_id)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; an htmx request is told to load the whole page instead of swapping it into a table."""
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _step_url(order: Order, step: int) -> str:
    return reverse(STEP_URLS[WizardStep(step)], args=[order.pk])


def _refused(request: HttpRequest, order: Order, error: ApplicationError, *, back_to: int) -> HttpResponse:
    """Where a refusal of the wizard service sends the partner, with its message as a toast; nothing changed."""
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if isinstance(error, OrderNotDraft):
        stage = error.extra.get("stage")
        if stage == OrderStatus.CONFIRMED:
            messages.info(request, f"Order {order.number} is already confirmed: the wizard cannot run again.")
        else:
            messages.warning(request, error.message)
        return _go(request, reverse("orders:detail", args=[order.pk]))
    if isinstance(error, WizardStepNotAllowed):
        messages.warning(request, error.message)
        return _go(request, _step_url(order, error.extra.get("step", WizardStep.PBX)))
    messages.error(request, error.message)
    return _go(request, _step_url(order, back_to))


def _progress(current: int, reached: int) -> list[dict]:
    """The Flow-style progress indicator: Screen 1 · Devices · Summary."""
    steps = []
    for step in WizardStep:
        state = "active" if step == current else "completed" if step < current else "incomplete"
        steps.append({"number": int(step), "label": step.label, "state": state, "url_name": STEP_URLS[step],
                      "reachable": step <= reached and step != current})
    return steps


def _base_context(order: Order, wizard: OrderWizard, step: int) -> dict:
    return {
        "nav": "orders",
        "order": order,
        "wizard": wizard,
        "step": step,
        "progress": _progress(step, wizard.step),
        "progress_percent": (step - 1) * 50,
    }


# --- screen 1: the receiving PBX and the PO number -----------------------------------------------------------


def _receiving_pbxs(order: Order) -> tuple[list[Pbx], Pbx | None]:
    """The receiving account's PBXs, and the one that may receive HWaaS devices (the selector says which)."""
    pbxs = list(Pbx.objects.filter(partner=order.partner, account=order.account).order_by("serial"))
    return pbxs, pbx_receiving_get(partner=order.partner, account=order.account)


@partner_required
@require_http_methods(["GET", "POST"])
def step_pbx(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    try:
        wizard = order_wizard_get_or_start(order=order, user=request.user)
    except ApplicationError as error:
        return _refused(request, order, error, back_to=WizardStep.PBX)
    pbxs, receiving = _receiving_pbxs(order)
    eligible = [receiving] if receiving else []
    lines = list(OrderLine.objects.filter(order=order).select_related("product").order_by("id"))
    needs_pbx = pbx_needed(ownerships=[line.ownership for line in lines])
    cannot_receive = cannot_receive_hwaas(account_name=order.account.name, receiving=receiving, needs_pbx=needs_pbx)
    initial_pbx = wizard.pbx_id or (receiving.pk if receiving else None)
    form = PbxStepForm(
        request.POST or None, pbxs=eligible,
        initial={"pbx": initial_pbx, "po_number": wizard.po_number},
    )
    page_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            order_wizard_save_pbx(order=order, user=request.user, pbx=form.cleaned_data["pbx"],
                                  po_number=form.cleaned_data["po_number"])
        except ApplicationError as error:
            if isinstance(error, NotFound | OrderNotDraft | WizardStepNotAllowed):
                return _refused(request, order, error, back_to=WizardStep.PBX)
            page_error = error.message
        else:
            return redirect("orders:confirm_devices", order.pk)
    context = {
        **_base_context(order, wizard, WizardStep.PBX),
        "form": form,
        "pbxs": pbxs,
        "eligible_ids": {p.pk for p in eligible},
        "needs_pbx": needs_pbx,
        "cannot_receive": cannot_receive.message if cannot_receive else "",
        "lines": lines,
        "page_error": page_error,
    }
    return render(request, "orders/wizard/step_pbx.html", context, status=400 if page_error else 200)


# --- screen 2: lines with their tick, Transfer OPEX / assign CAPEX ---------------------------------------------


def _line_fills(order: Order, lines: list[OrderLine], wizard: OrderWizard,
                picked: list[PickedDevice] | None = None) -> list[dict]:
    """The running count per product and ownership: "WorkForce: 3 of 4 picked" (one query for the picks,
    none when the caller already read them)."""
    unselected = [line for line in lines if line.pk in set(wizard.unselected_lines)]
    products = {line.product_id: line.product for line in unselected}
    if picked is None:
        devices = picked_devices_get(partner=order.partner, order=order, device_ids=wizard.transfers)
        picked = [PickedDevice.of(device) for device in devices]
    fills = [
        {"product": products[fill.product_id], "ownership": fill.ownership,
         "tab": "capex" if fill.ownership == Ownership.CAPEX else "opex",
         "quantity": fill.quantity, "picked": fill.picked, "complete": fill.picked >= fill.quantity}
        for fill in fills_by_kind(unselected=[UnselectedLine.of(line) for line in unselected],
                                  picked=picked)
    ]
    return sorted(fills, key=lambda f: (f["tab"], f["product"].name))


def _table_state(request: HttpRequest, lines: list[OrderLine], wizard: OrderWizard) -> dict:
    """The Transfer OPEX / assign CAPEX table's query: tab, product filter, search, sort, page."""
    # Always the query string: the htmx POSTs of the table carry it too, so a pick keeps the page.
    params = request.GET
    unselected = [line for line in lines if line.pk in set(wizard.unselected_lines)]
    tab = params.get("tab", "")
    if tab not in TABS:
        has_opex = any(line.ownership == Ownership.HWAAS for line in unselected)
        tab = "opex" if has_opex or not unselected else "capex"
    ownership = TABS[tab]
    tab_products = sorted({line.product for line in unselected if line.ownership == ownership}, key=lambda p: p.name)
    product = params.get("product", "")
    if product != ALL_PRODUCTS and not any(str(p.pk) == product for p in tab_products):
        product = ""
    sort = params.get("sort", "serial")
    if sort not in TRANSFERABLE_ORDERINGS:
        sort = "serial"
    return {
        "tab": tab,
        "ownership": ownership,
        "tab_products": tab_products,
        "product": product,
        "q": params.get("q", "").strip()[:100],
        "sort": sort,
        "tabs": [{"key": key, "label": TAB_LABELS[key],
                  "unselected": sum(line.quantity for line in unselected if line.ownership == value)}
                 for key, value in TABS.items()],
    }


def _candidates_page(request: HttpRequest, order: Order, state: dict) -> Page:
    """One page (25 rows) of devices this order may pick: a count and a page query, plus one for subscriptions."""
    if state["product"] == ALL_PRODUCTS:
        product_ids = None
    elif state["product"]:
        product_ids = [int(state["product"])]
    else:
        product_ids = [p.pk for p in state["tab_products"]]
    qs = transferable_devices(
        partner=order.partner, order=order, ownership=state["ownership"], product_ids=product_ids,
        search=state["q"], ordering=state["sort"],
    ).prefetch_related(
        Prefetch("subscriptions", queryset=Subscription.objects.filter(status=SubscriptionStatus.ACTIVE),
                 to_attr="active_subscriptions")
    )
    return paginate(request, qs)


def _devices_context(request: HttpRequest, order: Order, wizard: OrderWizard,
                     moved: list[MovedPick] | None = None, picked: list[PickedDevice] | None = None) -> dict:
    lines = list(OrderLine.objects.filter(order=order).select_related("product").order_by("id"))
    unselected = set(wizard.unselected_lines)
    context = {
        **_base_context(order, wizard, WizardStep.DEVICES),
        "moved_picks": [m.message for m in moved or []],
        "lines": lines,
        "unselected_ids": unselected,
        "has_unselected": bool(unselected),
        "fills": _line_fills(order, lines, wizard, picked),
        "picked_ids": set(wizard.transfers),
        "picked_count": len(wizard.transfers),
        "all_products": ALL_PRODUCTS,
    }
    if unselected:
        state = _table_state(request, lines, wizard)
        page = _candidates_page(request, order, state)
        context.update({"state": state, "page_obj": page, "ordering": state["sort"]})
    return context


def _devices_render(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    """The whole screen, or only the part htmx asked for (the lines and table, or the table)."""
    target = request.headers.get("HX-Target", "") if getattr(request, "htmx", None) else ""
    if target == "wizard-transfer":
        template = "orders/wizard/_transfer.html"
    elif target == "wizard-devices":
        template = "orders/wizard/_devices.html"
    else:
        template = "orders/wizard/step_devices.html"
    return render(request, template, context, status=status)


@partner_required
@require_http_methods(["GET", "POST"])
def step_devices(request: HttpRequest, order_id: int) -> HttpResponse:
    """Screen 2. GET shows it (htmx: the table alone); POST is *Next*: validate the saved picks, go to the summary."""
    order = _order(request, order_id)
    try:
        # Picks another order moved meanwhile leave first, and the screen names them.
        screen = order_wizard_drop_moved(order=order, user=request.user)
    except ApplicationError as error:
        return _refused(request, order, error, back_to=WizardStep.PBX)
    wizard, moved = screen.wizard, screen.moved
    if request.method == "POST" and moved:
        # The partner has not seen the picks change yet: show them before going on.
        context = _devices_context(request, order, wizard, moved, screen.picked)
        return render(request, "orders/wizard/step_devices.html", context)
    if request.method == "POST":
        try:
            order_wizard_save_devices(order=order, user=request.user, unselected_lines=wizard.unselected_lines,
                                      transfers=wizard.transfers)
        except ApplicationError as error:
            if isinstance(error, NotFound | OrderNotDraft | WizardStepNotAllowed):
                return _refused(request, order, error, back_to=WizardStep.DEVICES)
            context = {**_devices_context(request, order, wizard), "page_error": error.message}
            return render(request, "orders/wizard/step_devices.html", context, status=400)
        return _go(request, reverse("orders:confirm_summary", args=[order.pk]))
    return _devices_render(request, _devices_context(request, order, wizard, moved, screen.picked))


def _moved_toasts(request: HttpRequest, moved: list[MovedPick]) -> None:
    """Name the dropped picks on the page a plain POST redirects to."""
    for pick in moved:
        messages.warning(request, pick.message)


def _ids(values: list[str]) -> list[int]:
    return [pk for pk in map(id_parse, values) if pk is not None]


@partner_required
@require_POST
def toggle_lines(request: HttpRequest, order_id: int) -> HttpResponse:
    """A line's *selected* tick. htmx posts one line (`line`, `selected`); the plain form posts them all
    (`lines` = every line on screen, `selected` = the ticked ones)."""
    order = _order(request, order_id)
    selected = set(_ids(request.POST.getlist("selected")))
    if "line" in request.POST:
        wanted = _ids([request.POST["line"]])
        if not wanted:
            raise Http404("Line not found.")
    else:
        wanted = _ids(request.POST.getlist("lines"))
    lines = {line.pk: line for line in OrderLine.objects.filter(order=order, pk__in=wanted)}
    if len(lines) != len(set(wanted)):
        raise Http404("Line not found.")
    moved: list[MovedPick] = []
    try:
        screen = order_wizard_drop_moved(order=order, user=request.user)
        wizard, moved = screen.wizard, screen.moved
        unselected = set(wizard.unselected_lines)
        for pk in wanted:
            now_selected = pk not in unselected
            if (pk in selected) != now_selected:
                wizard = order_wizard_toggle_line(order=order, user=request.user, line=lines[pk],
                                                  selected=pk in selected)
    except ApplicationError as error:
        return _refused(request, order, error, back_to=WizardStep.DEVICES)
    if getattr(request, "htmx", None):
        return render(request, "orders/wizard/_devices.html", _devices_context(request, order, wizard, moved))
    _moved_toasts(request, moved)
    url = reverse("orders:confirm_devices", args=[order.pk])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@partner_required
@require_POST
def toggle_picks(request: HttpRequest, order_id: int) -> HttpResponse:
    """A row of the Transfer OPEX / assign CAPEX table picked or unpicked, saved at once.

    htmx posts one row (`device`, and `picked` = its id when ticked); the plain form posts the page
    (`devices` = the rows on screen, `picked` = the ticked ones). A refusal (wrong product, too many,
    device taken) shows its message and changes nothing.
    """
    order = _order(request, order_id)
    picked = set(_ids(request.POST.getlist("picked")))
    if "device" in request.POST:
        wanted = _ids([request.POST["device"]])
        if not wanted:
            raise Http404("Device not found.")
    else:
        wanted = _ids(request.POST.getlist("devices"))
    # Another partner's device, or a missing one: 404 (the selector filters by the caller's partner).
    devices = {d.pk: d for d in Device.objects.filter(partner=request.user.partner, pk__in=wanted)}
    if len(devices) != len(set(wanted)):
        raise Http404("Device not found.")
    error_message = ""
    moved: list[MovedPick] = []
    try:
        # A pick another order moved meanwhile leaves first: it takes no room from its replacement.
        screen = order_wizard_drop_moved(order=order, user=request.user)
        wizard, moved = screen.wizard, screen.moved
        current = set(wizard.transfers)
        # Unpicks first, so a page that swaps one device for another fits the count.
        changes = sorted((pk in picked, pk) for pk in wanted if (pk in picked) != (pk in current))
        for want, pk in changes:
            wizard = order_wizard_toggle_transfer(order=order, user=request.user, device=devices[pk], picked=want)
    except ApplicationError as error:
        if isinstance(error, NotFound | OrderNotDraft | WizardStepNotAllowed):
            return _refused(request, order, error, back_to=WizardStep.DEVICES)
        error_message = error.message
        wizard = OrderWizard.objects.get(order=order)
    if getattr(request, "htmx", None):
        context = {**_devices_context(request, order, wizard, moved), "table_error": error_message}
        return render(request, "orders/wizard/_transfer.html", context, status=200)
    _moved_toasts(request, moved)
    if error_message:
        messages.error(request, error_message)
    query = request.GET.urlencode()
    url = reverse("orders:confirm_devices", args=[order.pk])
    return redirect(f"{url}?{query}" if query else url)


# --- screen 3: the summary and Confirm --------------------------------------------------------------------------


@partner_required
def step_summary(request: HttpRequest, order_id: int) -> HttpResponse:
    """Screen 3: what ships, what moves, the credit note preview, the new billing; `?confirm=1` opens the modal."""
    order = _order(request, order_id)
    try:
        wizard = order_wizard_open(order=order, user=request.user, step=WizardStep.SUMMARY)
        preview = order_wizard_summary(order=order, user=request.user)
    except ApplicationError as error:
        return _refused(request, order, error, back_to=WizardStep.DEVICES)
    context = {
        **_base_context(order, wizard, WizardStep.SUMMARY),
        "preview": preview,
        "pbx": wizard.pbx,
        "moved_count": sum(len(group.moves) for group in preview.moves_by_account),
        "confirming": request.GET.get("confirm") == "1",
    }
    return render(request, "orders/wizard/step_summary.html", context)


@partner_required
@require_POST
def submit(request: HttpRequest, order_id: int) -> HttpResponse:
    """*Confirm* in the modal: one transaction moves the devices, realigns billing, schedules credit notes."""
    order = _order(request, order_id)
    if request.POST.get("confirmed") != "yes":
        messages.warning(request, "Tick the confirmation to confirm the order.")
        return redirect(reverse("orders:confirm_summary", args=[order.pk]) + "?confirm=1")
    try:
        confirmed = order_wizard_confirm(order=order, user=request.user)
    except ApplicationError as error:
        # A device taken meanwhile, or a rule broken since the summary: back to the picks.
        return _refused(request, order, error, back_to=WizardStep.DEVICES)
    moved = confirmed.moves.count()
    notes = confirmed.credit_notes.count()
    messages.success(
        request,
        f"Order {confirmed.number} confirmed: {moved} device{'s' if moved != 1 else ''} moved to "
        f"{confirmed.account.name}, {notes} credit note{'s' if notes != 1 else ''} scheduled.",
    )
    return redirect("orders:detail", confirmed.pk)
