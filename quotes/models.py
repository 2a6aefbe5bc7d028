"""Quotes, their lines, stage history and the customer's signature."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, can_proceed, transition
from django_scopes import ScopedManager

from accounts.models import Account, BillingCycle, Partner, Pbx
from core.money import MoneyField
from core.storage import private_storage
from devices.models import Ownership, Product
from projects.models import Project
from quotes.totals import line_amount


class QuoteStage(models.TextChoices):
    DRAFT = "draft", "Draft"
    PRESENTED = "presented", "Presented"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


class AdditionalConfiguration(models.TextChoices):
    ADDITIONAL_ITEMS = "additional_items", "Additional Items"
    NEW_PBX = "new_pbx", "New PBX"
    LICENCE_UPGRADE = "licence_upgrade", "Licence Upgrade"


def quote_document_path(instance: "Quote", filename: str) -> str:
    return f"quotes/{instance.partner_id}/{filename}"


class Quote(FSMModelMixin, models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="quotes")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="quotes")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="quotes")
    # The receiving PBX whose cycle prices the HWaaS lines; none when the account has no eligible PBX.
    pbx = models.ForeignKey(Pbx, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes")
    number = models.CharField(max_length=20, unique=True)
    stage = FSMField(default=QuoteStage.DRAFT, choices=QuoteStage.choices, protected=True)
    additional_configuration = models.CharField(
        max_length=32, choices=AdditionalConfiguration.choices, default=AdditionalConfiguration.ADDITIONAL_ITEMS
    )
    currency = models.CharField(max_length=3)
    # Bumped on every revise: signing links carry it, so a revised quote kills the old link.
    version = models.PositiveIntegerField(default=1)
    presented_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    proposal_pdf = models.FileField(storage=private_storage, upload_to=quote_document_path, blank=True)
    proposal_pdf_sha256 = models.CharField(max_length=64, blank=True)
    proposal_pdf_version = models.PositiveIntegerField(null=True, blank=True)
    signed_pdf = models.FileField(storage=private_storage, upload_to=quote_document_path, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "stage", "created_at"], name="quote_partner_stage_idx"),
            models.Index(fields=["partner", "account"], name="quote_partner_account_idx"),
            models.Index(fields=["stage", "valid_until"], name="quote_stage_valid_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_editable(self) -> bool:
        """Only a draft's lines may change: Submit Proposal (`present`) freezes them, so a quote is
        editable exactly while the state machine still allows submitting it."""
        return can_proceed(self.present)

    # The transitions below are the one list of allowed moves: services, pages, buttons and the API
    # ask them (`can_proceed`) instead of listing stages.
    @transition(field=stage, source=QuoteStage.DRAFT, target=QuoteStage.PRESENTED)
    def present(self) -> None:
        pass

    @transition(field=stage, source=QuoteStage.PRESENTED, target=QuoteStage.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=stage, source=QuoteStage.PRESENTED, target=QuoteStage.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=stage, source=QuoteStage.PRESENTED, target=QuoteStage.DRAFT)
    def revise(self) -> None:
        self.version += 1

    @transition(field=stage, source=[QuoteStage.DRAFT, QuoteStage.PRESENTED], target=QuoteStage.CANCELLED)
    def cancel(self) -> None:
        pass

    @transition(field=stage, source=QuoteStage.PRESENTED, target=QuoteStage.EXPIRED)
    def expire(self) -> None:
        pass


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    ownership = models.CharField(max_length=5, choices=Ownership.choices)
    cycle = models.CharField(max_length=2, choices=BillingCycle.choices, blank=True)
    unit_price = MoneyField()
    currency = models.CharField(max_length=3)

    objects = ScopedManager(partner="quote__partner")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=999), name="quote_line_quantity_range"
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quote_line_price_not_negative"),
            models.CheckConstraint(
                condition=Q(ownership="capex", cycle="") | Q(ownership="hwaas", cycle__in=["1m", "1y", "5y"]),
                name="quote_line_cycle_matches_ownership",
            ),
        ]

    @property
    def line_total(self):
        return line_amount(unit_price=self.unit_price, quantity=self.quantity)

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class TransitionMethod(models.TextChoices):
    PARTNER = "partner", "By the partner"
    SIGNED = "signed", "Signed by the customer"
    SKIPPED = "skipped", "Signing skipped by the partner"
    DECLINED = "declined", "Declined by the customer"
    SYSTEM = "system", "System"
    STAFF = "staff", "Vendor staff"


class QuoteTransition(models.Model):
    """The quote's timeline: every stage change, who made it, when and how."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=16, choices=QuoteStage.choices)
    to_stage = models.CharField(max_length=16, choices=QuoteStage.choices)
    method = models.CharField(max_length=16, choices=TransitionMethod.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=255, blank=True)

    objects = ScopedManager(partner="quote__partner")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class QuoteSignature(models.Model):
    """The customer's acceptance: who, when, from where, and the hash of the PDF they were shown."""

    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="signature")
    version = models.PositiveIntegerField()
    signer_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    pdf_sha256 = models.CharField(max_length=64)

    objects = ScopedManager(partner="quote__partner")

    def __str__(self) -> str:
        return f"{self.signer_name} @ {self.signed_at:%Y-%m-%d}"
