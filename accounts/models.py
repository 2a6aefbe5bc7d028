"""Partners (the tenants), their users, their end customers (Accounts) and the customers' PBXs."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class BillingCycle(models.TextChoices):
    MONTHLY = "1m", "Monthly (-1M)"
    YEARLY = "1y", "Yearly (-1Y)"
    FIVE_YEARLY = "5y", "Five-yearly (-5Y)"


class Partner(models.Model):
    """A reseller: the tenant. All its money is in its currency, taxed at its rate."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2; drives the holiday calendar.")
    currency = models.CharField(max_length=3)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent, e.g. 22.00.")
    timezone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=8, default="en", help_text="Date and number conventions.")
    address = models.TextField(blank=True)
    vat_number = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100), name="partner_tax_rate_percent"
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="partner_currency_iso"),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="partner_country_iso"),
        ]

    def __str__(self) -> str:
        return self.name


class UserRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    SALES = "sales", "Sales"


class User(AbstractUser):
    """A partner user belongs to exactly one partner; vendor staff have none."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    role = models.CharField(max_length=8, choices=UserRole.choices, blank=True)

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=True) & Q(role=""))
                | (Q(partner__isnull=False) & Q(role__in=[UserRole.ADMIN, UserRole.SALES])),
                name="user_role_matches_partner",
            ),
        ]

    @property
    def is_partner_user(self) -> bool:
        return self.partner_id is not None


class Account(models.Model):
    """An end customer of a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="accounts")
    name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="account_name_unique_per_partner"),
        ]
        indexes = [models.Index(fields=["partner", "name"], name="account_partner_name_idx")]

    def __str__(self) -> str:
        return self.name


class Pbx(models.Model):
    """An account's phone system, licensed on a billing cycle with a current period [start, end).

    Only one PBX of an account carries active subscriptions (the vendor's rule); devices moving
    to the account go to that one.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="pbxs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="pbxs")
    serial = models.CharField(max_length=64, unique=True)
    cycle = models.CharField(max_length=2, choices=BillingCycle.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    has_active_subscriptions = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        verbose_name = "PBX"
        verbose_name_plural = "PBXs"
        ordering = ["serial"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="pbx_period_ordered"),
            models.UniqueConstraint(
                fields=["account"], condition=Q(has_active_subscriptions=True), name="pbx_one_active_per_account"
            ),
        ]
        indexes = [models.Index(fields=["partner", "account"], name="pbx_partner_account_idx")]

    def __str__(self) -> str:
        return f"{self.serial} ({self.get_cycle_display()})"
