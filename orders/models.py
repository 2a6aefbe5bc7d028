"""Orders, their lines, the devices a confirmation moved, and the Confirm Order wizard's state."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition
from django_scopes import ScopedManager

from accounts.models import Account, BillingCycle, Partner, Pbx
from core.money import MoneyField
from devices.models import Device, Ownership, Product
from projects.models import Project
from quotes.models import Quote, QuoteLine
from quotes.totals import line_amount


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class Order(FSMModelMixin, models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="orders")
    # One order per accepted quote, guaranteed by the database.
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="order")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="orders")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(max_length=20, unique=True)
    status = FSMField(default=OrderStatus.DRAFT, choices=OrderStatus.choices, protected=True)
    currency = models.CharField(max_length=3)
    pbx = models.ForeignKey(Pbx, on_delete=models.PROTECT, null=True, blank=True, related_name="orders")
    po_number = models.CharField(max_length=64, blank=True)
    conversion_date = models.DateField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "status", "created_at"], name="order_partner_status_idx"),
            models.Index(fields=["partner", "account"], name="order_partner_account_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @transition(field=status, source=OrderStatus.DRAFT, target=OrderStatus.CONFIRMED)
    def confirm(self) -> None:
        pass

    @transition(field=status, source=OrderStatus.DRAFT, target=OrderStatus.CANCELLED)
    def cancel(self) -> None:
        pass


class OrderLine(models.Model):
    """A line copied from the quote. `selected` = ship new from the vendor; unselected lines are
    filled by transferring devices the partner's other customers hold."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    quote_line = models.OneToOneField(QuoteLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    ownership = models.CharField(max_length=5, choices=Ownership.choices)
    cycle = models.CharField(max_length=2, choices=BillingCycle.choices, blank=True)
    unit_price = MoneyField()
    currency = models.CharField(max_length=3)
    selected = models.BooleanField(default=True)

    objects = ScopedManager(partner="order__partner")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=999), name="order_line_quantity_range"
            ),
        ]

    @property
    def line_total(self) -> Decimal:
        """Unit price × quantity, by the quote's one line-amount rule."""
        return line_amount(unit_price=self.unit_price, quantity=self.quantity)

    def __str__(self) -> str:
        # "5 × WorkForce (HWaaS)": what staff read in the admin's rows (the product's name, not its id).
        ownership = "HWaaS" if self.ownership == Ownership.HWAAS else self.get_ownership_display()
        return f"{self.quantity} × {self.product.name} ({ownership})"


class OrderDeviceMove(models.Model):
    """A device the confirmation moved to the receiving account, and from whom."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="moves")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="moves")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="moves")
    ownership = models.CharField(max_length=5, choices=Ownership.choices)
    giving_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    giving_subscription = models.ForeignKey(
        "billing.Subscription", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_subscription = models.ForeignKey(
        "billing.Subscription", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(partner="order__partner")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "device"], name="order_move_device_once")]

    def __str__(self) -> str:
        return f"{self.device.serial} from {self.giving_account.name}"


class WizardStep(models.IntegerChoices):
    PBX = 1, "Screen 1"
    DEVICES = 2, "Devices"
    SUMMARY = 3, "Summary"


class OrderWizard(models.Model):
    """The half-done Confirm Order wizard, kept server-side so a reload or a second tab sees the
    same state. `step` is the furthest screen the partner may open."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="wizard")
    step = models.PositiveSmallIntegerField(choices=WizardStep.choices, default=WizardStep.PBX)
    pbx = models.ForeignKey(Pbx, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    po_number = models.CharField(max_length=64, blank=True)
    unselected_lines = models.JSONField(default=list, blank=True)
    transfers = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(partner="order__partner")

    def __str__(self) -> str:
        return f"wizard {self.order_id} @ {self.step}"
