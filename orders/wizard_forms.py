"""Forms of the Confirm Order wizard's pages (parsing only; the wizard service applies the rules)."""

from django import forms

from accounts.models import Pbx


class PbxStepForm(forms.Form):
    """Screen 1: the receiving PBX (only the account's eligible ones are offered) and an optional PO number."""

    pbx = forms.ModelChoiceField(queryset=Pbx.objects.none(), required=False, empty_label=None,
                                 label="PBX the devices go to")
    po_number = forms.CharField(max_length=64, required=False, label="PO number (optional)", strip=True)

    def __init__(self, *args, pbxs: list[Pbx], **kwargs):
        super().__init__(*args, **kwargs)
        # The queryset re-reads only these ids, inside the caller's partner scope.
        self.fields["pbx"].queryset = Pbx.objects.filter(pk__in=[p.pk for p in pbxs])
