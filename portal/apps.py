from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Home and the global search: pages that read every app; it owns no table."""

    name = "portal"
    default_auto_field = "django.db.models.BigAutoField"
