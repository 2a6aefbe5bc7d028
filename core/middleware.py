from contextlib import ExitStack

from django.conf import settings

from core.tenancy import partner_scope, vendor_scope


class PartnerScopeMiddleware:
    """Run each request inside the scope its user may see, and in none for anyone else.

    - a partner user (session): that partner's scope, for the whole request;
    - vendor staff in the admin: every partner (the admin is the vendor's face and requires is_staff);
    - anyone else (anonymous, staff outside the admin, a token request before DRF has authenticated
      it): no scope, so a query on a partner-owned model raises instead of returning every partner's
      rows. DRF views enter the token user's scope in core.api.PartnerScopedMixin.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + getattr(settings, "ADMIN_URL", "admin/")

    def __call__(self, request):
        user = request.user
        with ExitStack() as stack:
            if user.is_authenticated and getattr(user, "partner_id", None):
                stack.enter_context(partner_scope(user.partner_id))
            elif user.is_authenticated and user.is_staff and request.path.startswith(self.admin_prefix):
                stack.enter_context(vendor_scope())
            return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Mark every API answer and every page of a signed-in partner `Cache-Control: private, no-store`.

    They hold one partner's customers, prices and devices: no shared cache or browser history may keep
    them. A response that already says how to cache (the PDFs) keeps its own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        partner_page = user is not None and user.is_authenticated and getattr(user, "partner_id", None)
        if (request.path.startswith("/api/") or partner_page) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
