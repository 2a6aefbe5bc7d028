"""Staff face for partners, their users, their customers and the customers' PBXs."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import Account, Partner, Pbx, User


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "currency", "tax_rate", "timezone", "created_at"]
    list_filter = ["country", "currency"]
    search_fields = ["name", "code", "vat_number"]
    ordering = ["name"]


class PartnerRoleFormMixin:
    def clean(self):
        cleaned = super().clean()
        # Mirrors the database constraint so staff get a form error instead of a crash.
        if cleaned.get("partner") and not cleaned.get("role"):
            self.add_error("role", "A partner user needs a role.")
        if not cleaned.get("partner") and cleaned.get("role"):
            self.add_error("role", "Vendor staff (no partner) have no role.")
        return cleaned


class UserAdminChangeForm(PartnerRoleFormMixin, UserChangeForm):
    pass


class UserAdminCreationForm(PartnerRoleFormMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Partner", {"fields": ["partner", "role"], "description": "Empty for vendor staff."}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("Partner", {"fields": ["partner", "role"], "description": "Empty for vendor staff."}),
    ]
    list_display = ["username", "email", "partner", "role", "is_staff", "is_active", "last_login"]
    list_filter = ["partner", "role", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "partner__name", "partner__code"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


class PbxInline(admin.TabularInline):
    """The account's PBXs at a glance; they are edited on their own page."""

    model = Pbx
    fields = ["serial", "cycle", "period_start", "period_end", "has_active_subscriptions"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    ordering = ["-has_active_subscriptions", "serial"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "contact_name", "contact_email", "city", "created_at"]
    list_filter = ["partner"]
    search_fields = ["name", "contact_name", "contact_email", "city", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    inlines = [PbxInline]

    def get_readonly_fields(self, request, obj=None):
        # An account's devices, subscriptions and documents belong to its partner: it never changes hands.
        return ["partner"] if obj is not None else []


class PbxAdminForm(forms.ModelForm):
    # No Meta here: the admin builds the form per request, inside its unscoped view, since building
    # the account field at import would query the partner-scoped Account table.

    def clean(self):
        cleaned = super().clean()
        account = cleaned.get("account")
        if self.instance.pk and account and account.partner_id != self.instance.partner_id:
            self.add_error("account", "The PBX must stay with an account of the same partner.")
        return cleaned


@admin.register(Pbx)
class PbxAdmin(admin.ModelAdmin):
    form = PbxAdminForm
    list_display = ["serial", "account", "partner", "cycle", "period_start", "period_end", "has_active_subscriptions"]
    list_filter = ["cycle", "has_active_subscriptions", "partner"]
    search_fields = ["serial", "account__name"]
    list_select_related = ["account", "partner"]
    autocomplete_fields = ["account"]
    readonly_fields = ["partner"]
    fields = ["partner", "account", "serial", "cycle", "period_start", "period_end", "has_active_subscriptions"]

    def save_model(self, request, obj, form, change):
        # A PBX belongs to its account's partner (tenancy is carried on every row).
        obj.partner = obj.account.partner
        super().save_model(request, obj, form, change)
