"""Every write of the API app: tokens (created by the office, revoked), and the idempotent intake
of a case from the hotline bridge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case, Category
from gongzhi.cases.services import Report, Submission, submit_cases
from gongzhi.core import audit, process_cache
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.scope import get_scope
from gongzhi.core.text import neutralise
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Building, Compound, Town, Unit

from .auth import PREFIX_LENGTH, TOKEN_CACHE, attach_scope, hash_secret, new_secret
from .models import ApiToken, Intake

# --- Tokens ----------------------------------------------------------------------------------


def _works_in(user, town: Town) -> bool:
    """Whether the account holds a staff role in the town (a platform administrator does not)."""
    scope = get_scope(user)
    if scope.is_platform_admin or not scope.grants:
        return False
    return town.pk in scope.town_ids or Organization.objects.filter(pk__in=scope.organization_ids, town=town).exists()


def create_api_token(*, actor, town: Town, user, name: str) -> tuple[ApiToken, str]:
    """A new token acting as `user` in `town`. Returns the token and its secret, which is not
    stored anywhere: show it once."""
    ensure_town_manager(actor, town.pk, "town.manage")
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = _("Name the token in 1 to 100 characters, e.g. 12345 hotline bridge.")
    if not user.is_active:
        errors["user"] = _("This account is disabled.")
    elif not _works_in(user, town):
        # Never a platform administrator's account, never an account of another town.
        errors["user"] = _("The token must act as an account that works in %(town)s, e.g. an office account.") % {
            "town": town.name
        }
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            town=town,
            name=name,
            user=user,
            prefix=secret[:PREFIX_LENGTH],
            secret_hash=hash_secret(secret),
            created_by=actor,
        )
        audit.record(actor, "api.apitoken.create", token, after=audit.snapshot(token, ["name", "user", "prefix"]))
    return token, secret


def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    """Stop a token from working, at once and for good."""
    ensure_town_manager(actor, token.town_id, "town.manage")
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            return current
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])

        process_cache.forget_soon(TOKEN_CACHE)
        audit.record(
            actor, "api.apitoken.revoke", current, before={"revoked_at": None}, after={"revoked_at": current.revoked_at}
        )
    return current


# --- Intake of hotline calls -----------------------------------------------------------------
#
# A call is checked and stored at once (`accept_call`: one INSERT) and answered with a receipt; the
# worker turns pending intakes into cases in batches (`process_intakes`, run every second by
# `manage.py process_intakes --every 1`), so that a burst of calls costs one numbering, one
# history append, one counters update and one notification insert per batch, not per call.


class KeyReused(Exception):
    """The idempotency key was used before with another request body."""

    def __init__(self, previous: Intake):
        self.previous = previous
        super().__init__(previous.key)


def accept_call(
    *, token: ApiToken, key: str, fingerprint: str, payload: dict, external_ref: str = ""
) -> tuple[Intake, bool]:
    """Store a checked call once per (token, key). Returns the intake and whether it was there
    before (a retry); KeyReused when the key came with another body before. The unique (token,
    key) constraint decides between two simultaneous requests: the second insert fails and that
    request answers with the first one's intake."""
    fields = {"token": token, "key": key, "request_hash": fingerprint, "payload": payload, "external_ref": external_ref}
    try:
        if transaction.get_connection().in_atomic_block:  # inside a transaction a failed INSERT needs a savepoint
            with transaction.atomic():
                return Intake.objects.create(**fields), False
        return Intake.objects.create(**fields), False  # a request: one statement, no transaction around it
    except IntegrityError:
        pass
    previous = Intake.objects.select_related("case", "case__handler").filter(token=token, key=key).first()
    if previous is None:
        raise RuntimeError("idempotency key conflict without a row")
    if previous.request_hash != fingerprint:
        raise KeyReused(previous)
    return previous, True


