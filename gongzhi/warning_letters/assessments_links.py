"""The warning letters and the assessments, each feeding the other (issue 13 items 1 and 5), from
this app since it sits above the assessments:

- the assessments' figure `warnings.letters`: the warning letters sent to the assessed organisation
  in the period (events, for a deductions indicator), each linked;
- the trigger `assessments.failed`: a published assessment in a failing band drafts a letter to the
  assessed organisation (a property company for a contract), once per assessment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.assessments import sources
from gongzhi.assessments.models import Assessment, Cycle
from gongzhi.assessments.workflow import CycleState

from .models import Letter
from .services import Cause
from .triggers import FOUR, Trigger, register
from .workflow import LetterState

NOT_SENT = (LetterState.DRAFT, LetterState.DISCARDED)


def letters_in(subject: sources.Subject, period: sources.Period):
    """The letters sent in the period to the subject's organisation (for a contract's property
    service: to the company, about that compound or about none; for a compound: to any
    organisation, about that compound)."""
    rows = Letter.objects.filter(
        town_id=subject.town_id, sent_at__date__gte=period.start, sent_at__date__lte=period.end
    )
    rows = rows.exclude(state__in=NOT_SENT)
    if subject.organization is not None:
        rows = rows.filter(addressee=subject.organization)
        if subject.contract is not None:
            rows = rows.filter(Q(compound__isnull=True) | Q(compound_id=subject.contract.compound_id))
    else:
        rows = rows.filter(compound__in=subject.compounds)
    return rows.order_by("sent_at", "pk")


def _letters_figure(subject: sources.Subject, period: sources.Period) -> sources.Figure:
    letters = list(letters_in(subject, period))
    text = _("%(n)s warning letters sent in the period") % {"n": len(letters)}
    records = [
        (f"{letter.number_label} · {letter.get_level_display()}", letter.get_absolute_url()) for letter in letters
    ]
    return sources.Figure(Decimal(len(letters)), len(letters), None, text, reverse("warnings:home"), records)


sources.register(
    sources.Source("warnings.letters", gettext_lazy("Warning letters received (events)"), "events", _letters_figure)
)


def failed_assessments(town, settings, today: date) -> list[Cause]:
    """A published assessment of one of the four parties in a failing band, published in the
    look-back window: one cause per assessment, to the assessed organisation."""
    since = today - timedelta(days=settings.lookback_days)
    cycles = Cycle.objects.filter(town=town, state=CycleState.PUBLISHED, published_at__date__gte=since)
    rows = (
        Assessment.objects.filter(cycle__in=cycles, fails=True, organization__kind__in=FOUR)
        .select_related("cycle", "organization", "compound")
        .order_by("cycle__published_at", "pk")
    )
    return [
        Cause(
            trigger="assessments.failed",
            key=f"assessments.failed:{a.uid}",
            addressee=a.organization,
            text=_("Your organisation failed the assessment %(cycle)s: %(score)s points, %(grade)s.")
            % {"cycle": a.cycle, "score": a.total, "grade": a.band},
            url=reverse("assessments:assessment", args=[a.uid]),
            compound=a.compound or (a.contract.compound if a.contract_id else None),
        )
        for a in rows
    ]


register(Trigger("assessments.failed", gettext_lazy("Failed assessment"), failed_assessments))
