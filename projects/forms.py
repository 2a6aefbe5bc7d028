"""Forms of the Change Order and project pages."""

from django import forms

from accounts.models import Account, Partner
from projects.models import ProjectStatus


class ChangeOrderForm(forms.Form):
    """Step 1 of the guide: the account that will receive the devices (only the partner's own)."""

    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), label="Account Name", widget=forms.RadioSelect,
        error_messages={"required": "Choose the account that will receive the devices.",
                        "invalid_choice": "Choose one of your accounts."},
    )

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(partner=partner)


class ProjectFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "All statuses"), *ProjectStatus.choices])
