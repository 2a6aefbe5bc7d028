"""Staff face for quotes: lines, the stage timeline and the signature read only; moves as actions."""

from django.contrib import admin, messages

from core.errors import ApplicationError
from quotes import services
from quotes.models import Quote, QuoteLine, QuoteSignature, QuoteTransition


class _ReadOnlyInline:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuoteLineInline(_ReadOnlyInline, admin.TabularInline):
    model = QuoteLine
    fields = ["product", "quantity", "ownership", "cycle", "unit_price", "currency"]
    readonly_fields = fields


class QuoteTransitionInline(_ReadOnlyInline, admin.TabularInline):
    """The timeline: every stage change, who made it and how."""

    model = QuoteTransition
    fields = ["at", "from_stage", "to_stage", "method", "by", "note"]
    readonly_fields = fields
    ordering = ["at", "id"]


class QuoteSignatureInline(_ReadOnlyInline, admin.StackedInline):
    model = QuoteSignature
    fields = ["signer_name", "signed_at", "version", "ip_address", "user_agent", "pdf_sha256"]
    readonly_fields = fields


def _move(modeladmin, request, queryset, service, done: str) -> None:
    moved = 0
    for quote in queryset.order_by("pk"):
        try:
            service(user=request.user, quote=quote)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{quote.number}: {exc.message}", level=messages.ERROR)
        else:
            moved += 1
    if moved:
        modeladmin.message_user(request, f"{moved} quote(s) {done}.", level=messages.SUCCESS)


@admin.action(description="Submit proposal (present)")
def submit_quotes(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, services.quote_submit, "submitted")


@admin.action(description="Accept without signature (creates the order)")
def accept_quotes(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, services.quote_accept_skip, "accepted")


@admin.action(description="Reject")
def reject_quotes(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, services.quote_reject, "rejected")


@admin.action(description="Revise (back to draft; old signing link dies)")
def revise_quotes(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, services.quote_revise, "revised")


@admin.action(description="Cancel")
def cancel_quotes(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, services.quote_cancel, "cancelled")


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["number", "partner", "account", "stage", "version", "valid_until", "accepted_at", "created_at"]
    list_filter = ["stage", "partner", "additional_configuration"]
    search_fields = ["number", "account__name", "project__title", "partner__name"]
    list_select_related = ["partner", "account"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "number", "partner", "project", "account", "pbx", "stage", "additional_configuration", "currency", "version",
        "presented_at", "valid_until", "accepted_at", "proposal_pdf", "proposal_pdf_sha256", "proposal_pdf_version",
        "signed_pdf", "created_by", "created_at", "updated_at",
    ]
    inlines = [QuoteLineInline, QuoteSignatureInline, QuoteTransitionInline]
    actions = [submit_quotes, accept_quotes, reject_quotes, revise_quotes, cancel_quotes]

    def has_add_permission(self, request):
        # Quotes are made by partners on a project; staff move them with the actions.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
