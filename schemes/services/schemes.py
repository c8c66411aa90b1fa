"""Every change to schemes and memberships."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from mentoring.audit import audit_record
from mentoring.models import AuditEntry
from schemes.models import Membership, Role, Scheme, new_token

# The fields a coordinator sets on the scheme's settings page.
SETTINGS_FIELDS = (
    "name",
    "description",
    "status",
    "applications_open_on",
    "applications_close_on",
    "programme_months",
    "rhythm",
    "session_count",
    "default_mentor_capacity",
    "prefer_other_department",
    "max_gap_weeks",
    "retention_months",
    "development_areas",
    "locations",
    "departments",
    "grades",
    "matching_mode",
    "matching_schedule",
    "require_senior_mentor",
    "response_days",
)


@transaction.atomic
def scheme_create(*, name: str, coordinator, description: str = "", slug: str = "", **settings):
    """Create a scheme with ``coordinator`` as its first coordinator. ``settings`` are
    any of ``SETTINGS_FIELDS``; the rest keep their defaults."""
    unknown = set(settings) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown scheme settings: {', '.join(sorted(unknown))}")
    _refuse_taken_name(name)
    scheme = Scheme(name=name, description=description, slug=slug or _unique_slug(name), **settings)
    scheme_closing_note(scheme, was_closed=False)
    if scheme.rhythm != "fixed":
        scheme.session_count = None
    # A computed address was free a moment ago; one taken since is the race below.
    scheme.full_clean(exclude=None if slug else ["slug"])
    try:
        with transaction.atomic():
            scheme.save()
    except IntegrityError:
        # The same form sent twice at once (a double click): both passed the check
        # above, and the other took the name's address first.
        raise ValidationError({"name": NAME_TAKEN}) from None
    membership = membership_add(scheme=scheme, user=coordinator, role=Role.COORDINATOR)
    role_change_record(by=coordinator, membership=membership, change="added")
    return scheme


@transaction.atomic
def scheme_update(*, scheme: Scheme, **settings) -> Scheme:
    """Change a scheme's settings (any of ``SETTINGS_FIELDS``); its address stays."""
    unknown = set(settings) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown scheme settings: {', '.join(sorted(unknown))}")
    if "name" in settings:
        _refuse_taken_name(settings["name"], scheme=scheme)
    was_closed = scheme.status == Scheme.Status.CLOSED
    for field, value in settings.items():
        setattr(scheme, field, value)
    scheme_closing_note(scheme, was_closed=was_closed)
    if scheme.rhythm != "fixed":
        scheme.session_count = None
    scheme.full_clean()
    scheme.save()
    return scheme


@transaction.atomic
def scheme_open_link_enable(*, scheme: Scheme) -> Scheme:
    """Give the scheme an open application link (a new one each time, so that turning
    it off and on again retires the old address)."""
    scheme.open_link_token = new_token()
    scheme.save(update_fields=["open_link_token", "updated_at"])
    return scheme


@transaction.atomic
def scheme_open_link_disable(*, scheme: Scheme) -> Scheme:
    """Retire the scheme's open application link."""
    scheme.open_link_token = None
    scheme.save(update_fields=["open_link_token", "updated_at"])
    return scheme


@transaction.atomic
def membership_add(*, scheme: Scheme, user, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``scheme``; adding a role they hold already is a
    no-op that returns the existing membership."""
    existing = Membership.objects.filter(scheme=scheme, user=user, role=role).first()
    if existing:
        return existing
    membership = Membership(scheme=scheme, user=user, role=role)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, scheme: Scheme, user, role: str) -> bool:
    """Take the ``role`` in ``scheme`` away from ``user``; returns whether they had it."""
    deleted, _ = Membership.objects.filter(scheme=scheme, user=user, role=role).delete()
    return bool(deleted)


def role_change_record(
    *, by, membership: Membership, change: str, role_before: str = "", **facts: int | None
) -> None:
    """Record in the audit trail that ``by`` gave ``membership``'s role ("added"),
    took it away ("removed") or changed it from ``role_before`` ("changed"), with any
    other plain ``facts`` (an invitation's id). Roles a decision on an application
    gives or takes are recorded as that decision instead."""
    detail: dict = {"user": membership.user_id, "role": membership.role, "change": change}
    if role_before:
        detail["role_before"] = role_before
    audit_record(
        AuditEntry.Action.ROLE_CHANGED,
        actor=by,
        scheme_id=membership.scheme_id,
        subject=membership,
        detail={**detail, **facts},
    )


# Slugs that a scheme's address would share with another page ("schemes/new/").
RESERVED_SLUGS = frozenset({"new"})


NAME_TAKEN = Scheme._meta.get_field("name").error_messages["unique"]


def _refuse_taken_name(name: str, *, scheme: Scheme | None = None) -> None:
    """Two schemes with one name could not be told apart in lists and e-mails (and a
    form sent twice would make two)."""
    others = Scheme.objects.filter(name__iexact=name.strip())
    if scheme is not None:
        others = others.exclude(pk=scheme.pk)
    if others.exists():
        raise ValidationError({"name": NAME_TAKEN})


def scheme_closing_note(scheme: Scheme, *, was_closed: bool) -> None:
    """Record when the scheme became closed: its personal data is kept for
    ``retention_months`` from then (``privacy.retention``). Reopening forgets the date,
    and closing again starts the period afresh."""
    if scheme.status != Scheme.Status.CLOSED:
        scheme.closed_at = None
    elif not was_closed:
        scheme.closed_at = timezone.now()
    elif scheme.closed_at is None:
        # Closed some other way (the admin): the retention schedule has counted from
        # its last change, which this save is about to move.
        scheme.closed_at = scheme.updated_at


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "scheme"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Scheme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
