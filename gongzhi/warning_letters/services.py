"""Every write of the warning letters (DESIGN.md convention 1): keyword-only, with the actor, in a
transaction, checked, audited once; a letter's row is locked at the version the user's page showed.

Drafts: `draft_by_hand` (the office), `draft_by_rule` (the triggers' sweep, gongzhi.warning_letters.triggers:
once per cause). The office: `approve_and_send` (numbers the letter, delivers it in the platform and
by SMS, writes the credit record of a property company's 警示函 or measures), `discard`, `verify`
(rectified → closed, or sent back with a new deadline), `escalate` (also the sweep, past the
deadline: a draft of the next level), `save_settings`, `save_template`. The addressee: `acknowledge`,
`answer` (with evidence). Nothing is ever sent without a person approving it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.town_settings import save_town_settings
from gongzhi.core.uploads import clean_files
from gongzhi.core.workdays import deadline_after
from gongzhi.core.workflow import MissingVersionError, lock
from gongzhi.credit.services import record_by_rule
from gongzhi.notifications.services import Message, notify_many
from gongzhi.orgs.models import Membership, Organization, ServiceContract

from . import credit_rules, letters
from .models import (
    LEVEL_ORDER,
    Evidence,
    Letter,
    LetterCounter,
    LetterTemplate,
    Level,
    Measure,
    WarningSettings,
    next_level,
)
from .workflow import HIDDEN_STATES, LETTER_WORKFLOW, LetterAction, LetterState

FOUR_PARTIES = set(Organization.FOUR_PARTIES)


@dataclass(frozen=True)
class Cause:
    """What a trigger found: one cause, about one organisation (gongzhi.warning_letters.triggers)."""

    trigger: str
    key: str
    addressee: Organization
    text: str
    url: str = ""
    compound: object = None


# --- Helpers ---------------------------------------------------------------------------------------


def _step(letter: Letter, action: str) -> str:
    to = LETTER_WORKFLOW.target(action, letter.state)
    if to is None:
        raise ValidationError(
            _("This letter is %(state)s: you cannot %(action)s it now.")
            % {"state": letter.get_state_display(), "action": str(LetterAction(action).label).lower()}
        )
    return to


def _ensure(actor, permission: str, letter: Letter) -> None:
    if actor is None:
        return
    if not Letter.objects.for_user(actor, permission).filter(pk=letter.pk).exists():
        raise PermissionDenied(f"{permission} not granted on warning letter {letter.pk}")


def may(actor, permission: str, letter: Letter) -> bool:
    return Letter.objects.for_user(actor, permission).filter(pk=letter.pk).exists()


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value[:2000]


def _places(addressee: Organization, compound=None) -> tuple:
    """(neighborhood, compound) the letter hangs off, for the inspection groups' coverage."""
    compound = compound or addressee.compound
    if compound is not None:
        return compound.neighborhood_id, compound.pk
    return addressee.neighborhood_id, None


def _check_measures(level: str, measures: Sequence[str]) -> list[str]:
    measures = [m for m in Measure.values if m in set(measures or ())]
    if level != Level.MEASURES:
        return []
    return measures


def _save(letter: Letter, fields: list[str]) -> None:
    letter.version += 1
    letter.save(update_fields=[*fields, "version", "updated_at"])


def quarter_start(day: date, back: int = 0) -> date:
    """The first day of the quarter `back` quarters before the one holding `day`."""
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, (index % 4) * 3 + 1, 1)


def repeat_of(town_id: int, addressee: Organization, trigger: str, today: date, settings: WarningSettings):
    """The last letter sent to `addressee` for the same trigger within the town's repeat window (this
    quarter and the N-1 before it), or None: the same problem again drafts the next level."""
    if settings.repeat_quarters < 1 or trigger == Letter.MANUAL:
        return None
    since = quarter_start(today, settings.repeat_quarters - 1)
    return (
        Letter.objects.filter(town_id=town_id, addressee=addressee, trigger=trigger, sent_at__date__gte=since)
        .exclude(state__in=HIDDEN_STATES)
        .order_by("-sent_at", "-pk")
        .first()
    )


def _snapshot(letter: Letter) -> dict:
    return {
        "level": letter.level,
        "addressee": letter.addressee_id,
        "trigger": letter.trigger,
        "cause": letter.cause_text,
        "previous": letter.previous_id,
        "state": letter.state,
    }


