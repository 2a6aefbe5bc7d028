"""Partner pages for quotes (the customer's public signing page is quotes.signing_views).

Which stage buttons a page offers is asked of the quote's state machine (`can_proceed`), never
written here: the FSM in quotes.models is the one list of allowed moves.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from core.errors import ApplicationError
from core.views import is_table_refresh, paginate, partner_required
from projects.selectors import project_get
from quotes import services
from quotes.downloads import pdf_response
from quotes.forms import QuoteFilterForm, QuoteHeaderForm, QuoteLineFormSet
from quotes.models import Quote, QuoteStage
from quotes.selectors import (
    quote_awaits_customer,
    quote_get,
    quote_list,
    quote_proposal_expected,
    quote_proposal_ready,
    quote_signing_url,
)
from quotes.totals import quote_totals

STAGE_PATH = [QuoteStage.DRAFT, QuoteStage.PRESENTED, QuoteStage.ACCEPTED]
LINE_PREFIX = "lines"


# --- list and detail -------------------------------------------------------------------------------------------


@partner_required
def quote_list_view(request: HttpRequest) -> HttpResponse:
    partner = request.user.partner
    form = QuoteFilterForm(request.GET or None)
    search, stage = (form.cleaned_data["q"], form.cleaned_data["stage"]) if form.is_valid() else ("", "")
    ordering = request.GET.get("sort", "-created_at")
    page = paginate(request, quote_list(partner=partner, search=search, stage=stage, ordering=ordering))
    context = {"nav": "quotes", "form": form, "page_obj": page, "search": search, "stage": stage,
               "ordering": ordering, "stages": QuoteStage.choices}
    template = "quotes/_quote_table.html" if is_table_refresh(request) else "quotes/quote_list.html"
    return render(request, template, context)


def _path_steps(quote: Quote) -> list[dict]:
    """The slds-path: draft → presented → accepted, or the closing stage in place of accepted."""
    final = quote.stage if quote.stage not in STAGE_PATH else QuoteStage.ACCEPTED
    steps = [QuoteStage.DRAFT, QuoteStage.PRESENTED, QuoteStage(final)]
    current = steps.index(quote.stage) if quote.stage in steps else len(steps) - 1
    return [
        {"label": step.label, "state": "complete" if i < current else "current" if i == current else "incomplete"}
        for i, step in enumerate(steps)
    ]


def _detail_context(request: HttpRequest, quote: Quote) -> dict:
    ready = quote_proposal_ready(quote=quote)
    preparing = quote_proposal_expected(quote=quote) and not ready
    return {
        "nav": "quotes",
        "quote": quote,
        "lines": list(quote.lines.all()),
        "total": quote_totals(quote=quote).net,
        "path_steps": _path_steps(quote),
        "timeline": list(quote.transitions.all()),
        "order": getattr(quote, "order", None),
        "signature": getattr(quote, "signature", None),
        "proposal_ready": ready,
        "proposal_preparing": preparing,
        # htmx polls the PDF box only while the customer may still open the proposal.
        "proposal_polling": preparing and quote_awaits_customer(quote=quote),
        "signing_url": quote_signing_url(quote=quote, request=request) or "",
        "can_edit": quote.is_editable,
        # One button per FSM transition, shown exactly when the state machine allows it.
        "can_submit": can_proceed(quote.present),
        "can_accept": can_proceed(quote.accept),
        "can_revise": can_proceed(quote.revise),
        "can_reject": can_proceed(quote.reject),
        "can_cancel": can_proceed(quote.cancel),
    }


@partner_required
def quote_detail_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    return render(request, "quotes/quote_detail.html", _detail_context(request, quote))


@partner_required
def quote_pdf_status_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The PDF box alone, polled by htmx while the proposal is being prepared."""
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    return render(request, "quotes/_pdf_status.html", _detail_context(request, quote))


@partner_required
def quote_proposal_pdf_view(request: HttpRequest, quote_id: int) -> FileResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    if not quote.proposal_pdf:
        raise Http404("The proposal PDF is not ready yet.")
    return pdf_response(quote.proposal_pdf, f"{quote.number}.pdf", download=request.GET.get("download") == "1")


@partner_required
def quote_signed_pdf_view(request: HttpRequest, quote_id: int) -> FileResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    if not quote.signed_pdf:
        raise Http404("The signed copy is not ready yet.")
    return pdf_response(quote.signed_pdf, f"{quote.number}-signed.pdf", download=request.GET.get("download") == "1")


# --- create and edit lines ---------------------------------------------------------------------------------------


def _formset_with_extra_line(data) -> QuoteLineFormSet:
    data = data.copy()
    key = f"{LINE_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, "0"))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, 50))
    return QuoteLineFormSet(data=data, prefix=LINE_PREFIX)


