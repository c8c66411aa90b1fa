"""Every change to schemes and memberships."""

from django.db import transaction
from django.utils.text import slugify

from schemes.models import Membership, Role, Scheme


@transaction.atomic
def scheme_create(*, name: str, coordinator, description: str = "", slug: str = "") -> Scheme:
    """Create a scheme with ``coordinator`` as its first coordinator."""
    scheme = Scheme(name=name, description=description, slug=slug or _unique_slug(name))
    scheme.full_clean()
    scheme.save()
    membership_add(scheme=scheme, user=coordinator, role=Role.COORDINATOR)
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


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "scheme"
    slug, n = base, 2
    while Scheme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
