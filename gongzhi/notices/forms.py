"""Forms of the notice pages; the services check the rest."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.forms import DateInput, StyledForm
from gongzhi.core.uploads import FilesField
from gongzhi.orgs.models import Organization
from gongzhi.orgs.pickers import group_field, serving
from gongzhi.places.models import Compound, Neighborhood, Unit

from .models import NoticeAttachment

DEFAULT_DAYS = 7


class NoticeForm(StyledForm):
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood"), queryset=Neighborhood.objects.none(), to_field_name="uid", empty_label=None
    )
    compounds = forms.ModelMultipleChoiceField(
        label=_("Compounds notified"),
        queryset=Compound.objects.none(),
        to_field_name="uid",
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=100)
    body = forms.CharField(label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))
    responsible = forms.ModelChoiceField(
        label=_("Replies from"), queryset=Organization.objects.none(), to_field_name="uid"
    )
    closes_on = forms.DateField(
        label=_("Comments until"),
        widget=DateInput,
        help_text=_("Residents comment until the end of this day (7 days by default)."),
    )
    files = FilesField(label=_("Attachments"))

    def __init__(self, *args, neighborhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighborhood"].queryset = neighborhoods
        ids = list(neighborhoods.values_list("pk", flat=True))
        self.fields["compounds"].queryset = Compound.objects.filter(neighborhood_id__in=ids).order_by("code")
        compounds = Compound.objects.filter(neighborhood_id__in=ids)
        serving_them = Organization.objects.none()
        for town_id in set(neighborhoods.values_list("town_id", flat=True)):
            serving_them |= serving(town_id, compounds.values_list("pk", flat=True))
        group_field(self.fields["responsible"], serving_them, ids)
        self.fields["compounds"].widget.attrs = {}
        if not self.is_bound:
            self.fields["closes_on"].initial = timezone.localdate() + timedelta(days=DEFAULT_DAYS)


class NoticeEditForm(NoticeForm):
    """The draft's own fields (its neighborhood stays), the attachments to remove, and the version
    the writer started from."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    remove_files = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=NoticeAttachment.objects.none(),
        to_field_name="uid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data=None, files=None, *, notice, **kwargs):
        neighborhoods = Neighborhood.objects.filter(pk=notice.neighborhood_id)
        if data is None:
            kwargs["initial"] = {
                "title": notice.title,
                "body": notice.body,
                "responsible": notice.responsible.uid,
                "compounds": [c.uid for c in notice.compounds.all()],
                "closes_on": timezone.localdate() + timedelta(days=notice.comment_days),
                "version": notice.version,
            }
        super().__init__(data, files, neighborhoods=neighborhoods, **kwargs)
        del self.fields["neighborhood"]
        attachments = notice.attachments.all()
        if attachments:
            self.fields["remove_files"].queryset = attachments
            self.fields["remove_files"].widget.attrs = {}
        else:
            del self.fields["remove_files"]


class PublishForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closes_on = forms.DateField(label=_("Comments until"), widget=DateInput)


class OpinionForm(StyledForm):
    unit = forms.ModelChoiceField(
        label=_("Your unit"), queryset=Unit.objects.none(), to_field_name="uid", empty_label=None
    )
    text = forms.CharField(label=_("Your opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.select_related("compound", "building")
        self.fields["unit"].label_from_instance = lambda u: f"{u.compound.name} {u.building.number} {u.number}"


class ReplyForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reply = forms.CharField(label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
