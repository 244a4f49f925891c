"""Pages of the written notices: the staff list, drafting and publishing, opinions and replies,
the printable poster with its QR code, and the public page residents open on their phones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.actions import Action, attempt, run_action
from gongzhi.core.pages import paginate, serve_private_file, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.meetings.models import Resolution
from gongzhi.orgs.models import Membership, Residency
from gongzhi.places.models import Neighborhood, Unit

from . import services
from .forms import NoticeEditForm, NoticeForm, OpinionForm, PublishForm, ReplyForm
from .models import Notice, NoticeAttachment, NoticeState, Opinion
from .poster import notice_poster_pdf

BADGES = {
    NoticeState.DRAFT: "text-bg-secondary",
    NoticeState.PUBLISHED: "text-bg-primary",
    NoticeState.CLOSED: "text-bg-info",
    NoticeState.SUMMARISED: "text-bg-success",
}


def _notice(request, uid) -> Notice:
    return get_object_or_404(
        Notice.objects.for_user(request.user).select_related("neighborhood", "responsible", "resolution"), uid=uid
    )


def _writable_neighborhoods(request, resolution: Resolution | None):
    area = get_scope(request.user).area("meetings.chair")
    q = Q(pk__in=[])
    if area.everything:
        q = Q()
    else:
        q |= Q(town_id__in=area.towns) | Q(pk__in=area.neighborhoods)
    if (
        resolution is not None
        and Membership.objects.filter(person__user=request.user, organization_id=resolution.lead_id).active().exists()
    ):
        q |= Q(pk=resolution.neighborhood_id)
    return Neighborhood.objects.filter(q).order_by("code")


@requires("meetings.view")
def notice_list(request):
    notices = (
        Notice.objects.for_user(request.user).select_related("neighborhood").annotate(opinion_count=Count("opinions"))
    )
    page = paginate(request, notices.order_by("-created_at"))
    for n in page:
        n.badge = BADGES.get(n.state)
    return render(
        request,
        "notices/notice_list.html",
        {"nav": "notices", "page_obj": page, "may_write": _writable_neighborhoods(request, None).exists()},
    )


@requires("meetings.view")
def notice_new(request):
    resolution = None
    if request.GET.get("resolution"):
        resolution = get_object_or_404(  # a joint meeting's resolution (a congress's task has no notice)
            Resolution.objects.for_user(request.user).filter(item__isnull=False), uid=request.GET["resolution"]
        )
    neighborhoods = _writable_neighborhoods(request, resolution)
    if not neighborhoods.exists():
        raise Http404
    initial = {}
    if resolution is not None:
        initial = {
            "neighborhood": resolution.neighborhood.uid,
            "title": resolution.item.title,
            "body": resolution.text,
            "responsible": resolution.lead.uid,
            "compounds": [resolution.item.compound.uid] if resolution.item.compound_id else [],
        }
    form = NoticeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        neighborhoods=neighborhoods,
        initial=initial,
    )
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.create_notice(
                actor=request.user,
                neighborhood=form.cleaned_data["neighborhood"],
                compounds=list(form.cleaned_data["compounds"]),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                responsible=form.cleaned_data["responsible"],
                closes_on=form.cleaned_data["closes_on"],
                resolution=resolution,
                files=form.cleaned_data["files"],
            ),
            done=_("Notice drafted. Check it, then publish it."),
            to=lambda notice: notice,
        )
        if response is not None:
            return response
    return render(
        request,
        "notices/notice_form.html",
        {"nav": "notices", "form": form, "resolution": resolution},
        status=400 if request.method == "POST" else 200,
    )


@requires("meetings.view")
def notice_edit(request, uid):
    """The draft, edited by those who may write it; the page is not offered to anyone else."""
    notice = _notice(request, uid)
    if notice.state != NoticeState.DRAFT or not services.may_write(
        request.user, notice.neighborhood, notice.resolution
    ):
        raise Http404
    form = NoticeEditForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        notice=notice,
    )
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.update_notice(
                actor=request.user,
                notice=notice,
                compounds=list(form.cleaned_data["compounds"]),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                responsible=form.cleaned_data["responsible"],
                closes_on=form.cleaned_data["closes_on"],
                files=form.cleaned_data["files"],
                remove_files=list(form.cleaned_data.get("remove_files") or []),
                expected_version=form.cleaned_data["version"],
            ),
            done=_("Draft saved."),
            to=lambda n: n,
        )
        if response is not None:
            return response
    return render(
        request,
        "notices/notice_form.html",
        {"nav": "notices", "form": form, "resolution": notice.resolution, "notice": notice},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request, notice: Notice, bound: dict | None = None) -> dict:
    bound = bound or {}
    may_write = services.may_write(request.user, notice.neighborhood, notice.resolution)
    may_reply = notice.state != NoticeState.SUMMARISED and services.may_reply(request.user, notice)
    opinions = list(notice.opinions.select_related("unit__building", "unit__compound"))
    for opinion in opinions:
        opinion.label = opinion_label(opinion)
        if may_reply:
            opinion.form = bound.get(opinion.pk) or ReplyForm(
                initial={"version": opinion.version, "reply": opinion.reply}, prefix=opinion.uid
            )
    ctx = {
        "nav": "notices",
        "notice": notice,
        "badge": BADGES.get(notice.state),
        "compounds": list(notice.compounds.all()),
        "attachments": list(notice.attachments.all()),
        "opinions": opinions,
        "public_url": request.build_absolute_uri(notice.public_url()),
        **timeline_context(request, notice),
    }
    if may_write and notice.state == NoticeState.DRAFT:
        ctx["edit_url"] = reverse("notices:edit", args=[notice.uid])
        ctx["publish_form"] = bound.get("publish") or PublishForm(
            initial={
                "version": notice.version,
                "closes_on": timezone.localdate() + timedelta(days=notice.comment_days),
            }
        )
    return ctx


@requires("meetings.view")
def notice_detail(request, uid):
    return render(request, "notices/notice_detail.html", _detail_context(request, _notice(request, uid)))


@dataclass(frozen=True)
class _On:
    user: object
    notice: Notice
    opinion: Opinion | None = None


def _writer(on: _On) -> bool:
    return services.may_write(on.user, on.notice.neighborhood, on.notice.resolution)


def _replier(on: _On) -> bool:
    return services.may_reply(on.user, on.notice)


PUBLISH = Action(
    form=lambda on, data, files: PublishForm(data),
    call=lambda on, form: services.publish_notice(
        actor=on.user,
        notice=on.notice,
        closes_on=form.cleaned_data["closes_on"],
        expected_version=form.cleaned_data["version"],
    ),
    done=gettext_lazy("Notice published; the compounds' residents are told."),
    allowed=_writer,
)
REPLY = Action(
    form=lambda on, data, files: ReplyForm(data, prefix=on.opinion.uid),
    call=lambda on, form: services.reply_to_opinion(
        actor=on.user,
        opinion=on.opinion,
        text=form.cleaned_data["reply"],
        expected_version=form.cleaned_data["version"],
    ),
    done=gettext_lazy("Reply saved; the resident is told."),
    allowed=_replier,
    to=lambda on, opinion: f"{on.notice.get_absolute_url()}#opinion-{on.opinion.uid}",
)
NOTICE_ACTIONS = {"publish": PUBLISH, "reply": REPLY}


def _notice_act(request, key: str, on: _On):
    """Run a notice's action; a refused one shows the notice's page again with the form as sent,
    bound in the place of the publish form or of the opinion's reply form."""

    def page(key, form):
        messages.error(request, _("Nothing was saved: see the form below."))
        bound = {on.opinion.pk if key == "reply" else key: form}
        context = _detail_context(request, on.notice, bound)
        return render(request, "notices/notice_detail.html", context, status=400)

    return run_action(request, NOTICE_ACTIONS, key, on, back=on.notice, page=page)


