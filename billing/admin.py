"""Staff face for prices, subscriptions and credit notes.

Credit notes are read-only documents here: staff see status, due date, number and the PDF, find
overdue ones, and correct an issued note only by voiding it and reissuing (services do the work).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.models import Partner
from billing.models import CapexPrice, CreditNote, CreditNoteLine, CreditNoteStatus, HwaasPrice, Subscription
from billing.services.credit_notes import credit_note_reissue, credit_note_void, credit_notes_enqueue_issue
from core.clock import partner_today
from core.errors import ApplicationError


@admin.register(HwaasPrice)
class HwaasPriceAdmin(admin.ModelAdmin):
    list_display = ["product", "variant_sku", "cycle", "price", "currency"]
    list_filter = ["currency", "cycle"]
    search_fields = ["product__name", "product__sku"]
    list_select_related = ["product"]


@admin.register(CapexPrice)
class CapexPriceAdmin(admin.ModelAdmin):
    list_display = ["product", "price", "currency"]
    list_filter = ["currency"]
    search_fields = ["product__name", "product__sku"]
    list_select_related = ["product"]


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Subscriptions change only through transfers (billing.services.subscriptions)."""

    list_display = ["device", "account", "partner", "cycle", "period_price", "currency", "period_start",
                    "period_end", "commitment_end", "first_period_charge", "status"]
    list_filter = ["status", "cycle", "currency", "partner"]
    search_fields = ["device__serial", "account__name"]
    list_select_related = ["device", "account", "partner"]
    date_hierarchy = "started_on"


