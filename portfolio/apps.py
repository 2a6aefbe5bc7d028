from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    """Loading an installed base (import_portfolio, load_demo) through every app's models; it owns no table."""

    name = "portfolio"
    default_auto_field = "django.db.models.BigAutoField"
