from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution, InstitutionKind, Unit, UnitKind


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind of institution"),
        required=False,
        choices=[("", _("All kinds")), *InstitutionKind.choices],
    )


class UnitForm(forms.Form):
    """The fields an institution administrator edits; the service does the saving."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"), queryset=Unit.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Telephone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(
        self,
        *args: object,
        institution: Institution,
        exclude_unit: Unit | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        parents = Unit.objects.filter(institution=institution).order_by("name")
        if exclude_unit is not None:
            parents = parents.exclude(pk=exclude_unit.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
