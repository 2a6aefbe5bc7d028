"""Partner pages for the installed base: the devices list and a device with its custody history."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import account_choices
from billing.selectors import subscription_list
from core.views import is_table_refresh, paginate, partner_required
from devices.models import Ownership
from devices.selectors import custody_list, device_get, device_list, product_choices


class DeviceFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search serial or MAC")
    account = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Account")
    product = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Product")
    ownership = forms.ChoiceField(required=False, label="Ownership", choices=[("", "All")] + Ownership.choices)

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "All accounts")] + [
            (a.id, a.name) for a in account_choices(partner=partner)
        ]
        self.fields["product"].choices = [("", "All products")] + [(p.id, p.name) for p in product_choices()]
        for field in self.fields.values():
            css = "slds-select" if isinstance(field, forms.ChoiceField) else "slds-input"
            field.widget.attrs["class"] = css


@partner_required
def device_list_view(request: HttpRequest) -> HttpResponse:
    partner = request.user.partner
    form = DeviceFilterForm(request.GET or None, partner=partner)
    filters = form.cleaned_data if form.is_valid() else {}
    ordering = request.GET.get("sort", "serial")
    devices = device_list(
        partner=partner,
        account_id=filters.get("account"),
        product_id=filters.get("product"),
        ownership=filters.get("ownership") or None,
        search=filters.get("q", ""),
        ordering=ordering,
    )
    context = {"nav": "devices", "form": form, "page_obj": paginate(request, devices), "ordering": ordering,
               "filtered": any(filters.values())}
    template = "devices/_device_table.html" if is_table_refresh(request) else "devices/device_list.html"
    return render(request, template, context)


@partner_required
def device_detail_view(request: HttpRequest, device_id: int) -> HttpResponse:
    partner = request.user.partner
    device = device_get(partner=partner, device_id=device_id)
    context = {
        "nav": "devices",
        "device": device,
        "custody": list(custody_list(partner=partner, device=device)),
        "subscriptions": list(subscription_list(partner=partner, device_id=device.id)),
    }
    return render(request, "devices/device_detail.html", context)
