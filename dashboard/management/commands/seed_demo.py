"""Create the demo: one account for each role, a scheme they share, and its intake.

Safe to run again: it updates what exists and creates what is missing, and resets the
demo passwords to the ones it prints. The demo scheme gets its settings, two questions
of its own and a realistic intake of made-up applicants (``schemes.demo``), the same
people every time, then, once, its matching (``matching.demo``), its pairs' work:
agreements, goals, progress, stages and a concern (``agreements.demo``), their
meetings: sessions, reflections, pulses, evaluations and final reviews, and their
reminders, with a pair in each at-risk state (``sessions.demo``).

``seed_demo --scheme NAME --mentees N --mentors M --seed S`` instead fills a large
scheme for benchmarks with N mentee and M mentor applications, all complete, submitted
or approved; run again, it tops the scheme up to those numbers. Then half of its
approved mentees (``--pairs`` for another number) are paired and given a year's history
of sessions, actions, pulses, evaluations and final reviews (``sessions.demo_scale``).
It writes in bulk, with one password hash shared by everyone, so tens of thousands of
rows take seconds.
"""

import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.text import slugify

from agreements.demo import seed_agreements
from matching.demo import seed_matching
from mentoring.models import OutboxMessage, User
from mentoring.services import user_set_report_viewer, users_bulk_get_or_create
from schemes import demo, questionnaire
from schemes.choices import DEFAULT_DEVELOPMENT_AREAS, DEFAULT_GRADES
from schemes.models import Application, CustomQuestion, Invitation, Membership, Role, Scheme
from schemes.services.questions import question_create
from schemes.services.schemes import (
    membership_add,
    scheme_create,
    scheme_open_link_enable,
    scheme_update,
)
from sessions.demo import seed_reminders, seed_sessions
from sessions.demo_scale import pairs_at_work

DEMO_PASSWORD = "mentoring-demo"

DEMO_SCHEME = {
    "slug": "council-staff-mentoring",
    "name": "Council staff mentoring scheme",
    "description": (
        "A twelve-month scheme pairing staff across the council's departments. Mentors "
        "help mentees find their own direction, build confidence and plan their next "
        "steps; mentees who finish often go on to mentor others."
    ),
}

# (e-mail, name, what the account shows)
DEMO_PEOPLE = [
    ("admin@example.org", "Alex Admin", "site administrator (Django admin)"),
    ("coordinator@example.org", "Chris Coordinator", "coordinates the demo scheme"),
    ("mentor@example.org", "Morgan Mentor", "mentor in the demo scheme"),
    ("mentee@example.org", "Sam Mentee", "mentee in the demo scheme"),
    ("hr@example.org", "Harper HR", "report viewer (HR), sees every scheme's figures"),
]

DEMO_QUESTIONS: list[dict[str, Any]] = [
    {
        "text": "When could you usually meet?",
        "help_text": "Pairs who are free at the same times find it easier to keep meeting.",
        "kind": CustomQuestion.Kind.MULTIPLE,
        "choices": ["Early morning", "Lunchtime", "Afternoon", "After work"],
        "required": True,
        "is_matching_criterion": True,
        "weight": 15,
    },
    {
        "text": "Is there anything else you would like the coordinators to know?",
        "kind": CustomQuestion.Kind.TEXT,
    },
]

# The demo's made-up applicants and what became of each: (status, last step saved,
# the coordinator's reason). Drafts stop at different steps, so the demo shows every
# stage of the questionnaire.
DEMO_SEED = 4
S = Application.Status
DEMO_MENTEES = (
    [(S.APPROVED, "", "")] * 13
    + [(S.SUBMITTED, "", "")] * 7
    + [(S.WAITLISTED, "", reason) for reason in demo.WAITLIST_REASONS]
    + [(S.DECLINED, "", demo.DECLINE_REASONS[0]), (S.WITHDRAWN, "", "")]
    + [(S.DRAFT, step, "") for step in ("", "about", "work", "preferences")]
)
DEMO_MENTORS = (
    [(S.APPROVED, "", "")] * 9
    + [(S.SUBMITTED, "", "")] * 3
    + [
        (S.WAITLISTED, "", "Thank you: we have enough mentors in your department for now."),
        (S.DRAFT, "work", ""),
    ]
)
DECIDED = frozenset({S.APPROVED, S.WAITLISTED, S.DECLINED})

BATCH = 500


def scheme_settings(today) -> dict:
    """The demo's settings: open now, with a council's sites, departments and grades."""
    return {
        "status": Scheme.Status.OPEN,
        "applications_open_on": today - timedelta(days=21),
        "applications_close_on": today + timedelta(days=21),
        "programme_months": 12,
        "default_mentor_capacity": 2,
        "prefer_other_department": True,
        "development_areas": list(DEFAULT_DEVELOPMENT_AREAS),
        "locations": list(demo.LOCATIONS),
        "departments": list(demo.DEPARTMENTS),
        "grades": list(DEFAULT_GRADES),
    }


