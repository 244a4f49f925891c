"""Every write of the written notices (R-MTG-6): drafting, publishing to the compounds' residents,
residents' opinions (rate-limited), the responsible organisation's replies, and — at the end of
the comment period — the summary of opinions and replies onto the next joint meeting's agenda."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.uploads import clean_files
from gongzhi.core.workflow import lock
from gongzhi.meetings.models import AgendaItem, Meeting, Resolution
from gongzhi.meetings.services import chairs_neighborhood
from gongzhi.meetings.workflow import MeetingState
from gongzhi.notifications.services import Message, notify_many, users_of
from gongzhi.orgs.models import Membership, Organization, Residency
from gongzhi.orgs.pickers import serving
from gongzhi.places.models import Compound, Neighborhood, Unit

from .models import Notice, NoticeAttachment, Opinion
from .workflow import NOTICE_WORKFLOW, NoticeAction, NoticeState

OPINIONS_PER_DAY = 5  # per resident and notice: enough to add to one's opinion, not to flood
OPINIONS_PER_DAY_ALL = 20  # per resident over all notices


def _member_of(user, organization_id: int) -> bool:
    return Membership.objects.filter(person__user=user, organization_id=organization_id).active().exists()


def may_write(user, neighborhood: Neighborhood, resolution: Resolution | None = None) -> bool:
    """Who drafts and publishes notices: the neighborhood's chair side (party organisation, the
    office), or the organisation leading the resolution the notice announces."""
    if chairs_neighborhood(user, neighborhood):
        return True
    return resolution is not None and _member_of(user, resolution.lead_id)


def may_reply(user, notice: Notice) -> bool:
    """The responsible organisation replies to opinions (and those who write notices)."""
    return _member_of(user, notice.responsible_id) or chairs_neighborhood(user, notice.neighborhood)


def _check(
    *,
    neighborhood: Neighborhood,
    compounds: Sequence[Compound],
    title: str,
    body: str,
    responsible: Organization | None,
    closes_on: date | None,
) -> None:
    errors = {}
    if not (title or "").strip() or len(title) > 100:
        errors["title"] = _("Give the notice a title of 1 to 100 characters.")
    if not (body or "").strip():
        errors["body"] = _("Write the notice.")
    elif len(body) > 20000:
        errors["body"] = _("The notice is at most 20,000 characters.")
    if not compounds:
        errors["compounds"] = _("Choose the compounds whose residents are notified.")
    elif any(c.neighborhood_id != neighborhood.pk for c in compounds):
        errors["compounds"] = _("Choose compounds of this neighborhood.")
    if responsible is None or responsible.town_id != neighborhood.town_id:
        errors["responsible"] = _("Choose the organisation that replies to residents.")
    elif compounds and not serving(neighborhood.town_id, [c.pk for c in compounds]).filter(pk=responsible.pk).exists():
        errors["responsible"] = _(
            "Choose an organisation that serves the notified compounds (or a government unit) to reply."
        )
    today = timezone.localdate()
    if closes_on is None:
        errors["closes_on"] = _("Give the last day for comments.")
    elif closes_on <= today:
        errors["closes_on"] = _("The comment period must end after today: this one has already ended.")
    elif closes_on > today + timedelta(days=60):
        errors["closes_on"] = _("The comment period is at most 60 days.")
    if errors:
        raise ValidationError(errors)


def _attach(notice: Notice, clean) -> None:
    for c in clean:
        attachment = NoticeAttachment(notice=notice, name=c.name, size=c.size)
        attachment.file.save(c.name, ContentFile(c.content), save=False)
        attachment.save()


def create_notice(
    *,
    actor,
    neighborhood: Neighborhood,
    compounds: Sequence[Compound],
    title: str,
    body: str,
    responsible: Organization | None,
    closes_on: date | None,
    resolution: Resolution | None = None,
    files: Sequence = (),
) -> Notice:
    """A draft notice; published with publish_notice."""
    _check(
        neighborhood=neighborhood,
        compounds=compounds,
        title=title,
        body=body,
        responsible=responsible,
        closes_on=closes_on,
    )
    if resolution is not None and resolution.neighborhood_id != neighborhood.pk:
        raise ValidationError(_("The resolution is of another neighborhood."))
    if not may_write(actor, neighborhood, resolution):
        raise PermissionDenied(_("Only the party organisation, the office or the lead organisation writes notices."))
    clean = clean_files(files)
    with transaction.atomic():
        notice = Notice.objects.create(
            town_id=neighborhood.town_id,
            neighborhood=neighborhood,
            title=title.strip(),
            body=body.strip(),
            responsible=responsible,
            comment_days=(closes_on - timezone.localdate()).days,
            resolution=resolution,
            created_by=actor,
        )
        notice.compounds.set(compounds)
        _attach(notice, clean)
        audit.record(
            actor,
            "notices.notice.create",
            notice,
            after={
                "title": notice.title,
                # Relations as ids: the history shows them by name (core.audit_display).
                "compounds": [c.pk for c in compounds],
                "responsible": responsible.pk,
                "closes_on": closes_on,
                "resolution": resolution.pk if resolution else None,
                "files": len(clean),
            },
        )
    return notice


def update_notice(
    *,
    actor,
    notice: Notice,
    compounds: Sequence[Compound],
    title: str,
    body: str,
    responsible: Organization | None,
    closes_on: date | None,
    files: Sequence = (),
    remove_files: Sequence[NoticeAttachment] = (),
    expected_version: int,
) -> Notice:
    """Change a draft before it is published: its text, compounds, replying organisation, comment
    period and attachments (files added, attachments removed). Only what changed is recorded."""
    _check(
        neighborhood=notice.neighborhood,
        compounds=compounds,
        title=title,
        body=body,
        responsible=responsible,
        closes_on=closes_on,
    )
    clean = clean_files(files)
    with transaction.atomic():
        current = _locked(notice, expected_version)
        if not may_write(actor, current.neighborhood, current.resolution):
            raise PermissionDenied(
                _("Only the party organisation, the office or the lead organisation writes notices.")
            )
        if not NOTICE_WORKFLOW.allows(NoticeAction.EDIT, current.state):
            raise ValidationError(_("A published notice can no longer be edited."))
        fields = {
            "title": title.strip(),
            "body": body.strip(),
            "responsible_id": responsible.pk,
            "comment_days": (closes_on - timezone.localdate()).days,
        }
        before = {k: getattr(current, k) for k, v in fields.items() if getattr(current, k) != v}
        after = {k: fields[k] for k in before}
        old_compounds = sorted(current.compounds.values_list("pk", flat=True))
        new_compounds = sorted(c.pk for c in compounds)
        if old_compounds != new_compounds:
            before["compounds"], after["compounds"] = old_compounds, new_compounds
            current.compounds.set(compounds)
        removed = [a for a in remove_files if a.notice_id == current.pk]
        for attachment in removed:
            stored = attachment.file.name
            attachment.delete()
            transaction.on_commit(lambda stored=stored: NoticeAttachment.file.field.storage.delete(stored))
        _attach(current, clean)
        if removed:
            after["files_removed"] = [a.name for a in removed]
        if clean:
            after["files"] = len(clean)
        if not after:
            return current
        for key, value in fields.items():
            setattr(current, key, value)
        current.version += 1
        current.save(update_fields=[*fields, "version"])
        audit.record(
            actor,
            "notices.notice.update",
            current,
            before={k.removesuffix("_id"): v for k, v in before.items()},
            after={k.removesuffix("_id"): v for k, v in after.items()},
        )
    return current


def _locked(notice: Notice, expected_version: int) -> Notice:
    return lock(notice, expected_version=expected_version, related=("neighborhood", "resolution"))


def publish_notice(*, actor, notice: Notice, closes_on: date | None, expected_version: int) -> Notice:
    """Publish on the compounds' public pages and notify their residents (in the platform, and by
    SMS to the verified residents' numbers). Comments are taken until the end of `closes_on`."""
    today = timezone.localdate()
    if closes_on is None or closes_on <= today:
        raise ValidationError({"closes_on": _("The comment period must end after today: this one has already ended.")})
    if closes_on > today + timedelta(days=60):
        raise ValidationError({"closes_on": _("The comment period is at most 60 days.")})
    with transaction.atomic():
        current = _locked(notice, expected_version)
        if not may_write(actor, current.neighborhood, current.resolution):
            raise PermissionDenied(
                _("Only the party organisation, the office or the lead organisation writes notices.")
            )
        if not NOTICE_WORKFLOW.allows(NoticeAction.PUBLISH, current.state):
            raise ValidationError(_("This notice has been published already."))
        now = timezone.now()
        closes_at = timezone.make_aware(
            datetime.combine(closes_on + timedelta(days=1), time.min)
        )  # to the end of that day
        current.state, current.published_at, current.published_by = NoticeState.PUBLISHED, now, actor
        current.closes_at, current.comment_days = closes_at, (closes_on - today).days
        current.version += 1
        current.save(update_fields=["state", "published_at", "published_by", "closes_at", "comment_days", "version"])
        audit.record(
            actor,
            "notices.notice.publish",
            current,
            before={"state": NoticeState.DRAFT},
            after={"state": current.state, "closes_at": closes_at},
        )
        residencies = (
            Residency.objects.filter(unit__compound__in=current.compounds.all(), status=Residency.Status.VERIFIED)
            .select_related("person")
            .distinct()
        )
        text = _("Notice: %(title)s. Comments until %(until)s.") % {"title": current.title, "until": closes_on}
        url = current.public_url()
        seen: set[str] = set()
        messages = []
        for residency in residencies:
            person = residency.person
            key = person.phone or f"u{person.user_id}"
            if key in seen:
                continue
            seen.add(key)
            messages.append(
                Message(text=text, users=[person.user_id] if person.user_id else [], url=url, sms_phone=person.phone)
            )
        notify_many(messages)
    return current


