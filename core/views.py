"""Helpers every partner page shares: the partner check, pagination and htmx table refreshes."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

PAGE_SIZE = 25


def partner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Partner pages: anonymous users go to the login page, vendor staff (no partner) to the admin.

    The partner's language is set around the whole response by core.locale.PartnerLocaleMiddleware.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.partner_id:
            return redirect("admin:index")
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """One page of a list (25 rows); a bad or too-large page number shows the nearest valid page."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def is_table_refresh(request: HttpRequest) -> bool:
    """An htmx request that wants only the table partial.

    Boosted navigations and history restores (Back after the URL was pushed) need the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
