"""The catalogue, the devices of the installed base, and their custody history."""

from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager

from accounts.models import Account, Partner, Pbx


class Ownership(models.TextChoices):
    HWAAS = "hwaas", "HWaaS (OPEX)"
    CAPEX = "capex", "CAPEX"


class Product(models.Model):
    """A catalogue item; its prices live in billing (per currency and cycle, plus CAPEX)."""

    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    family = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Device(models.Model):
    """One physical unit. `account` is its holder (none: partner stock)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="devices")
    serial = models.CharField(max_length=64, unique=True)
    mac = models.CharField(max_length=17, null=True, blank=True, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="devices")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, null=True, blank=True, related_name="devices")
    pbx = models.ForeignKey(Pbx, on_delete=models.PROTECT, null=True, blank=True, related_name="devices")
    ownership = models.CharField(max_length=5, choices=Ownership.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["serial"]
        indexes = [
            models.Index(fields=["partner", "account", "ownership"], name="device_partner_acct_own_idx"),
            models.Index(fields=["partner", "product", "ownership"], name="device_partner_prod_own_idx"),
            models.Index(fields=["partner", "ownership", "serial"], name="device_partner_own_serial_idx"),
            models.Index(fields=["partner", "serial"], name="device_partner_serial_idx"),
        ]

    def __str__(self) -> str:
        return self.serial


class CustodyReason(models.TextChoices):
    IMPORT = "import", "Imported installed base"
    ORDER = "order", "Change Order"
    ADJUSTMENT = "adjustment", "Staff adjustment"


class CustodyEvent(models.Model):
    """Who held a device from when to when: an append-only legal record.

    An interval is [started_on, ended_on); the open one has no end. Closing it is the only update
    ever made, and a device has at most one open interval (constraint below).
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="custody_events")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pbx = models.ForeignKey(Pbx, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=CustodyReason.choices)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="custody_events"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["device", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(ended_on__isnull=True), name="custody_one_open_per_device"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="custody_interval_ordered",
            ),
        ]
        indexes = [models.Index(fields=["device", "started_on"], name="custody_device_started_idx")]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.account_id} {self.started_on}–{self.ended_on or ''}"
