"""Orders and Billing: the Account Balance (credit notes, subscriptions), a credit note, its PDF."""

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import account_choices
from billing.models import CreditNoteStatus, SubscriptionStatus
from billing.selectors import credit_note_get, credit_note_list, subscription_list
from core.views import is_table_refresh, paginate, partner_required


class BalanceFilterForm(forms.Form):
    account = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Account")
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "All statuses")] + CreditNoteStatus.choices
    )
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "All accounts")] + [
            (a.id, a.name) for a in account_choices(partner=partner)
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "slds-select" if isinstance(field, forms.ChoiceField) else "slds-input"


@partner_required
def balance_view(request: HttpRequest) -> HttpResponse:
    """Orders and Billing → Account Balance: credit notes, then each account's HWaaS subscriptions."""
    partner = request.user.partner
    form = BalanceFilterForm(request.GET or None, partner=partner)
    filters = form.cleaned_data if form.is_valid() else {}
    notes = credit_note_list(
        partner=partner,
        account_id=filters.get("account"),
        status=filters.get("status") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    context = {
        "nav": "billing",
        "form": form,
        "page_obj": paginate(request, notes),
        "filtered": any(filters.values()),
    }
    if is_table_refresh(request) and request.GET.get("part") != "subscriptions":
        return render(request, "billing/_credit_note_table.html", context)
    subscriptions = subscription_list(
        partner=partner, account_id=filters.get("account"), status=SubscriptionStatus.ACTIVE
    ).order_by("account__name", "account_id", "device__serial")
    context["subscriptions_page"] = paginate(request, subscriptions, param="subs_page")
    if is_table_refresh(request):
        return render(request, "billing/_subscriptions.html", context)
    return render(request, "billing/balance.html", context)


@partner_required
def credit_note_detail_view(request: HttpRequest, credit_note_id: int) -> HttpResponse:
    note = credit_note_get(partner=request.user.partner, credit_note_id=credit_note_id)
    return render(request, "billing/credit_note_detail.html", {"nav": "billing", "note": note})


@partner_required
def credit_note_pdf_view(request: HttpRequest, credit_note_id: int) -> HttpResponse:
    """The PDF through an authorised view: another partner's note, or one without a PDF yet, is a 404."""
    note = credit_note_get(partner=request.user.partner, credit_note_id=credit_note_id)
    if note.status == CreditNoteStatus.SCHEDULED or not note.pdf:
        raise Http404("This credit note has no PDF yet.")
    # A void note downloads as its copy marked void once rendered (billing.models.CreditNote.document).
    response = FileResponse(note.document.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=f"{note.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