@dataclass
class Planned:
    """One applicant to store, with the status their application has reached."""

    applicant: demo.Applicant
    status: str
    last_step: str = ""
    reason: str = ""  # the coordinator's, for a decision
    user: User | None = None  # an existing account (the demo mentor and mentee)


def demo_logins() -> list[str]:
    """One line per demo account: its e-mail address, the password and what it shows."""
    width = max(len(email) for email, _, _ in DEMO_PEOPLE)
    return [f"  {email:<{width}}  {DEMO_PASSWORD}   {what}" for email, _, what in DEMO_PEOPLE]


class Command(BaseCommand):
    help = (
        "Create or refresh the demo accounts and scheme, then print the logins; with "
        "--scheme, fill a large scheme with generated applications for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scheme", metavar="NAME", help="The large scheme to fill.")
        parser.add_argument(
            "--mentees", type=int, default=600, metavar="N", help="Mentee applications."
        )
        parser.add_argument(
            "--mentors", type=int, default=400, metavar="M", help="Mentor applications."
        )
        parser.add_argument(
            "--pairs",
            type=int,
            metavar="P",
            help="Pairs to start, with their sessions and evaluations (default: half of the "
            "approved mentees).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, metavar="S", help="The same seed, the same people."
        )

    def handle(self, *args, **options):
        # 0 (``make run``): nothing; the logins are printed once the site is served.
        self.verbosity = options["verbosity"]
        if options["scheme"]:
            if options["mentees"] < 0 or options["mentors"] < 0 or (options["pairs"] or 0) < 0:
                raise CommandError("--mentees, --mentors and --pairs cannot be negative.")
            self._sized(
                options["scheme"],
                options["mentees"],
                options["mentors"],
                options["seed"],
                options["pairs"],
            )
        else:
            self._demo()

    # The demo --------------------------------------------------------------------------

    @transaction.atomic
    def _demo(self):
        # The demo's people are made up: the e-mails its services put in the outbox are
        # taken out again before they commit, so no worker ever sends them.
        last_row = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        # One hash for every account: hashing is slow on purpose, and they share a password.
        password_hash = make_password(DEMO_PASSWORD)
        people = {email: _person(email, name, password_hash) for email, name, _ in DEMO_PEOPLE}

        admin = people["admin@example.org"]
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        user_set_report_viewer(user=people["hr@example.org"], is_report_viewer=True)

        coordinator = people["coordinator@example.org"]
        settings = scheme_settings(timezone.localdate())
        scheme = Scheme.objects.filter(slug=DEMO_SCHEME["slug"]).first()
        if scheme is None:
            scheme = scheme_create(coordinator=coordinator, **DEMO_SCHEME, **settings)
        else:
            scheme = scheme_update(scheme=scheme, **settings)
        membership_add(scheme=scheme, user=coordinator, role=Role.COORDINATOR)
        membership_add(scheme=scheme, user=people["mentor@example.org"], role=Role.MENTOR)
        membership_add(scheme=scheme, user=people["mentee@example.org"], role=Role.MENTEE)
        questions = _ensure_questions(scheme)

        generator = _generator(scheme, questions, DEMO_SEED)
        planned = [
            Planned(
                generator.applicant(Role.MENTOR, 0), S.APPROVED, user=people["mentor@example.org"]
            ),
            Planned(
                generator.applicant(Role.MENTEE, 0), S.APPROVED, user=people["mentee@example.org"]
            ),
        ]
        planned += [
            Planned(generator.applicant(role, n), status, step, reason)
            for role, plan in ((Role.MENTEE, DEMO_MENTEES), (Role.MENTOR, DEMO_MENTORS))
            for n, (status, step, reason) in enumerate(plan, start=1)
        ]
        store_applications(
            scheme=scheme,
            questions=questions,
            planned=planned,
            decided_by=coordinator,
            password_hash=password_hash,
            validate=True,
        )
        _ensure_invitations(scheme, coordinator)
        if not scheme.open_link_token:
            scheme_open_link_enable(scheme=scheme)
        seed_matching(
            scheme=scheme,
            coordinator=coordinator,
            demo_mentee=people["mentee@example.org"],
            demo_mentor=people["mentor@example.org"],
        )
        seed_agreements(
            scheme=scheme,
            demo_mentee=people["mentee@example.org"],
            demo_mentor=people["mentor@example.org"],
        )
        seed_sessions(
            scheme=scheme,
            demo_mentee=people["mentee@example.org"],
            demo_mentor=people["mentor@example.org"],
        )
        seed_reminders(
            scheme=scheme,
            demo_mentee=people["mentee@example.org"],
            demo_mentor=people["mentor@example.org"],
        )
        OutboxMessage.objects.filter(pk__gt=last_row, kind=OutboxMessage.Kind.EMAIL).delete()

        if self.verbosity:
            self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
            for line in demo_logins():
                self.stdout.write(line)
            self.stdout.write(_summary(scheme))

    # A large scheme ----------------------------------------------------------------------

    def _sized(self, name: str, mentees: int, mentors: int, seed: int, pairs: int | None):
        started = time.perf_counter()
        slug = slugify(name)[:70].strip("-_")
        if not slug:
            raise CommandError("Give the scheme a name with some letters or digits in it.")
        password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            coordinator = _account("coordinator@example.org", "Chris Coordinator", password_hash)
            scheme = Scheme.objects.filter(slug=slug).first()
            if scheme is None:
                settings = scheme_settings(timezone.localdate())
                scheme = scheme_create(name=name, slug=slug, coordinator=coordinator, **settings)
            membership_add(scheme=scheme, user=coordinator, role=Role.COORDINATOR)
            questions = _ensure_questions(scheme)
            domain = f"{slug.replace('_', '-')[:40].strip('-')}.example.org"
            generator = _generator(scheme, questions, seed, email_domain=domain, numbered=True)
            # Topping up carries on the numbering after the applications already there.
            have = Counter(
                dict(scheme.applications.values_list("role").annotate(count=Count("pk")).order_by())
            )
            # Three in four approved (so matching has a pool), the rest waiting for review.
            planned = [
                Planned(generator.applicant(role, n), S.SUBMITTED if n % 4 == 0 else S.APPROVED)
                for role, count in ((Role.MENTEE, mentees), (Role.MENTOR, mentors))
                for n in range(have[role] + 1, count + 1)
            ]
            created = store_applications(
                scheme=scheme,
                questions=questions,
                planned=planned,
                decided_by=coordinator,
                password_hash=password_hash,
            )
            if pairs is None:
                # Half of the approved mentees, so a pool is left for matching runs.
                pairs = sum(1 for p in planned if p.applicant.role == Role.MENTEE) * 3 // 8
            at_work = pairs_at_work(scheme=scheme, pairs=pairs, seed=seed)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {scheme.name} ({scheme.slug}) in {seconds:.1f} s: created "
                f"{created['users']} people, {created['applications']} applications and "
                f"{created['memberships']} memberships; started {at_work['mentorships']} "
                f"pairs with {at_work['sessions']} sessions, {at_work['actions']} actions, "
                f"{at_work['pulses']} pulses and {at_work['evaluations']} evaluations."
            )
        )
        self.stdout.write(_summary(scheme))
        self.stdout.write(f"Its coordinator is coordinator@example.org ({DEMO_PASSWORD}).")