def _reports(rows: list[Intake]) -> dict[int, Report | ValidationError]:
    """The reports of pending intakes, their places and categories loaded in a few queries. The
    free text is neutralised again (core.text): an intake stored before the schema removed
    bidirectional controls may still hold them."""
    ids = {name: {r.payload.get(name) for r in rows} - {None} for name in ("compound", "category", "building", "unit")}
    compounds = Compound.objects.in_bulk(ids["compound"])
    categories = Category.objects.select_related("handler").in_bulk(ids["category"])
    buildings = Building.objects.in_bulk(ids["building"])
    units = Unit.objects.in_bulk(ids["unit"])
    out: dict[int, Report | ValidationError] = {}
    for row in rows:
        p = row.payload
        compound, category = compounds.get(p["compound"]), categories.get(p["category"])
        if compound is None or category is None:
            out[row.pk] = ValidationError(_("The compound or the category no longer exists."))
            continue
        out[row.pk] = Report(
            compound=compound,
            category=category,
            description=neutralise(p["description"]),
            urgency=p["urgency"],
            building=buildings.get(p.get("building")),
            unit=units.get(p.get("unit")),
            location=neutralise(p.get("location", "")),
            reporter_name=neutralise(p.get("reporter_name", "")),
            reporter_phone=p.get("reporter_phone", ""),
            hide_identity=bool(p.get("hide_identity")),
        )
    return out


def _errors_of(error: Exception) -> dict[str, list[str]]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return {field: [str(m) for e in errs for m in e.messages] for field, errs in error.error_dict.items()}
        return {"__all__": [str(m) for m in error.messages]}
    return {"__all__": [str(_("The token's account may not enter cases there any more."))]}


def process_intakes(limit: int = 500) -> int:
    """Turn up to `limit` pending intakes into cases, in one transaction; returns how many were
    processed. Idempotent and safe to run in several processes at once: rows being processed by
    another run are skipped (PostgreSQL: FOR UPDATE SKIP LOCKED)."""

    with transaction.atomic():
        rows = list(
            Intake.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("token__user")
            .filter(status=Intake.Status.PENDING)
            .order_by("pk")[:limit]
        )
        if not rows:
            return 0
        reports = _reports(rows)
        pending = []
        for row in rows:
            report = reports[row.pk]
            if isinstance(report, Exception):
                row.status, row.errors = Intake.Status.FAILED, _errors_of(report)
                continue
            attach_scope(row.token.user)
            pending.append((row, Submission(row.token.user, report, Case.Channel.API)))
        results = submit_cases([submission for _row, submission in pending])
        now = timezone.now()
        for (row, _submission), result in zip(pending, results, strict=True):
            if isinstance(result, Exception):
                row.status, row.errors = Intake.Status.FAILED, _errors_of(result)
            else:
                row.status, row.case = Intake.Status.CREATED, result
        _record_outcomes(rows, now)
    return len(rows)


def _record_outcomes(rows: list[Intake], now) -> None:
    """Write what became of each intake: the made cases in one UPDATE whose CASE is written here
    (bulk_update builds an expression per row and cost as much as making the cases), the few
    failures one by one."""
    made = [row for row in rows if row.status == Intake.Status.CREATED]
    for start in range(0, len(made), 400):  # 2 parameters per row, within every database's limit
        chunk = made[start : start + 400]
        table, connection = Intake._meta.db_table, transaction.get_connection()
        quote = connection.ops.quote_name
        whens = " ".join(["WHEN %s THEN %s"] * len(chunk))
        placeholders = ", ".join(["%s"] * len(chunk))
        sql = (
            # Only quoted names and placeholders are formatted in; the values go as parameters.
            f"UPDATE {quote(table)} SET {quote('status')} = %s, {quote('processed_at')} = %s, "  # noqa: S608
            f"{quote('case_id')} = CASE {quote('id')} {whens} END WHERE {quote('id')} IN ({placeholders})"
        )
        params = [Intake.Status.CREATED, connection.ops.adapt_datetimefield_value(now)]
        for row in chunk:
            params += [row.pk, row.case_id]
        params += [row.pk for row in chunk]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    for row in rows:
        row.processed_at = now
        if row.status != Intake.Status.CREATED:
            row.save(update_fields=["status", "errors", "processed_at"])
