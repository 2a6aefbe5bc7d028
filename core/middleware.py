from django.conf import settings

from core.tenancy import partner_scope, vendor_scope


class PartnerScopeMiddleware:
    """Open the partner's scope for the whole request; vendor staff get the admin unscoped.

    API requests authenticated by token are scoped in core.api.PartnerScopedMixin, since DRF
    authenticates them after middleware has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + getattr(settings, "ADMIN_URL", "admin/")

    def __call__(self, request):
        user = request.user
        if request.path.startswith(self.admin_prefix):
            # The admin is the vendor's face: it requires is_staff and sees all partners.
            with vendor_scope():
                return self.get_response(request)
        partner_id = getattr(user, "partner_id", None) if user.is_authenticated else None
        with partner_scope(partner_id):
            return self.get_response(request)