@require_POST
@requires("meetings.view")
def publish(request, uid):
    return _notice_act(request, "publish", _On(user=request.user, notice=_notice(request, uid)))


@require_POST
@requires("meetings.view")
def reply(request, uid, opinion_uid):
    notice = _notice(request, uid)
    opinion = get_object_or_404(notice.opinions.all(), uid=opinion_uid)
    return _notice_act(request, "reply", _On(user=request.user, notice=notice, opinion=opinion))


@requires("meetings.view")
def poster(request, uid):

    notice = _notice(request, uid)
    if notice.state == NoticeState.DRAFT:
        raise Http404
    response = HttpResponse(notice_poster_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.uid}.pdf"'
    return response


# --- the public page ------------------------------------------------------------------------


def _public_notice(uid) -> Notice:
    return get_object_or_404(Notice.objects.public().select_related("neighborhood", "responsible", "town"), uid=uid)


def _resident_units(user, notice: Notice):
    if not user.is_authenticated:
        return Unit.objects.none()
    return (
        Unit.objects.filter(
            compound__in=notice.compounds.all(),
            residencies__person__user=user,
            residencies__status=Residency.Status.VERIFIED,  # a claim alone does not speak for a household
        )
        .select_related("building", "compound")
        .distinct()
    )


@login_not_required
def public(request, uid):
    """The notice as residents read it, with the opinions and replies; residents of its compounds
    give their opinion while the comment period runs."""
    notice = _public_notice(uid)
    here = notice.public_url()
    units = _resident_units(request.user, notice)
    is_open = notice.state == NoticeState.PUBLISHED and notice.closes_at and timezone.now() < notice.closes_at
    form = None
    if is_open and units.exists():
        form = OpinionForm(request.POST if request.method == "POST" else None, units=units)
        if request.method == "POST":
            response = attempt(
                request,
                form,
                lambda: services.submit_opinion(
                    actor=request.user, notice=notice, unit=form.cleaned_data["unit"], text=form.cleaned_data["text"]
                ),
                done=_("Thank you: your opinion is recorded; the reply will appear here."),
                to=f"{here}#opinions",
            )
            if response is not None:
                return response
    elif request.method == "POST":
        if not is_open:
            messages.error(request, _("The comment period of this notice has ended."))
        elif not request.user.is_authenticated:
            return redirect(reverse("accounts:phone_login") + "?" + urlencode({"next": here}))
        else:
            messages.error(
                request,
                _(
                    "Opinions are given by residents registered at a unit of the compound. Ask the residents' "
                    "committee to register you, or claim your unit with the compound's invite code."
                ),
            )
        return redirect(here)
    opinions = list(notice.opinions.select_related("unit__building", "unit__compound"))
    for opinion in opinions:
        opinion.label = opinion_label(opinion)
    return render(
        request,
        "notices/public.html",
        {
            "notice": notice,
            "compounds": list(notice.compounds.all()),
            "attachments": list(notice.attachments.all()),
            "opinions": opinions,
            "form": form,
            "is_open": is_open,
            "sign_in_url": reverse("accounts:phone_login") + "?" + urlencode({"next": here}),
            "not_resident": request.user.is_authenticated and form is None and is_open,
            "claim_waiting": request.user.is_authenticated
            and form is None
            and Residency.objects.filter(
                person__user=request.user, unit__compound__in=notice.compounds.all(), status=Residency.Status.CLAIMED
            ).exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
def public_file(request, uid, file_uid):
    notice = _public_notice(uid)
    attachment = get_object_or_404(NoticeAttachment.objects.filter(notice=notice), uid=file_uid)
    return serve_private_file(attachment.file, attachment.name)


def opinion_label(opinion: Opinion) -> str:
    """How an opinion's author is shown publicly: the building only, never the unit or name."""
    building = opinion.unit.building.number if opinion.unit.building_id else ""
    return _("A resident of %(compound)s %(building)s") % {"compound": opinion.unit.compound.name, "building": building}
