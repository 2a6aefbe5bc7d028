"""Price list, HWaaS subscriptions and credit notes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django_fsm import FSMField, FSMModelMixin, transition
from django_scopes import ScopedManager

from accounts.models import Account, BillingCycle, Partner, Pbx
from core.money import MoneyField
from core.storage import private_storage
from devices.models import Device, Product


class HwaasPrice(models.Model):
    """The price of one whole period of a product's cycle variant (SKU -1M / -1Y / -5Y)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="hwaas_prices")
    currency = models.CharField(max_length=3)
    cycle = models.CharField(max_length=2, choices=BillingCycle.choices)
    price = MoneyField()

    class Meta:
        ordering = ["product", "currency", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["product", "currency", "cycle"], name="hwaas_price_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="hwaas_price_not_negative"),
        ]

    @property
    def variant_sku(self) -> str:
        return f"{self.product.sku}-{self.cycle.upper()}"

    def __str__(self) -> str:
        return f"{self.product_id} {self.cycle} {self.price} {self.currency}"


class CapexPrice(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="capex_prices")
    currency = models.CharField(max_length=3)
    price = MoneyField()

    class Meta:
        ordering = ["product", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["product", "currency"], name="capex_price_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="capex_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} capex {self.price} {self.currency}"


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Subscription(models.Model):
    """The rent of one HWaaS device by one account; the current period [start, end) is paid in advance.

    period_price is a snapshot as invoiced, never re-read from today's price list.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="subscriptions")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="subscriptions")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="subscriptions")
    pbx = models.ForeignKey(Pbx, on_delete=models.PROTECT, null=True, blank=True, related_name="subscriptions")
    cycle = models.CharField(max_length=2, choices=BillingCycle.choices)
    currency = models.CharField(max_length=3)
    period_price = MoneyField()
    period_start = models.DateField()
    period_end = models.DateField()
    started_on = models.DateField()
    commitment_end = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    # The first, prorated period after a transfer (conversion date → PBX period end) and its charge.
    first_period_start = models.DateField(null=True, blank=True)
    first_period_end = models.DateField(null=True, blank=True)
    first_period_charge = MoneyField(null=True, blank=True)
    source_order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="started_subscriptions"
    )
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="successor"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(status="active"), name="subscription_one_active_per_device"
            ),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="subscription_period_ordered"),
            models.CheckConstraint(condition=Q(commitment_end__gte=F("started_on")), name="subscription_commitment"),
            models.CheckConstraint(condition=Q(period_price__gte=0), name="subscription_price_not_negative"),
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True) | Q(status="ended", ended_on__isnull=False),
                name="subscription_status_matches_end",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "account", "status"], name="subscr_partner_acct_idx"),
            models.Index(fields=["partner", "status"], name="subscr_partner_status_idx"),
        ]

    @property
    def next_billing_date(self):
        return self.period_end if self.status == SubscriptionStatus.ACTIVE else None

    def __str__(self) -> str:
        return f"{self.device_id} @ {self.account_id} ({self.cycle})"


class CreditNoteStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ISSUED = "issued", "Issued"
    VOID = "void", "Void"


class CreditNoteReason(models.TextChoices):
    ORDER_CHANGE = "order_change", "Order change"


def credit_note_pdf_path(instance: "CreditNote", filename: str) -> str:
    return f"credit-notes/{instance.partner_id}/{filename}"


class CreditNote(FSMModelMixin, models.Model):
    """A credit note to the partner for one giving account of one order.

    Scheduled at confirmation, issued (numbered, amounts fixed, PDF) within 5 business days.
    An issued note is never edited: staff void it and reissue.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="credit_notes")
    giving_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credit_notes")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="credit_notes")
    status = FSMField(default=CreditNoteStatus.SCHEDULED, choices=CreditNoteStatus.choices, protected=True)
    reason = models.CharField(max_length=16, choices=CreditNoteReason.choices, default=CreditNoteReason.ORDER_CHANGE)
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    currency = models.CharField(max_length=3)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    conversion_date = models.DateField()
    due_date = models.DateField()
    issue_date = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    # Everything printed on the PDF, frozen at issue so the document can be rendered again identically.
    snapshot = models.JSONField(null=True, blank=True)
    pdf = models.FileField(storage=private_storage, upload_to=credit_note_pdf_path, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The copy marked void, rendered from the same snapshot after voiding; the PDF sent at issue is kept as it was.
    void_pdf = models.FileField(storage=private_storage, upload_to=credit_note_pdf_path, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    # Issuing bookkeeping: the partner's admins are emailed once; failed attempts are kept for staff.
    emailed_at = models.DateTimeField(null=True, blank=True)
    issue_attempts = models.PositiveIntegerField(default=0)
    last_issue_error = models.TextField(blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.TextField(blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    # Why staff reissued the note it replaces (and what they corrected); blank on a note from an order.
    correction_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Round() keeps the check exact where the database stores decimals as floats (SQLite).
            models.CheckConstraint(
                condition=Q(total=Round(F("net") + F("tax"), 2)), name="credit_note_total_is_net_plus_tax"
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | Q(number__isnull=False, issued_at__isnull=False),
                name="credit_note_issued_has_number",
            ),
            models.UniqueConstraint(
                fields=["order", "giving_account"],
                condition=Q(status__in=["scheduled", "issued"]),
                name="credit_note_one_live_per_order_account",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "due_date"], name="cn_partner_status_due_idx"),
            models.Index(fields=["partner", "giving_account"], name="cn_partner_account_idx"),
            models.Index(fields=["status", "due_date"], name="cn_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"CN (scheduled #{self.pk})"

    @property
    def document(self):
        """The file a download serves: the copy marked void once there is one, else the PDF as issued."""
        if self.status == CreditNoteStatus.VOID and self.void_pdf:
            return self.void_pdf
        return self.pdf

    @transition(field=status, source=CreditNoteStatus.SCHEDULED, target=CreditNoteStatus.ISSUED)
    def issue(self) -> None:
        """Numbering, amounts and snapshot are set by billing.services before this transition."""

    # Only an issued note is voided (staff void it and issue a corrected one): a scheduled note has no
    # number yet (credit_note_issued_has_number) and is corrected before it is issued.
    @transition(field=status, source=CreditNoteStatus.ISSUED, target=CreditNoteStatus.VOID)
    def void(self) -> None:
        pass


class CreditNoteLine(models.Model):
    """One moved HWaaS device's credit: period_price × credited_days / period_days, with its inputs."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(max_length=64)
    product_name = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    credited_from = models.DateField()
    credited_days = models.PositiveIntegerField()
    period_days = models.PositiveIntegerField()
    period_price = MoneyField()
    amount = MoneyField()

    objects = ScopedManager(partner="credit_note__partner")

    class Meta:
        ordering = ["serial"]
        constraints = [
            models.CheckConstraint(condition=Q(credited_days__lte=F("period_days")), name="cn_line_days_within_period"),
            models.CheckConstraint(condition=Q(period_days__gt=0), name="cn_line_period_days_positive"),
            models.UniqueConstraint(fields=["credit_note", "device"], name="cn_line_one_per_device"),
        ]

    def __str__(self) -> str:
        return f"{self.serial}: {self.amount}"