class CreditNoteLineInline(admin.TabularInline):
    model = CreditNoteLine
    extra = 0
    can_delete = False
    fields = ["serial", "product_name", "period_start", "period_end", "credited_from", "credited_days",
              "period_days", "period_price", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _past_due() -> Q:
    """Scheduled and due before its partner's today: each partner on its own calendar, as the sweep judges."""
    past_due = Q(pk__in=[])
    for zone in Partner.objects.order_by().values_list("timezone", flat=True).distinct():
        past_due |= Q(partner__timezone=zone, due_date__lt=partner_today(Partner(timezone=zone)))
    return Q(status=CreditNoteStatus.SCHEDULED) & past_due


class OverdueFilter(admin.SimpleListFilter):
    """Notes still scheduled after their due date, or flagged by the sweep as issued late."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("pending", "Overdue, still scheduled"), ("flagged", "Flagged overdue (any status)")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(_past_due())
        if self.value() == "flagged":
            return queryset.filter(Q(overdue_flagged_at__isnull=False) | _past_due())
        return queryset


class CreditNoteActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason (void or reissue)", max_length=500)


class CreditNoteReissueForm(forms.Form):
    """Why the void note is reissued, and each line's corrected inputs (prefilled with what it stated)."""

    reason = forms.CharField(label="Reason for the correction", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)

    def __init__(self, *args, lines: list[CreditNoteLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            for name, field in (
                ("period_start", forms.DateField(label="Period start")),
                ("period_end", forms.DateField(label="Period end")),
                ("credited_from", forms.DateField(label="Credited from")),
                ("period_price", forms.DecimalField(label="Period price", max_digits=12, decimal_places=2,
                                                    min_value=0)),
            ):
                field.initial = getattr(line, name)
                self.fields[f"line_{line.pk}_{name}"] = field

    def line_rows(self):
        """Per line: the line and its bound fields, for the template's table."""
        names = ("period_start", "period_end", "credited_from", "period_price")
        return [(line, [self[f"line_{line.pk}_{name}"] for name in names]) for line in self.lines]

    def corrections(self) -> dict[int, dict]:
        """Only the inputs staff changed, per line id (what the service recomputes)."""
        changed: dict[int, dict] = {}
        for line in self.lines:
            for name in ("period_start", "period_end", "credited_from", "period_price"):
                value = self.cleaned_data[f"line_{line.pk}_{name}"]
                if value != getattr(line, name):
                    changed.setdefault(line.pk, {})[name] = value
        return changed


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    # Fits a 1366 px screen beside the sidebar and filters: overdue shows in the status column; the order and the
    # issue date are on the note's page (and the search finds an order number).
    list_display = ["__str__", "status_display", "partner", "giving_account", "due_date", "total_display", "pdf_link"]
    list_filter = ["status", OverdueFilter, "partner", "due_date"]
    search_fields = ["number", "giving_account__name", "order__number", "partner__name"]
    list_select_related = ["partner", "giving_account", "order"]
    date_hierarchy = "due_date"
    inlines = [CreditNoteLineInline]
    action_form = CreditNoteActionForm
    actions = ["void_selected", "reissue_selected", "issue_now"]
    readonly_fields = [
        "partner", "giving_account", "order", "status", "reason", "number", "currency", "tax_rate", "net", "tax",
        "total", "conversion_date", "due_date", "issue_date", "issued_at", "pdf_link", "pdf_sha256",
        "overdue_flagged_at", "emailed_at", "issue_attempts", "last_issue_error", "voided_at", "voided_by",
        "void_reason", "replaces", "correction_reason", "reissue_link", "created_at", "snapshot",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("<id:credit_note_id>/pdf/", self.admin_site.admin_view(self.pdf_view),
                 name="billing_creditnote_pdf"),
            path("<id:credit_note_id>/reissue/", self.admin_site.admin_view(self.reissue_view),
                 name="billing_creditnote_reissue"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, credit_note_id: int):
        """Staff download through the admin (login and staff status checked); documents have no public URL."""
        if not self.has_view_permission(request):
            raise Http404
        note = get_object_or_404(CreditNote, pk=credit_note_id)
        if not note.pdf:
            raise Http404("No PDF yet.")
        return FileResponse(note.document.open("rb"), content_type="application/pdf", filename=f"{note.number}.pdf")

    def reissue_view(self, request, credit_note_id: int):
        """Reissue a void note with corrected line inputs and a reason; the service recomputes the amounts."""
        if not self.has_view_permission(request):
            raise Http404
        note = get_object_or_404(CreditNote, pk=credit_note_id)
        lines = list(note.lines.order_by("serial", "id"))
        form = CreditNoteReissueForm(request.POST or None, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                new = credit_note_reissue(credit_note=note, user=request.user, reason=form.cleaned_data["reason"],
                                          corrections=form.corrections())
            except ApplicationError as error:
                self.message_user(request, f"{note}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{note} reissued as scheduled note #{new.pk}; it is being issued.",
                                  messages.SUCCESS)
                return redirect("admin:billing_creditnote_change", new.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "note": note, "form": form,
                   "title": f"Reissue {note}"}
        return TemplateResponse(request, "admin/billing/creditnote/reissue.html", context)

    @admin.display(description="Reissue")
    def reissue_link(self, obj: CreditNote):
        if obj.status != CreditNoteStatus.VOID or CreditNote.objects.filter(replaces=obj).exists():
            return "—"
        return format_html('<a href="{}">Reissue with corrections…</a>',
                           reverse("admin:billing_creditnote_reissue", args=[obj.pk]))

    @admin.display(description="PDF")
    def pdf_link(self, obj: CreditNote):
        if not obj.pdf:
            return "—"
        return format_html('<a href="{}" download="{}.pdf">PDF</a>',
                           reverse("admin:billing_creditnote_pdf", args=[obj.pk]), obj.number)

    @admin.display(description="Status", ordering="status")
    def status_display(self, obj: CreditNote) -> str:
        label = obj.get_status_display()
        return f"{label}, overdue" if self.overdue(obj) else label

    @admin.display(description="Total", ordering="total")
    def total_display(self, obj: CreditNote) -> str:
        return f"{obj.total} {obj.currency}"

    @admin.display(description="Overdue", boolean=True)
    def overdue(self, obj: CreditNote) -> bool:
        if obj.status == CreditNoteStatus.SCHEDULED:
            return obj.due_date < partner_today(obj.partner)
        return obj.overdue_flagged_at is not None

    @admin.action(description="Void selected issued credit notes (give a reason)")
    def void_selected(self, request, queryset):
        reason = request.POST.get("reason", "")
        for note in queryset.order_by("pk"):
            try:
                credit_note_void(credit_note=note, user=request.user, reason=reason)
            except ApplicationError as error:
                self.message_user(request, f"{note}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{note} voided.", messages.SUCCESS)

    @admin.action(description="Reissue selected void credit notes as they were (give a reason; new number)")
    def reissue_selected(self, request, queryset):
        reason = request.POST.get("reason", "")
        for note in queryset.order_by("pk"):
            try:
                new = credit_note_reissue(credit_note=note, user=request.user, reason=reason)
            except ApplicationError as error:
                self.message_user(request, f"{note}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{note} reissued as scheduled note #{new.pk}; it is being issued.",
                                  messages.SUCCESS)

    @admin.action(description="Issue selected scheduled credit notes now")
    def issue_now(self, request, queryset):
        # Rendering PDFs belongs to the worker: queue the issue, the sweep backs it up.
        ids = list(queryset.filter(status=CreditNoteStatus.SCHEDULED).values_list("pk", flat=True))
        credit_notes_enqueue_issue(credit_note_ids=ids)
        self.message_user(request, f"{len(ids)} credit note(s) queued for issuing.", messages.INFO)