def submit_opinion(*, actor, notice: Notice, unit: Unit | None, text: str) -> Opinion:
    """A resident's opinion: only while the comment period runs, only from a resident bound to a
    unit of one of the notice's compounds, and at most a few a day (comment floods refused)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your opinion.")})
    if len(text) > 2000:
        raise ValidationError({"text": _("At most 2,000 characters.")})
    with transaction.atomic():
        current = lock(notice, check_version=False)  # serialises the opinions; the notice is not edited
        now = timezone.now()
        allowed = NOTICE_WORKFLOW.allows(NoticeAction.COMMENT, current.state)
        if not allowed or current.closes_at is None or now >= current.closes_at:
            raise ValidationError(_("The comment period of this notice has ended."))
        bound_units = Unit.objects.filter(  # confirmed residents only: a claim alone is one person's word
            compound__in=current.compounds.all(),
            residencies__person__user=actor,
            residencies__status=Residency.Status.VERIFIED,
        ).distinct()
        if (
            unit is not None
            and Residency.objects.filter(unit=unit, person__user=actor, status=Residency.Status.CLAIMED).exists()
        ):
            raise ValidationError(
                {
                    "unit": _(
                        "Your claim to this unit waits for the residents' committee; once confirmed you can comment."
                    )
                }
            )
        if unit is None or not bound_units.filter(pk=unit.pk).exists():
            raise ValidationError(
                {"unit": _("Opinions are given by residents of the compound: choose the unit you are registered at.")}
            )
        day_ago = now - timedelta(days=1)
        mine = Opinion.objects.filter(author=actor, created_at__gte=day_ago)
        if mine.filter(notice=current).count() >= OPINIONS_PER_DAY or mine.count() >= OPINIONS_PER_DAY_ALL:
            raise ValidationError(_("You have given many opinions today; please try again tomorrow."))
        opinion = Opinion.objects.create(notice=current, author=actor, unit=unit, text=text, created_at=now)
        audit.record(actor, "notices.opinion.create", current, after={"opinion": opinion.pk, "unit": str(unit)})
        notify_many(
            [
                Message(
                    text=_("New opinion on the notice “%(title)s”.") % {"title": current.title},
                    users=users_of([current.responsible_id]),
                    url=current.get_absolute_url(),
                )
            ]
        )
    return opinion


def reply_to_opinion(*, actor, opinion: Opinion, text: str, expected_version: int) -> Opinion:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("Write the reply.")})
    if len(text) > 5000:
        raise ValidationError({"reply": _("At most 5,000 characters.")})
    with transaction.atomic():
        current = lock(opinion, expected_version=expected_version, related=("notice",))
        notice = current.notice
        if actor is not None and not may_reply(actor, notice):
            raise PermissionDenied(_("The responsible organisation replies."))
        if not NOTICE_WORKFLOW.allows(NoticeAction.REPLY, notice.state):
            raise ValidationError(_("The opinions have gone to the joint meeting; replies can no longer change."))
        before = {"reply": current.reply}
        current.reply, current.replied_by, current.replied_at = text, actor, timezone.now()
        current.version += 1
        current.save(update_fields=["reply", "replied_by", "replied_at", "version"])
        audit.record(
            actor, "notices.opinion.reply", notice, before=before, after={"opinion": current.pk, "reply": text}
        )
        notify_many(
            [
                Message(
                    text=_("Your opinion on “%(title)s” has a reply.") % {"title": notice.title},
                    users=[current.author_id],
                    url=notice.public_url(),
                )
            ]
        )
    return current


def _summary(notice: Notice) -> str:
    opinions = list(notice.opinions.select_related("unit__building"))
    lines = [
        _("%(count)d opinions from residents on the notice “%(title)s” (published %(published)s).")
        % {"count": len(opinions), "title": notice.title, "published": timezone.localtime(notice.published_at).date()}
    ]
    for number, opinion in enumerate(opinions, start=1):
        lines.append(f"{number}. {opinion.text}")
        lines.append("   " + (_("Reply: %(text)s") % {"text": opinion.reply} if opinion.reply else _("No reply yet.")))
    return "\n".join(lines)


def summarise_into(meeting: Meeting, actor=None) -> int:
    """Put the closed notices of the meeting's neighborhood onto its agenda, with their opinions
    and replies; returns how many."""
    if meeting.state not in MeetingState.PLANNED:
        return 0
    count = 0
    for notice in Notice.objects.select_for_update().filter(
        neighborhood_id=meeting.neighborhood_id, state=NoticeState.CLOSED, summary_item__isnull=True
    ):
        order = (meeting.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        item = AgendaItem.objects.create(
            town_id=meeting.town_id,
            meeting=meeting,
            order=order,
            source=AgendaItem.Source.NOTICE,
            title=_("Residents' opinions on the notice “%(title)s”") % {"title": notice.title},
            description=_summary(notice)[:5000],
            resolution=notice.resolution,
            added_by=actor,
        )
        notice.state, notice.summary_item = NOTICE_WORKFLOW.target(NoticeAction.SUMMARISE, notice.state), item
        notice.version += 1
        notice.save(update_fields=["state", "summary_item", "version"])
        audit.record(actor, "notices.notice.summarise", notice, after={"item": item.pk, "meeting": meeting.pk})
        count += 1
    return count


def sweep_notices(now: datetime | None = None) -> dict[str, int]:
    """Close notices whose comment period has ended and put them on the next planned meeting of
    their neighborhood (when one is scheduled; else the next scheduled meeting takes them).
    Idempotent."""
    now = now or timezone.now()
    closed = summarised = 0
    with transaction.atomic():
        for notice in Notice.objects.select_for_update().filter(state=NoticeState.PUBLISHED, closes_at__lte=now):
            notice.state = NOTICE_WORKFLOW.target(NoticeAction.CLOSE, notice.state)
            notice.version += 1
            notice.save(update_fields=["state", "version"])
            audit.record(None, "notices.notice.close", notice, after={"state": notice.state})
            closed += 1
    waiting = Notice.objects.filter(state=NoticeState.CLOSED, summary_item__isnull=True).values_list(
        "neighborhood_id", flat=True
    )
    for neighborhood_id in set(waiting):
        meeting = (
            Meeting.objects.filter(neighborhood_id=neighborhood_id, state__in=MeetingState.PLANNED)
            .order_by("starts_at")
            .first()
        )
        if meeting is not None:
            with transaction.atomic():
                summarised += summarise_into(meeting)
    return {"closed": closed, "summarised": summarised}