def store_applications(
    *,
    scheme: Scheme,
    questions: list[CustomQuestion],
    planned: list[Planned],
    decided_by: User,
    password_hash: str,
    validate: bool = False,
) -> Counter:
    """Write the ``planned`` applicants that are missing: their accounts, verified
    addresses, applications and, when approved, memberships, each kind in bulk with a
    fixed number of queries whatever the size. Anyone who already has an application
    for their role is left as they are, so running again adds nothing."""
    created: Counter[str] = Counter()
    wanted = {p.applicant.email: p.applicant.name for p in planned if p.user is None}
    users, created["users"] = users_bulk_get_or_create(
        names=wanted, password=password_hash, verified=True
    )

    for p in planned:
        p.user = p.user or users[p.applicant.email]
    # Every planned applicant now has an account.
    user_ids = {id(p): _user(p).pk for p in planned}
    applied = set(Application.objects.filter(scheme=scheme).values_list("user_id", "role"))
    now = timezone.now()
    consent = questionnaire.consent_text(scheme)
    steps = {
        str(role): questionnaire.steps_for(role, questions) for role in (Role.MENTOR, Role.MENTEE)
    }
    applications = [
        _application(scheme, steps[p.applicant.role], p, decided_by, consent, now)
        for p in planned
        if (user_ids[id(p)], p.applicant.role) not in applied
    ]
    if validate:
        for application in applications:
            application.full_clean(validate_unique=False, validate_constraints=False)
    Application.objects.bulk_create(applications, batch_size=BATCH)
    # The rows are stamped as created now; people started a while before submitting.
    Application.objects.filter(
        scheme=scheme, created_at__gte=now, submitted_at__isnull=False
    ).update(created_at=F("submitted_at") - timedelta(days=2))
    created["applications"] = len(applications)

    members = set(Membership.objects.filter(scheme=scheme).values_list("user_id", "role"))
    memberships = [
        Membership(scheme=scheme, user_id=a.user_id, role=a.role)
        for a in applications
        if a.status == S.APPROVED and (a.user_id, a.role) not in members
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    created["memberships"] = len(memberships)
    return created


def _user(planned: Planned) -> User:
    if planned.user is None:
        raise ValueError(f"{planned.applicant.email} has no account yet.")
    return planned.user


def _application(scheme, steps, planned: Planned, decided_by, consent, now) -> Application:
    """The application ``planned`` describes: the answers of the steps saved so far (all
    of them once submitted), and the submission, consent and decision its status means."""
    applicant, status = planned.applicant, planned.status
    application = Application(
        scheme=scheme, user_id=_user(planned).pk, role=applicant.role, status=status
    )
    saved = [step.slug for step in steps]
    if status == S.DRAFT:
        saved = saved[: saved.index(planned.last_step) + 1] if planned.last_step else []
        if applicant.role == Role.MENTOR:  # as application_start does
            application.capacity = scheme.default_mentor_capacity
        application.last_step = planned.last_step
    else:
        application.last_step = saved[-1]
        application.answers = dict(applicant.custom)
    for step in steps:
        if step.slug in saved:
            for field in step.fields:
                if field in applicant.fields:
                    setattr(application, field, applicant.fields[field])
    submitted_at = now - timedelta(hours=applicant.applied_hours_ago)
    if status != S.DRAFT:
        application.submitted_at = submitted_at
        application.consent_text = consent
        application.consented_at = submitted_at
    if status in DECIDED:
        waited = timedelta(hours=applicant.decided_after_hours)
        application.decided_at = min(now, submitted_at + waited)
        application.decided_by = decided_by
        application.decision_reason = planned.reason
    return application


def _person(email: str, name: str, password_hash: str) -> User:
    """A demo account, created or reset to its name and the demo password."""
    user = User.objects.filter(email__iexact=email).first() or User(email=email)
    user.name = name
    user.is_active = True
    user.password = password_hash
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _account(email: str, name: str, password_hash: str) -> User:
    """The account with ``email``, created with ``password_hash`` if it is missing."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create(email=email, name=name, password=password_hash)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


# (e-mail, name, role, status, days until the link expires): waiting, expired, revoked.
DEMO_INVITATIONS = [
    ("jordan.price@example.org", "Jordan Price", Role.MENTEE, Invitation.Status.PENDING, 12),
    ("aisha.khan@example.org", "Aisha Khan", Role.MENTOR, Invitation.Status.PENDING, 9),
    ("lee.morgan@example.org", "Lee Morgan", Role.MENTEE, Invitation.Status.PENDING, -3),
    ("sam.hughes@example.org", "Sam Hughes", Role.MENTEE, Invitation.Status.REVOKED, 5),
]


def _ensure_invitations(scheme: Scheme, coordinator) -> None:
    """A few invitations in each state, made directly (the demo sends no e-mail)."""
    if scheme.invitations.exists():
        return
    now = timezone.now()
    Invitation.objects.bulk_create(
        Invitation(
            scheme=scheme,
            email=email,
            name=name,
            role=role,
            status=status,
            invited_by=coordinator,
            sent_at=now - timedelta(days=2),
            send_count=1,
            expires_at=now + timedelta(days=days),
        )
        for email, name, role, status, days in DEMO_INVITATIONS
    )


def _ensure_questions(scheme: Scheme) -> list[CustomQuestion]:
    """The demo's own questions, added once (matched on their wording)."""
    existing = {question.text for question in scheme.questions.all()}
    for values in DEMO_QUESTIONS:
        if values["text"] not in existing:
            question_create(scheme=scheme, **values)
    return list(scheme.questions.all())


def _generator(scheme: Scheme, questions, seed, **options) -> demo.ApplicantGenerator:
    return demo.ApplicantGenerator(
        seed,
        departments=scheme.departments,
        locations=scheme.locations,
        grades=scheme.grades,
        development_areas=scheme.development_areas,
        questions=questions,
        **options,
    )


def _summary(scheme: Scheme) -> str:
    rows = (
        Application.objects.filter(scheme=scheme)
        .values_list("role", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    roles: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for role, status, count in rows:
        roles[role] += count
        statuses[status] += count
    by_status = ", ".join(
        f"{statuses[value]} {'drafts' if value == S.DRAFT else label.lower()}"
        for value, label in S.choices
        if statuses[value]
    )
    return (
        f"{scheme.name} has {sum(roles.values())} applications: {roles[Role.MENTEE]} from "
        f"mentees and {roles[Role.MENTOR]} from mentors"
        + (f" ({by_status})." if by_status else ".")
    )
