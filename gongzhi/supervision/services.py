"""Every write of 督办 (DESIGN.md convention 1): keyword-only, with the actor, in a transaction,
checked, audited.

`urge` (the leadership group or the office of the record's town): an overdue record, with what is
asked; the organisations responsible are notified in the platform, the urging is
written on the record's own timeline and listed until the record moves. Urging a waiting record
again counts and notifies again. `mark_moved` (the sweep, `supervision.moved`): an urged record no
longer overdue is marked moved, with the state it reached."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.scope import get_scope
from gongzhi.core.workflow import lock
from gongzhi.notifications.services import notify, users_of

from . import kinds
from .models import Urging

MAX_NOTE = 1000


def may_urge(actor, town_id: int) -> bool:
    return get_scope(actor).area("supervision.urge").covers_town(town_id)


def urge(*, actor, kind: str, obj, note: str) -> Urging:
    """Urge one overdue record (see the module's docstring)."""
    spec = kinds.get(kind)
    if spec is None or not isinstance(obj, spec.model):
        raise ValueError(f"not a record of kind {kind!r}")
    if not may_urge(actor, obj.town_id):
        raise PermissionDenied(f"may not urge in town {obj.town_id}")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what you ask of them.")})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("At most %(n)s characters.") % {"n": MAX_NOTE}})
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        current = lock(spec.model, obj.pk, check_version=False)
        if not spec.still_overdue(current, today):
            raise ValidationError(
                _("%(record)s is not overdue (%(state)s): there is nothing to urge.")
                % {"record": spec.title(current), "state": spec.state_label(current)}
            )
        organizations = [o for o in spec.responsible(current) if o is not None]
        waiting = Urging.objects.select_for_update().filter(kind=kind, object_id=current.pk, moved_at__isnull=True)
        urging = waiting.first()
        try:
            with transaction.atomic():
                if urging is None:
                    urging = Urging.objects.create(
                        town_id=current.town_id,
                        kind=kind,
                        object_id=current.pk,
                        object_uid=current.uid,
                        title=spec.title(current)[:200],
                        url=spec.url(current),
                        due=spec.due(current),
                        state_when_urged=spec.state_label(current)[:60],
                        note=note,
                        urged_by=actor,
                        first_urged_at=now,
                        last_urged_at=now,
                    )
                else:
                    urging.note, urging.urged_by, urging.last_urged_at = note, actor, now
                    urging.times += 1
                    urging.version += 1
                    urging.save(update_fields=["note", "urged_by", "last_urged_at", "times", "version", "updated_at"])
        except IntegrityError:
            raise ValidationError(_("Someone urged this record at the same moment; look at the list again.")) from None
        urging.organizations.set(organizations)
        audit.record(actor, f"{spec.object_type}.urge", current, after={"note": note, "times": urging.times})
        audit.record(actor, "supervision.urging.urge", urging, after={"note": note, "times": urging.times})
        text = _("督办 from the town: %(record)s is overdue. %(note)s") % {"record": urging.title, "note": note}
        notify(users=users_of([o.pk for o in organizations]), text=text, url=urging.url)
    return urging


def mark_moved(today=None) -> int:
    """The sweep: each waiting urging whose record is no longer overdue is marked moved."""
    today = today or timezone.localdate()
    moved = 0
    for urging in Urging.objects.waiting().order_by("pk"):
        spec = kinds.get(urging.kind)
        obj = spec.model.objects.filter(pk=urging.object_id).first()
        if obj is not None and spec.still_overdue(obj, today):
            continue
        with transaction.atomic():
            current = lock(urging, check_version=False)
            if current.moved_at is not None:
                continue
            current.moved_at = timezone.now()
            current.moved_to = (spec.state_label(obj) if obj is not None else _("Removed"))[:60]
            current.version += 1
            current.save(update_fields=["moved_at", "moved_to", "version", "updated_at"])
            audit.record(None, "supervision.urging.moved", current, after={"moved_to": current.moved_to})
        moved += 1
    return moved