def _lines_from(formset: QuoteLineFormSet) -> tuple[list[services.LineInput], list[int]]:
    """The kept lines and, for each, the index of its form (to put a service error on the right row)."""
    lines, indexes = [], []
    initial_count = formset.initial_form_count()
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", {})
        if not data or data.get("DELETE") or (index >= initial_count and not form.has_changed()):
            continue
        lines.append({"product": data["product"], "quantity": data["quantity"], "ownership": data["ownership"]})
        indexes.append(index)
    return lines, indexes


def _apply_line_error(formset: QuoteLineFormSet, indexes: list[int], exc: ApplicationError) -> bool:
    line, field = exc.extra.get("line"), exc.extra.get("field")
    if line is None or field is None or line >= len(indexes):
        return False
    formset.forms[indexes[line]].add_error(field, exc.message)
    return True


def _lines_page(request: HttpRequest, *, project, quote: Quote | None) -> HttpResponse:
    """Create (quote=None) or edit a quote's Additional Items; 'Add another line' re-renders with one more row."""
    # The configuration is chosen when the quote is created; editing changes only the lines.
    header_initial = {"additional_configuration": quote.additional_configuration if quote else "additional_items"}
    if request.method == "POST":
        header = QuoteHeaderForm(request.POST, initial=header_initial, locked=quote is not None)
        if "add_line" in request.POST:
            formset = _formset_with_extra_line(request.POST)
        else:
            formset = QuoteLineFormSet(request.POST, prefix=LINE_PREFIX)
            if header.is_valid() and formset.is_valid():
                lines, indexes = _lines_from(formset)
                if not lines:
                    messages.error(request, "Add at least one line with a product.")
                else:
                    try:
                        if quote is None:
                            quote = services.quote_create(
                                user=request.user, project=project, lines=lines,
                                additional_configuration=header.cleaned_data["additional_configuration"],
                            )
                            messages.success(request, f"Quote {quote.number} created.")
                        else:
                            services.quote_lines_replace(user=request.user, quote=quote, lines=lines)
                            messages.success(request, f"Quote {quote.number} saved.")
                        return redirect("quotes:detail", quote_id=quote.pk)
                    except ApplicationError as exc:
                        if exc.extra.get("fields", {}).get("additional_configuration"):
                            header.add_error("additional_configuration", exc.message)
                        elif not _apply_line_error(formset, indexes, exc):
                            messages.error(request, exc.message)
    else:
        header = QuoteHeaderForm(initial=header_initial, locked=quote is not None)
        if quote is None:
            formset = QuoteLineFormSet(prefix=LINE_PREFIX, initial=[{"quantity": 1, "ownership": "hwaas"}])
        else:
            formset = QuoteLineFormSet(prefix=LINE_PREFIX, initial=[
                {"product": line.product_id, "quantity": line.quantity, "ownership": line.ownership}
                for line in quote.lines.all()
            ])
    context = {
        "nav": "quotes",
        "project": project,
        "quote": quote,
        "header": header,
        "formset": formset,
        "lines": list(quote.lines.all()) if quote else [],
        "total": quote_totals(quote=quote).net if quote else None,
    }
    return render(request, "quotes/quote_form.html", context)


@partner_required
def quote_create_view(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(partner=request.user.partner, project_id=project_id)
    return _lines_page(request, project=project, quote=None)


@partner_required
def quote_edit_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    if not quote.is_editable:
        messages.error(request, f"Quote {quote.number} is {quote.get_stage_display().lower()}: "
                                "only a draft quote can be edited. Revise it first.")
        return redirect("quotes:detail", quote_id=quote.pk)
    return _lines_page(request, project=quote.project, quote=quote)


# --- stage buttons -------------------------------------------------------------------------------------------------

_ACTIONS = {
    "submit": (services.quote_submit, "Proposal {number} submitted. The PDF is being prepared; "
                                      "the signing link was sent to the customer."),
    "accept": (services.quote_accept_skip, "Quote {number} accepted without signature. The order is ready."),
    "reject": (services.quote_reject, "Quote {number} marked as rejected."),
    "revise": (services.quote_revise, "Quote {number} is back in draft. The old signing link no longer works."),
    "cancel": (services.quote_cancel, "Quote {number} cancelled."),
}


def _transition(request: HttpRequest, quote_id: int, action: str) -> HttpResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    service, message = _ACTIONS[action]
    try:
        service(user=request.user, quote=quote)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message.format(number=quote.number))
    return redirect("quotes:detail", quote_id=quote.pk)


@require_POST
@partner_required
def quote_submit_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _transition(request, quote_id, "submit")


@partner_required
def quote_accept_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    """Skip signing. GET is the confirmation page (the modal's no-JavaScript twin); POST accepts."""
    if request.method == "POST":
        return _transition(request, quote_id, "accept")
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    return render(request, "quotes/quote_accept_confirm.html", _detail_context(request, quote))


@require_POST
@partner_required
def quote_reject_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _transition(request, quote_id, "reject")


@require_POST
@partner_required
def quote_revise_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _transition(request, quote_id, "revise")


@require_POST
@partner_required
def quote_cancel_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _transition(request, quote_id, "cancel")
