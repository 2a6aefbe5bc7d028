"""The customer's public signing page: no login, the signed token in the link is the only authority.

A customer has no partner session, so no request scope is open here (an anonymous request runs
with none, and any query of a partner-owned model would raise ScopeError). Each view reads the
verified token first and then opens that quote's partner scope on purpose, around every query it
makes and the page it renders, so nothing of another partner can be reached through a link.
"""

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.client_ip import client_ip
from core.errors import ApplicationError
from core.locale import use_locale
from core.tenancy import partner_scope
from quotes import services
from quotes.downloads import pdf_response
from quotes.forms import DeclineForm, SignForm
from quotes.selectors import quote_proposal_ready, quote_signable_get
from quotes.signing import signing_token_read
from quotes.totals import quote_totals


def _link_problem(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "quotes/sign_problem.html", {"problem": exc}, status=exc.status_code)


def _is_link_problem(exc: ApplicationError) -> bool:
    """The link itself is dead (gone, tampered): show the problem page instead of the form."""
    return exc.status_code == 410 or exc.code.startswith("signing_link")


def _signing_link(view):
    """Read the link's token, then run the view inside the quote's partner scope.

    No partner is logged in: the verified token names the quote's partner, so its scope is opened here
    on purpose; without it every query of the view would raise ScopeError. A dead link shows the problem page.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        try:
            claim = signing_token_read(token=token)
        except ApplicationError as exc:
            return _link_problem(request, exc)
        with partner_scope(claim.partner_id):
            return view(request, token, claim)

    return wrapper


@_signing_link
def sign_view(request: HttpRequest, token: str, claim) -> HttpResponse:
    """Show the proposal to the customer; on POST sign it (name + 'I accept')."""
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
                    token=token, signer_name=form.cleaned_data["signer_name"], ip_address=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                    pdf_sha256=form.cleaned_data["pdf_sha256"],
                )
            except ApplicationError as exc:
                if _is_link_problem(exc):
                    return _link_problem(request, exc)
                form.add_error(None, exc.message)
            else:
                return render(request, "quotes/sign_done.html", {
                    "quote": signed, "accepted": True, "signer_name": form.cleaned_data["signer_name"],
                })
    context = {
        "quote": quote, "lines": list(quote.lines.all()), "total": quote_totals(quote=quote).net, "ready": ready,
        "form": form, "decline_form": DeclineForm(), "token": token,
        "pdf_url": reverse("quotes:sign_pdf", kwargs={"token": token}),
    }
    # Nobody is signed in, so no request locale: the proposal reads in its partner's conventions.
    with use_locale(quote.partner.language, quote.partner.country):
        return render(request, "quotes/sign.html", context)


@require_POST
@_signing_link
def sign_decline_view(request: HttpRequest, token: str, claim) -> HttpResponse:
    """The customer declines the proposal (an optional name is recorded)."""
    form = DeclineForm(request.POST)
    name = form.cleaned_data["signer_name"] if form.is_valid() else ""
    try:
        quote = services.quote_decline(token=token, signer_name=name, ip_address=client_ip(request),
                                       user_agent=request.headers.get("User-Agent", ""))
    except ApplicationError as exc:
        return _link_problem(request, exc)
    return render(request, "quotes/sign_done.html", {"quote": quote, "accepted": False})


@_signing_link
def sign_pdf_view(request: HttpRequest, token: str, claim) -> HttpResponse:
    """The proposal PDF, authorised by the signing link itself."""
    try:
        quote = quote_signable_get(claim=claim)
    except ApplicationError as exc:
        return _link_problem(request, exc)
    if not quote_proposal_ready(quote=quote):
        raise Http404("The proposal PDF is not ready yet.")
    return pdf_response(quote.proposal_pdf, f"{quote.number}.pdf", download=False)
