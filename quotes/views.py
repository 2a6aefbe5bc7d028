"""Partner pages for quotes, and the customer's public signing page (no login, token only)."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.tenancy import partner_scope
from core.views import is_table_refresh, paginate, partner_required
from projects.selectors import project_get
from quotes import services
from quotes.forms import DeclineForm, QuoteFilterForm, QuoteHeaderForm, QuoteLineFormSet, SignForm
from quotes.models import Quote, QuoteStage
from quotes.selectors import quote_get, quote_list, quote_proposal_ready, quote_signable_get, quote_total
from quotes.signing import signing_token_read, signing_url

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


def _detail_context(quote: Quote) -> dict:
    stage = quote.stage
    return {
        "nav": "quotes",
        "quote": quote,
        "lines": list(quote.lines.all()),
        "total": quote_total(quote=quote),
        "path_steps": _path_steps(quote),
        "timeline": list(quote.transitions.all()),
        "order": getattr(quote, "order", None),
        "signature": getattr(quote, "signature", None),
        "proposal_ready": quote_proposal_ready(quote=quote),
        "signing_url": signing_url(quote=quote) if stage == QuoteStage.PRESENTED else "",
        "can_edit": stage == QuoteStage.DRAFT,
        "can_submit": stage == QuoteStage.DRAFT,
        "can_accept": stage == QuoteStage.PRESENTED,
        "can_revise": stage == QuoteStage.PRESENTED,
        "can_reject": stage == QuoteStage.PRESENTED,
        "can_cancel": stage in (QuoteStage.DRAFT, QuoteStage.PRESENTED),
    }


@partner_required
def quote_detail_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    return render(request, "quotes/quote_detail.html", _detail_context(quote))


@partner_required
def quote_pdf_status_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The PDF box alone, polled by htmx while the proposal is being prepared."""
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    return render(request, "quotes/_pdf_status.html", _detail_context(quote))


@partner_required
def quote_proposal_pdf_view(request: HttpRequest, quote_id: int) -> FileResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    if not quote.proposal_pdf:
        raise Http404("The proposal PDF is not ready yet.")
    return _pdf_response(quote.proposal_pdf, f"{quote.number}.pdf", download=request.GET.get("download") == "1")


@partner_required
def quote_signed_pdf_view(request: HttpRequest, quote_id: int) -> FileResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    if not quote.signed_pdf:
        raise Http404("The signed copy is not ready yet.")
    return _pdf_response(quote.signed_pdf, f"{quote.number}-signed.pdf", download=request.GET.get("download") == "1")


def _pdf_response(field_file, filename: str, *, download: bool) -> FileResponse:
    response = FileResponse(field_file.open("rb"), content_type="application/pdf", as_attachment=download,
                            filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


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
    if request.method == "POST":
        header = QuoteHeaderForm(request.POST)
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
        header = QuoteHeaderForm(initial={"additional_configuration": quote.additional_configuration
                                          if quote else "additional_items"})
        if quote is None:
            formset = QuoteLineFormSet(prefix=LINE_PREFIX, initial=[{"quantity": 1, "ownership": "hwaas"}])
        else:
            formset = QuoteLineFormSet(prefix=LINE_PREFIX, initial=[
                {"product": line.product_id, "quantity": line.quantity, "ownership": line.ownership}
                for line in quote.lines.all()
            ])
    if quote is not None:
        # The configuration is chosen when the quote is created; editing changes only the lines.
        header.fields["additional_configuration"].disabled = True
    context = {
        "nav": "quotes",
        "project": project,
        "quote": quote,
        "header": header,
        "formset": formset,
        "lines": list(quote.lines.all()) if quote else [],
        "total": quote_total(quote=quote) if quote else None,
    }
    return render(request, "quotes/quote_form.html", context)


@partner_required
def quote_create_view(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(partner=request.user.partner, project_id=project_id)
    return _lines_page(request, project=project, quote=None)


@partner_required
def quote_edit_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = quote_get(partner=request.user.partner, quote_id=quote_id)
    if quote.stage != QuoteStage.DRAFT:
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
    return render(request, "quotes/quote_accept_confirm.html", _detail_context(quote))


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


# --- the customer's signing page (public) --------------------------------------------------------------------------


def _link_problem(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "quotes/sign_problem.html", {"problem": exc}, status=exc.status_code)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def sign_view(request: HttpRequest, token: str) -> HttpResponse:
    """Show the proposal to the customer; on POST sign it (name + 'I accept')."""
    try:
        claim = signing_token_read(token=token)
    except ApplicationError as exc:
        return _link_problem(request, exc)
    # The customer has no login: the verified token names the partner, so its scope is opened here.
    with partner_scope(claim.partner_id):
        try:
            quote = quote_signable_get(claim=claim)
        except ApplicationError as exc:
            return _link_problem(request, exc)
        ready = quote_proposal_ready(quote=quote)
        form = SignForm(initial={"pdf_sha256": quote.proposal_pdf_sha256})
        if request.method == "POST" and ready:
            form = SignForm(request.POST)
            if form.is_valid():
                try:
                    signed = services.quote_sign(
                        token=token, signer_name=form.cleaned_data["signer_name"], ip_address=_client_ip(request),
                        user_agent=request.headers.get("User-Agent", ""),
                        pdf_sha256=form.cleaned_data["pdf_sha256"],
                    )
                except ApplicationError as exc:
                    if exc.status_code == 410 or exc.code.startswith("signing_link"):
                        return _link_problem(request, exc)
                    form.add_error(None, exc.message)
                else:
                    return render(request, "quotes/sign_done.html", {
                        "quote": signed, "accepted": True, "signer_name": form.cleaned_data["signer_name"],
                    })
        context = {
            "quote": quote, "lines": list(quote.lines.all()), "total": quote_total(quote=quote), "ready": ready,
            "form": form, "decline_form": DeclineForm(), "token": token,
            "pdf_url": reverse("quotes:sign_pdf", kwargs={"token": token}),
        }
        return render(request, "quotes/sign.html", context)


@require_POST
def sign_decline_view(request: HttpRequest, token: str) -> HttpResponse:
    form = DeclineForm(request.POST)
    name = form.cleaned_data["signer_name"] if form.is_valid() else ""
    try:
        quote = services.quote_decline(token=token, signer_name=name, ip_address=_client_ip(request),
                                       user_agent=request.headers.get("User-Agent", ""))
    except ApplicationError as exc:
        return _link_problem(request, exc)
    return render(request, "quotes/sign_done.html", {"quote": quote, "accepted": False})


def sign_pdf_view(request: HttpRequest, token: str) -> HttpResponse:
    """The proposal PDF, authorised by the signing link itself."""
    try:
        claim = signing_token_read(token=token)
    except ApplicationError as exc:
        return _link_problem(request, exc)
    # The customer has no login: the verified token names the partner, so its scope is opened here.
    with partner_scope(claim.partner_id):
        try:
            quote = quote_signable_get(claim=claim)
        except ApplicationError as exc:
            return _link_problem(request, exc)
        if not quote_proposal_ready(quote=quote):
            raise Http404("The proposal PDF is not ready yet.")
        return _pdf_response(quote.proposal_pdf, f"{quote.number}.pdf", download=False)
