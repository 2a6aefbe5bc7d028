"""Partner pages for customers (Accounts) and the portal's login."""

from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.forms import AccountFilterForm, PortalLoginForm
from accounts.selectors import account_get, account_list
from billing.selectors import subscription_list
from core.views import is_table_refresh, paginate, partner_required
from devices.selectors import device_list


class PortalLoginView(LoginView):
    """Partner users land on Home; vendor staff (no partner) are sent to the admin."""

    template_name = "registration/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        user = self.request.user
        if user.is_authenticated and not user.partner_id:
            return reverse("admin:index")
        return super().get_success_url()


class PortalLogoutView(LogoutView):
    """Logging out is a POST (Django refuses GET); then back to the login card."""


@partner_required
def account_list_view(request: HttpRequest) -> HttpResponse:
    partner = request.user.partner
    form = AccountFilterForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    ordering = request.GET.get("sort", "name")
    accounts = account_list(partner=partner, search=search, ordering=ordering)
    page = paginate(request, accounts)
    context = {"nav": "accounts", "form": form, "page_obj": page, "search": search, "ordering": ordering}
    template = "accounts/_account_table.html" if is_table_refresh(request) else "accounts/account_list.html"
    return render(request, template, context)


@partner_required
def account_detail_view(request: HttpRequest, account_id: int) -> HttpResponse:
    partner = request.user.partner
    account = account_get(partner=partner, account_id=account_id)
    pbxs = list(account.pbxs.all())
    devices = paginate(request, device_list(partner=partner, account_id=account.id), param="devices_page")
    subscriptions = paginate(
        request, subscription_list(partner=partner, account_id=account.id), param="subscriptions_page"
    )
    tab = "details" if request.GET.get("tab") == "details" else "related"
    context = {
        "nav": "accounts",
        "account": account,
        "pbxs": pbxs,
        "active_pbx": next((pbx for pbx in pbxs if pbx.has_active_subscriptions), None),
        "devices_page": devices,
        "subscriptions_page": subscriptions,
        "tab": tab,
    }
    return render(request, "accounts/account_detail.html", context)
