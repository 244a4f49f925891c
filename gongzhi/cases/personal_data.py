"""What the cases hold about a user, for their page "My personal data" and its download
(gongzhi.accounts.personal_data): the reports they made, with their messages and their answers.

A report is theirs by the same rule as "My reports" and the reporter's actions
(`services.access.is_reporter`): made while signed in with the account, or carrying the account's
mobile number — which includes the reports staff entered for them from a call, a visit or a
walk-in, and those made by QR code before the account existed."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.personal_data import Section, choice

from .models import Case, CaseMessage


def reports_of(user):
    mine = Q(reporter_user=user)
    if user.phone:  # never match the cases that have no number recorded
        mine |= Q(reporter_phone=user.phone)
    return Case.objects.filter(mine)


def _cases(user) -> list[dict]:
    written = CaseMessage.objects.filter(Q(author=user) | Q(author__isnull=True, from_resident=True)).order_by(
        "created_at", "pk"
    )
    cases = (
        reports_of(user)
        .select_related("compound", "building", "unit", "category")
        .annotate(photo_count=Count("photos", distinct=True))
        .prefetch_related(Prefetch("messages", queryset=written, to_attr="written"))
        .order_by("-submitted_at", "-pk")
    )
    return [
        {
            "number": case.number,
            "category": case.category.name,
            "description": case.description,
            "place": case.place_label,
            "channel": choice(case, "channel"),
            "urgency": choice(case, "urgency"),
            "state": choice(case, "state"),
            "submitted_at": case.submitted_at,
            "accepted_at": case.accepted_at,
            "resolved_at": case.resolved_at,
            "closed_at": case.closed_at,
            "resolution": case.resolution,
            "reporter_name": case.reporter_name,
            "reporter_mobile_number": case.reporter_phone,
            "identity_hidden_from_handler": case.hide_identity,
            "made_with_this_account": case.reporter_user_id == user.pk,
            "entered_by_staff": case.entered_by_id is not None and case.entered_by_id != user.pk,
            "photos": case.photo_count,
            "messages": [{"sent_at": m.created_at, "text": m.text} for m in case.written],
            "feedback": (
                {
                    "fixed": case.fixed,
                    "rating": choice(case, "rating"),
                    "comment": case.feedback_comment,
                    "given_at": case.feedback_at,
                    "given_by": choice(case, "feedback_source"),
                }
                if case.feedback_at
                else None
            ),
        }
        for case in cases
    ]


SECTIONS = (
    Section(
        50,
        "cases",
        _("Reports"),
        _cases,
        "cases/personal_data/cases.html",
        empty=_("You have not reported any problem."),
        covers=("cases.case.reporter_user", "cases.case.reporter_phone", "cases.casemessage.author"),
        note=_(
            "Reports that staff entered for you from a call, a visit or a walk-in are listed when they carry your mobile number."
        ),
    ),
)

NOT_INCLUDED = {
    "cases.case.entered_by": "The staff member who entered a report; the report itself is listed (entered_by_staff).",
    "cases.visit.visitor": (
        "Work record of a household visit, tied to a unit (not to a person): the notes describe the household, "
        "which may be several people; residents ask the residents' committee."
    ),
    "cases.agendaproposal.proposed_by": "Work record: the staff member who proposed a hotspot for the joint meeting.",
}
