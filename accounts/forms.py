from django import forms
from django.contrib.auth.forms import AuthenticationForm


class PortalLoginForm(AuthenticationForm):
    """The community login card's form, with the design system's input classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "slds-input", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "slds-input", "autocomplete": "current-password"})


class AccountFilterForm(forms.Form):
    """Accounts list view: search box (name, contact, city)."""

    q = forms.CharField(required=False, max_length=100, label="Search accounts")