# --- Drafts --------------------------------------------------------------------------------------


def draft_by_hand(
    *, actor, town, addressee: Organization, level: str, cause_text: str, measures: Sequence[str] = (), compound=None
) -> Letter:
    """A draft the office writes itself, to any of the four parties of its town."""
    ensure_town_manager(actor, town.pk, "warnings.manage")
    if level not in Level.values:
        raise ValidationError({"level": _("Choose a notice letter, a warning letter or measures.")})
    if addressee.town_id != town.pk or addressee.kind not in FOUR_PARTIES:
        raise ValidationError({"addressee": _("Choose one of the four parties of the town.")})
    cause_text = _text(cause_text, "cause_text", _("Say what caused the letter."))
    if compound is not None and compound.town_id != town.pk:
        raise ValidationError({"compound": _("Choose a compound of the town.")})
    neighborhood_id, compound_id = _places(addressee, compound)
    with transaction.atomic():
        letter = Letter.objects.create(
            town=town,
            level=level,
            measures=_check_measures(level, measures),
            addressee=addressee,
            neighborhood_id=neighborhood_id,
            compound_id=compound_id,
            trigger=Letter.MANUAL,
            cause_text=cause_text,
            drafted_at=timezone.now(),
            drafted_by=actor,
        )
        audit.record(actor, "warnings.letter.draft", letter, after=_snapshot(letter))
    return letter


def draft_by_rule(cause: Cause, *, town_id: int, today: date, settings: WarningSettings) -> Letter | None:
    """The draft a trigger makes of a cause, once: None when a letter about the cause exists (in any
    state: a draft the office discarded is not drafted again). The same problem again within the
    repeat window drafts the next level, linked to the letter before."""
    if Letter.objects.filter(town_id=town_id, cause_key=cause.key).exists():
        return None
    previous = repeat_of(town_id, cause.addressee, cause.trigger, today, settings)
    level = Level.NOTICE
    if previous is not None:
        level = next_level(previous.level) or Level.MEASURES
    neighborhood_id, compound_id = _places(cause.addressee, cause.compound)
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                town_id=town_id,
                level=level,
                measures=[Measure.TALK] if level == Level.MEASURES else [],
                addressee=cause.addressee,
                neighborhood_id=neighborhood_id,
                compound_id=compound_id,
                trigger=cause.trigger,
                cause_key=cause.key[:120],
                cause_url=cause.url[:300],
                cause_text=cause.text[:2000],
                previous=previous,
                drafted_at=timezone.now(),
            )
            audit.record(None, "warnings.letter.draft", letter, after=_snapshot(letter) | {"cause_key": cause.key})
    except IntegrityError:  # drafted meanwhile by a concurrent sweep
        return None
    return letter


# --- The office: approval, discard, verification, escalation ---------------------------------------


