from rest_framework import permissions


class IsPartnerUser(permissions.BasePermission):
    """Partner APIs are for partner users; vendor staff use the admin."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "partner_id", None))
