"""Forms of the quote pages and the customer's signing page."""

from django import forms

from devices.models import Ownership, Product
from quotes.models import AdditionalConfiguration, QuoteStage
from quotes.services.lines import QUANTITY_MAX, QUANTITY_MIN


class QuoteHeaderForm(forms.Form):
    additional_configuration = forms.ChoiceField(
        label="Additional Configuration", choices=AdditionalConfiguration.choices,
        initial=AdditionalConfiguration.ADDITIONAL_ITEMS, widget=forms.Select(attrs={"class": "slds-select"}),
    )

    def __init__(self, *args, locked: bool = False, **kwargs):
        """Lock the configuration on edit: a disabled field is not submitted, so it keeps its initial value."""
        super().__init__(*args, **kwargs)
        self.fields["additional_configuration"].disabled = locked


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.name} ({obj.sku})"


class QuantityField(forms.IntegerField):
    """An integer written in ASCII digits: `int()` would read "٣" as 3, which no partner meant to type."""

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class QuoteLineForm(forms.Form):
    product = ProductChoiceField(queryset=Product.objects.filter(is_active=True).order_by("name"),
                                 empty_label="Choose a product…", widget=forms.Select(attrs={"class": "slds-select"}))
    quantity = QuantityField(min_value=QUANTITY_MIN, max_value=QUANTITY_MAX, initial=1,
                                  widget=forms.NumberInput(attrs={"class": "slds-input portal-qty"}))
    ownership = forms.ChoiceField(choices=Ownership.choices, initial=Ownership.HWAAS,
                                  widget=forms.Select(attrs={"class": "slds-select"}))


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, extra=0, can_delete=True, max_num=50, absolute_max=50)


class QuoteFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    stage = forms.ChoiceField(required=False, choices=[("", "All stages"), *QuoteStage.choices])


class SignForm(forms.Form):
    signer_name = forms.CharField(label="Your full name", max_length=200)
    accept = forms.BooleanField(label="I accept this proposal", required=True)
    pdf_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class DeclineForm(forms.Form):
    signer_name = forms.CharField(label="Your name (optional)", max_length=200, required=False)