def _next_number(town_id: int, year: int) -> int:
    """The next number of the town's year, from its counter row locked until the transaction ends."""
    try:
        with transaction.atomic():
            LetterCounter.objects.get_or_create(town_id=town_id, year=year)
    except IntegrityError:  # created meanwhile by a concurrent approval
        pass
    counter = LetterCounter.objects.select_for_update().get(town_id=town_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _members(organization: Organization):
    return Membership.objects.filter(organization=organization).active().select_related("person").order_by("person_id")


def _deliver(letter: Letter) -> int:
    """In the platform and by SMS to each active member of the addressee organisation."""
    text = _("%(title)s %(number)s from %(town)s: %(cause)s Rectify and answer by %(deadline)s.") % {
        "title": letter.title,
        "number": letter.number_label,
        "town": letter.town.name,
        "cause": letter.cause_text[:120],
        "deadline": letter.deadline.isoformat(),
    }
    messages, seen = [], set()
    for membership in _members(letter.addressee):
        person = membership.person
        if person.pk in seen:
            continue
        seen.add(person.pk)
        messages.append(
            Message(
                text=text,
                users=[person.user_id] if person.user_id else [],
                url=letter.get_absolute_url(),
                sms_phone=person.phone,
            )
        )
    notify_many(messages)
    return len(messages)


def _credit(letter: Letter, today: date):
    """The bad credit record of a property company's 警示函 or measures letter (once per letter)."""
    if letter.addressee.kind != Organization.Kind.PROPERTY_COMPANY or letter.level == Level.NOTICE:
        return None
    rule = credit_rules.WARNING if letter.level == Level.WARNING else credit_rules.MEASURES
    compound = letter.compound
    if (
        compound is not None
        and not ServiceContract.objects.filter(company=letter.addressee, compound=compound).exists()
    ):
        compound = None
    return record_by_rule(
        rule.code,
        company=letter.addressee,
        compound=compound,
        source_key=f"warnings.letter:{letter.uid}",
        text=f"{letter.title} {letter.number_label}: {letter.cause_text}"[:2000],
        source_url=letter.get_absolute_url(),
        valid_from=today,
    )


def approve_and_send(*, actor, letter: Letter, version: int | None, measures: Sequence[str] | None = None) -> Letter:
    """A person approves a draft: it gets the town's next number of the year, its text from the
    town's template, its deadline in working days; it is delivered to the addressee's members in the
    platform and by SMS; a property company's 警示函 or measures letter writes its credit record.
    A letter already sent is refused in words, and nothing is sent twice."""
    _ensure(actor, "warnings.manage", letter)
    if actor is None:
        raise PermissionDenied("a letter is sent only once a person approves it")
    with transaction.atomic():
        current = lock(letter, check_version=False, related=("town", "addressee"))
        if current.state != LetterState.DRAFT:
            if current.number is not None:
                raise ValidationError(
                    _("This letter was already approved and sent as %(number)s: it is not sent again.")
                    % {"number": current.number_label},
                    code="already_sent",
                )
            _step(current, LetterAction.APPROVE)
        if version is None:
            raise MissingVersionError()
        if current.version != version:
            raise ConcurrentEditError()
        if measures is not None:
            current.measures = _check_measures(current.level, measures)
        if current.level == Level.MEASURES and not current.measures:
            raise ValidationError({"measures": _("Choose at least one measure.")})
        today = timezone.localdate()
        settings = WarningSettings.for_town(current.town_id)
        due = deadline_after(today, settings.days_for(current.level), town_id=current.town_id)
        current.year = today.year
        current.number = _next_number(current.town_id, today.year)
        current.deadline, current.deadline_provisional = due.date, due.provisional
        current.title, current.body = letters.render(current, sent_on=today)
        current.state = _step(current, LetterAction.APPROVE)
        current.sent_at, current.sent_by = timezone.now(), actor
        current.credit_record = _credit(current, today)
        _save(
            current,
            [
                "measures",
                "year",
                "number",
                "deadline",
                "deadline_provisional",
                "title",
                "body",
                "state",
                "sent_at",
                "sent_by",
                "credit_record",
            ],
        )
        told = _deliver(current)
        audit.record(
            actor,
            "warnings.letter.approve",
            current,
            before={"state": LetterState.DRAFT},
            after={
                "state": current.state,
                "number": current.number_label,
                "deadline": current.deadline,
                "measures": current.measures,
                "told": told,
                "credit_record": current.credit_record_id,
            },
        )
    return current


def discard(*, actor, letter: Letter, version: int | None, reason: str) -> Letter:
    """The office discards a draft, with a reason; it never had a number."""
    _ensure(actor, "warnings.manage", letter)
    reason = _text(reason, "reason", _("Say why the draft is discarded."))
    with transaction.atomic():
        current = lock(letter, expected_version=version)
        current.state = _step(current, LetterAction.DISCARD)
        current.discard_reason, current.discarded_at, current.discarded_by = reason, timezone.now(), actor
        _save(current, ["state", "discard_reason", "discarded_at", "discarded_by"])
        audit.record(
            actor,
            "warnings.letter.discard",
            current,
            before={"state": LetterState.DRAFT},
            after={"state": current.state, "reason": reason},
        )
    return current


def verify(*, actor, letter: Letter, version: int | None, rectified: bool, note: str) -> Letter:
    """The office checks the answer: rectified → closed; not rectified → sent back with a new
    deadline (the level's working days from today), to be answered again."""
    _ensure(actor, "warnings.manage", letter)
    note = _text(note, "note", _("Say what the verification found."))
    with transaction.atomic():
        current = lock(letter, expected_version=version)
        action = LetterAction.VERIFY if rectified else LetterAction.SEND_BACK
        current.state = _step(current, action)
        current.verify_note, current.verified_at, current.verified_by = note, timezone.now(), actor
        fields = ["state", "verify_note", "verified_at", "verified_by"]
        after = {"state": current.state, "note": note}
        if not rectified:
            days = WarningSettings.for_town(current.town_id).days_for(current.level)
            due = deadline_after(timezone.localdate(), days, town_id=current.town_id)
            current.deadline, current.deadline_provisional = due.date, due.provisional
            current.sent_back += 1
            fields += ["deadline", "deadline_provisional", "sent_back"]
            after["deadline"] = due.date
            notify_many(
                [
                    Message(
                        text=_("%(number)s sent back: %(note)s New deadline %(deadline)s.")
                        % {"number": current.number_label, "note": note[:100], "deadline": due.date.isoformat()},
                        users=[m.person.user_id for m in _members(current.addressee) if m.person.user_id],
                        url=current.get_absolute_url(),
                    )
                ]
            )
        _save(current, fields)
        audit.record(
            actor,
            "warnings.letter.verify" if rectified else "warnings.letter.send_back",
            current,
            before={"state": LetterState.ANSWERED},
            after=after,
        )
    return current


def escalate(*, actor, letter: Letter, version: int | None = None, today: date | None = None) -> Letter:
    """Past its deadline without a verified answer, a letter is escalated: a draft of the next level
    is made, linked to it, to be approved by a person. The office does it from the letter's page
    (with the version it saw); the sweep (actor None) for every such letter."""
    _ensure(actor, "warnings.manage", letter)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = lock(letter, expected_version=version, check_version=actor is not None, related=("addressee",))
        before = current.state
        to = _step(current, LetterAction.ESCALATE)
        if not current.past_deadline(today):
            raise ValidationError(
                _("The deadline (%(deadline)s) has not passed yet.") % {"deadline": current.deadline.isoformat()}
            )
        level = next_level(current.level)
        if level is None:
            raise ValidationError(_("Measures are the highest level: there is nothing to escalate to."))
        cause = _("%(cause)s (%(title)s %(number)s of %(sent)s not rectified by %(deadline)s)") % {
            "cause": current.cause_text,
            "title": current.title,
            "number": current.number_label,
            "sent": timezone.localdate(current.sent_at).isoformat(),
            "deadline": current.deadline.isoformat(),
        }
        draft = Letter.objects.create(
            town_id=current.town_id,
            level=level,
            measures=[Measure.TALK] if level == Level.MEASURES else [],
            addressee=current.addressee,
            neighborhood_id=current.neighborhood_id,
            compound_id=current.compound_id,
            trigger=current.trigger,
            cause_key=f"escalation:{current.uid}",
            cause_url=current.cause_url,
            cause_text=cause[:2000],
            previous=current,
            drafted_at=timezone.now(),
            drafted_by=actor,
        )
        current.state = to
        current.escalated_at, current.escalated_by = timezone.now(), actor
        _save(current, ["state", "escalated_at", "escalated_by"])
        audit.record(
            actor,
            "warnings.letter.escalate",
            current,
            before={"state": before},
            after={"state": to, "next": draft.uid, "level": level},
        )
        audit.record(actor, "warnings.letter.draft", draft, after=_snapshot(draft))
    return draft


# --- The addressee -------------------------------------------------------------------------------


def acknowledge(*, actor, letter: Letter, version: int | None) -> Letter:
    """The addressee organisation confirms it has received the letter."""
    _ensure(actor, "warnings.answer", letter)
    with transaction.atomic():
        current = lock(letter, expected_version=version)
        current.state = _step(current, LetterAction.ACKNOWLEDGE)
        current.acknowledged_at, current.acknowledged_by = timezone.now(), actor
        _save(current, ["state", "acknowledged_at", "acknowledged_by"])
        audit.record(
            actor,
            "warnings.letter.acknowledge",
            current,
            before={"state": LetterState.SENT},
            after={"state": current.state},
        )
    return current


def answer(*, actor, letter: Letter, version: int | None, text: str, evidence: Sequence) -> Letter:
    """The addressee's rectification answer, with evidence (photos, documents); the office verifies it."""
    _ensure(actor, "warnings.answer", letter)
    text = _text(text, "text", _("Say what was rectified."))
    files = clean_files(evidence)
    if not files:
        raise ValidationError({"evidence": _("Attach the evidence of the rectification (a photo or a document).")})
    with transaction.atomic():
        current = lock(letter, expected_version=version)
        before = current.state
        current.state = _step(current, LetterAction.ANSWER)
        current.answer, current.answered_at, current.answered_by = text, timezone.now(), actor
        _save(current, ["state", "answer", "answered_at", "answered_by"])
        for clean in files:
            row = Evidence(
                letter=current, round=current.sent_back + 1, name=clean.name[:200], size=clean.size, uploaded_by=actor
            )
            row.file.save(clean.name, ContentFile(clean.content), save=False)
            row.save()
        audit.record(
            actor,
            "warnings.letter.answer",
            current,
            before={"state": before},
            after={"state": current.state, "answer": text, "files": len(files)},
        )
    return current


# --- Settings and templates ------------------------------------------------------------------------

SETTING_FIELDS = (
    "disabled_triggers",
    "notice_days",
    "warning_days",
    "measures_days",
    "repeat_quarters",
    "overdue_cases_min",
    "score_below",
    "complaints_min",
    "complaints_days",
    "lookback_days",
)


def _check_settings(values: dict) -> None:
    values["disabled_triggers"] = sorted(set(values["disabled_triggers"] or []))
    from . import triggers

    for name in ("notice_days", "warning_days", "measures_days"):
        if not 1 <= values[name] <= 60:
            raise ValidationError({name: _("A deadline is 1 to 60 working days.")})
    if not 0 <= values["repeat_quarters"] <= 8:
        raise ValidationError({"repeat_quarters": _("The repeat window is 0 to 8 quarters (0: off).")})
    if not 0 <= values["score_below"] <= 100:
        raise ValidationError({"score_below": _("A score is a whole number from 0 to 100.")})
    if not 1 <= values["overdue_cases_min"] <= 1000 or not 1 <= values["complaints_min"] <= 1000:
        raise ValidationError(_("The triggers' thresholds are out of range."))
    if not 1 <= values["complaints_days"] <= 366 or not 1 <= values["lookback_days"] <= 366:
        raise ValidationError(_("A window is 1 to 366 days."))
    if set(values["disabled_triggers"]) - set(triggers.codes()):
        raise ValidationError({"disabled_triggers": _("Unknown trigger.")})


def save_settings(*, actor, town, version: int | None = None, **values) -> WarningSettings:
    """The town's warning settings (the office). A first save needs no version; later ones the
    version the form was opened on."""
    return save_town_settings(
        WarningSettings,
        actor=actor,
        town=town,
        permission="warnings.manage",
        fields=SETTING_FIELDS,
        values=values,
        version=version,
        check=_check_settings,
    )


def save_template(*, actor, town, level: str, version: int | None, title: str, body: str) -> LetterTemplate:
    """The office's text of a level's letters; only the known placeholders may be used."""
    ensure_town_manager(actor, town.pk, "warnings.manage")
    if level not in LEVEL_ORDER:
        raise ValidationError({"level": _("Choose a notice letter, a warning letter or measures.")})
    title = _text(title, "title", _("Give the letter a title."))[:50]
    body = _text(body, "body", _("Write the letter's text."))
    if len(body) > 5000:
        raise ValidationError({"body": _("The text is at most 5000 characters.")})
    unknown = letters.unknown_placeholders(body)
    if unknown:
        raise ValidationError(
            {
                "body": _("Unknown placeholder(s): %(unknown)s. Use %(known)s.")
                % {
                    "unknown": ", ".join("{" + name + "}" for name in unknown),
                    "known": ", ".join("{" + name + "}" for name in letters.PLACEHOLDERS),
                }
            }
        )
    with transaction.atomic():
        existing = LetterTemplate.objects.filter(town=town, level=level).first()
        if existing is None:
            row, before = LetterTemplate(town=town, level=level), None
        else:
            row = lock(existing, expected_version=version)
            before = {"title": row.title, "body": row.body}
            row.version += 1
        row.title, row.body = title, body
        row.save()
        audit.record(
            actor,
            "warnings.lettertemplate.update",
            row,
            before=before,
            after={"level": level, "title": title, "body": body},
            town_id=town.pk,
        )
    return row


def escalate_overdue(today: date | None = None) -> int:
    """The sweep's step: every letter past its deadline below the highest level is escalated (a
    draft of the next level). Idempotent: an escalated letter is not waiting any more."""
    today = today or timezone.localdate()
    done = 0
    due = Letter.objects.past_deadline(today).exclude(level=Level.MEASURES).order_by("deadline", "pk")
    for letter in due:
        try:
            escalate(actor=None, letter=letter, today=today)
        except (ValidationError, IntegrityError):
            continue
        done += 1
    return done
