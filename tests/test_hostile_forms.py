"""Property: no form and no import answers 500, whatever is posted, and nothing posted
comes back as markup.

For every form of ``schemes`` and ``matching``, allauth's sign-up, sign-in, password
reset and new e-mail address, and both imports (the invitation list and the
applications file, upload and confirmation), hypothesis posts random and hostile
values (NUL and other control characters, huge strings, any unicode, ``<script>``,
spreadsheet formulas, SQL) into the form's fields, signed in as the role that may use
it. Each response must not be a 500, and the page that follows (the form again, or
where its redirect leads, and the pages that show what was saved) must not hold a
``<script>`` or an ``onerror=`` that came from the input. Our own pages load scripts
only with ``<script src=...>`` (the CSP allows no inline script), so a bare
``<script>`` can only have come from the input.

Run on PostgreSQL too (``DATABASE_URL``): a NUL byte was a PostgreSQL-only 500. The
suite tries a few examples per form; ``HOSTILE_EXAMPLES=200`` searches harder.
"""

import csv
import io
import os
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.validators import MAX_CELL_CHARS
from schemes.models import Role
from tests.conftest import resolve_kwargs
from tests.factories import ApplicationFactory
from tests.schemes.test_import_services import template_rows
from tests.schemes.test_questionnaire_views import ABOUT, GOALS, PREFERENCES, WORK
from tests.schemes.test_setup_views import question_data, scheme_data

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
HOSTILE = [
    "\x00",
    "a\x00b",
    "\x00" * 20,
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f\x85\x9f",
    "line\r\nbreak\ttab",
    SCRIPT,
    f'"><{SCRIPT[1:]}',
    f"'>{IMAGE}",
    "</textarea><script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "'; DROP TABLE schemes_scheme; --",
    "' OR '1'='1",
    '" OR ""="',
    "%00",
    "%s%s%s%n",
    "{{ 7*7 }}{% debug %}",
    "../../../etc/passwd",
    "\u202eevil\u200b\ufeff\u2028",
    "😀" * 40,
    "Zoë Ñandú 日本語 עברית",
    "x" * 260,
    "x" * 5000,
    "x" * 200_000,
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2025-02-30",
    "",
    " ",
    "null",
    "[]",
    "a@b",
    "a" * 250 + "@example.org",
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(max_size=10)),
)
CELL = st.one_of(VALUE, st.just("x" * (MAX_CELL_CHARS + 1)))


@dataclass(frozen=True)
class Target:
    """A form: where it posts, as whom, its fields and what a valid post holds."""

    name: str
    url: str  # a URL name
    kwargs: dict = field(default_factory=dict)
    role: str = "coordinator"  # a fixture; "anonymous" signs nobody in
    method: str = "post"
    text: tuple[str, ...] = ()  # fields posted as one value
    lists: tuple[str, ...] = ()  # fields posted as several values
    base: dict = field(default_factory=dict)
    upload: str = ""  # "invitations" or "applications": a CSV file in ``file``
    # Pages that show what was saved: (who looks, URL name, kwargs); "" is ``role``.
    shows: tuple[tuple[str, str, dict], ...] = ()


SCHEME = {"slug": "council"}
QUESTION_FIELDS = ("text", "help_text", "kind", "choices", "audience", "weight", "required")
SETTINGS_FIELDS = tuple(scheme_data())
TARGETS = [
    Target(
        "create a scheme",
        "schemes:create",
        text=SETTINGS_FIELDS,
        base=scheme_data(),
        shows=(("", "schemes:edit", SCHEME),),
    ),
    Target(
        "scheme settings",
        "schemes:edit",
        SCHEME,
        text=SETTINGS_FIELDS,
        base=scheme_data(),
        shows=(
            ("", "scheme", SCHEME),
            ("", "schemes:applications", SCHEME),
            ("draft_owner", "schemes:questionnaire_step", {"pk": "@draft", "step": "work"}),
        ),
    ),
    Target(
        "add a question",
        "schemes:questions",
        SCHEME,
        text=QUESTION_FIELDS,
        base=question_data(),
        shows=(
            ("", "schemes:questions", SCHEME),
            ("draft_owner", "schemes:questionnaire_step", {"pk": "@draft", "step": "questions"}),
        ),
    ),
    Target(
        "change a question",
        "schemes:question_edit",
        {"slug": "council", "pk": "@question"},
        text=QUESTION_FIELDS,
        base=question_data(),
        shows=(
            ("draft_owner", "schemes:questionnaire_step", {"pk": "@draft", "step": "questions"}),
        ),
    ),
    Target(
        "invite one person",
        "schemes:invitations",
        SCHEME,
        text=("name", "email", "role"),
        base={"name": "Ivy", "email": "ivy@example.org", "role": "mentee"},
        shows=(("", "schemes:invitations", SCHEME),),
    ),
    Target(
        "invitation list: preview",
        "schemes:invitations_upload",
        SCHEME,
        text=("step",),
        base={"step": "preview"},
        upload="invitations",
    ),
    Target(
        "invitation list: confirm",
        "schemes:invitations_upload",
        SCHEME,
        text=("csv_text",),
        base={"step": "confirm", "csv_text": "Ivy,ivy@example.org,mentee\n"},
        shows=(("", "schemes:invitations", SCHEME),),
    ),
    Target(
        "applications import: preview",
        "schemes:applications_import",
        SCHEME,
        upload="applications",
    ),
    Target(
        "applications import: confirm",
        "schemes:applications_import",
        SCHEME,
        text=("upload",),
        base={"upload": "1"},
    ),
    Target(
        "applications list filters",
        "schemes:applications",
        SCHEME,
        method="get",
        text=("q", "role", "status", "department", "submitted_from", "submitted_to", "page"),
    ),
    Target(
        "decide an application",
        "schemes:application_detail",
        {"slug": "council", "pk": "@mentee_application"},
        text=("decision", "reason", "next"),
        base={"decision": "waitlist", "reason": "Not this round."},
        shows=(
            ("", "schemes:application_detail", {"slug": "council", "pk": "@mentee_application"}),
            ("", "schemes:applications", SCHEME),
        ),
    ),
    *[
        Target(
            f"questionnaire: {step}",
            "schemes:questionnaire_step",
            {"pk": "@draft", "step": step},
            role="draft_owner",
            text=tuple(name for name in base if not isinstance(base[name], list)),
            lists=tuple(name for name in base if isinstance(base[name], list)),
            base=base,
            shows=(("", "schemes:application", {"pk": "@draft"}),),
        )
        for step, base in [
            ("about", ABOUT),
            ("work", WORK),
            ("preferences", PREFERENCES),
            ("goals", GOALS),
            ("questions", {"question_@question": "Football"}),
        ]
    ],
    Target(
        "submit an application",
        "schemes:application",
        {"pk": "@draft"},
        role="draft_owner",
        text=("consent",),
        base={"consent": "on"},
    ),
    Target(
        "apply through the open link",
        "schemes:open_apply",
        {"token": "@open_link"},
        role="outsider",
        text=("role",),
        base={"role": "mentee"},
    ),
    Target(
        "sign up",
        "account_signup",
        role="anonymous",
        text=("name", "email", "password1", "password2"),
        base={
            "name": "Sam Jones",
            "email": "sam@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    ),
    Target(
        "sign in",
        "account_login",
        role="anonymous",
        text=("login", "password"),
        base={"login": "sam@example.org", "password": "a-long-enough-passphrase"},
    ),
    Target(
        "password reset",
        "account_reset_password",
        role="anonymous",
        text=("email",),
        base={"email": "sam@example.org"},
    ),
    Target(
        "add an e-mail address",
        "account_email",
        role="outsider",
        text=("email",),
        base={"email": "second@example.org", "action_add": ""},
        shows=(("", "account_email", {}),),
    ),
    Target(
        "matching weights",
        "matching:settings",
        SCHEME,
        text=("areas", "locations", "department", "term", "seniority", "reset"),
        shows=(("", "matching:settings", SCHEME),),
    ),
    Target(
        "matching example",
        "matching:settings",
        SCHEME,
        method="get",
        text=("mentee", "mentor"),
    ),
    Target(
        "proposal filters",
        "matching:run",
        {"slug": "council", "pk": "@match_run"},
        method="get",
        text=("q", "min_score", "pinned", "sort", "page", "unmatched_page"),
    ),
    Target(
        "compare runs",
        "matching:run_compare",
        SCHEME,
        method="get",
        text=("a", "b"),
    ),
    Target(
        "swap a mentor",
        "matching:proposal_swap",
        {"slug": "council", "pk": "@proposal"},
        text=("mentor", "reason"),
    ),
    Target(
        "pin a proposal",
        "matching:proposal_pin",
        {"slug": "council", "pk": "@proposal"},
        text=("pinned",),
    ),
    Target(
        "assign an unmatched mentee",
        "matching:unmatched",
        {"slug": "council", "pk": "@unmatched"},
        text=("mentor", "reason"),
    ),
    Target(
        "mentorship filters",
        "matching:scheme_mentorships",
        SCHEME,
        method="get",
        text=("status", "page"),
    ),
    Target(
        "reply to a match",
        "matching:mentorship_reply",
        {"pk": "@mentorship"},
        role="mentee",
        text=("decision", "reason"),
        shows=(("", "matching:mentorship", {"pk": "@mentorship"}),),
    ),
    Target(
        "end a mentorship",
        "matching:mentorship_end",
        {"pk": "@mentorship"},
        role="mentor",
        text=("reason",),
    ),
    Target(
        "ask a mentor from the shortlist",
        "matching:shortlist",
        {"pk": "@shortlist_application"},
        role="mentee",
        text=("mentor",),
    ),
]


@pytest.fixture
def draft(scheme, outsider, question):
    """A mentee's draft in ``scheme``, which asks ``question``."""
    return ApplicationFactory(scheme=scheme, user=outsider, role=Role.MENTEE)


@pytest.fixture
def draft_owner(draft):
    return draft.user


def hostile_csv(draw, header: list[str]) -> str:
    """A CSV with ``header`` and a few rows of hostile cells (or just random text)."""
    if draw(st.booleans()):
        return draw(st.one_of(VALUE, st.text(max_size=300)))
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=0, max_size=len(header) + 2),
            min_size=1,
            max_size=3,
        )
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def assert_nothing_injected(response) -> None:
    if response.get("Content-Type", "").startswith("text/html"):
        content = response.content.decode()
        assert "<script>" not in content, "a <script> from the input was rendered"
        assert "onerror=alert" not in content.replace("onerror=alert(1)&gt;", "")


# Every field is first given each of these alone (the rest of the post valid), so that
# each reaches the database or the page at least once; then hypothesis mixes them all.
SWEEP = [SCRIPT, "a\x00b"]


@pytest.mark.parametrize("target", TARGETS, ids=[target.name for target in TARGETS])
def test_hostile_values_never_answer_500_nor_come_back_as_markup(client, request, target):
    # The objects the target needs exist before the first example.
    kwargs = resolve_kwargs(request, target.kwargs)
    users = {
        role: request.getfixturevalue(role)
        for role in {target.role, *(who for who, _, _ in target.shows if who)} - {"anonymous"}
    }
    url = reverse(target.url, kwargs=kwargs)
    shows = [
        (who or target.role, reverse(name, kwargs=resolve_kwargs(request, page_kwargs)))
        for who, name, page_kwargs in target.shows
    ]
    scheme = request.getfixturevalue("scheme")
    header = template_rows(scheme)[0] if target.upload == "applications" else []
    header = header or ["name", "email", "role"]
    # The questions step's field is named after the question's id.
    question_pk = str(request.getfixturevalue("question").pk)
    base = {key.replace("@question", question_pk): v for key, v in target.base.items()}
    text_fields = tuple(name.replace("@question", question_pk) for name in target.text)

    def sign_in(role: str) -> None:
        if role == "anonymous":
            client.logout()
        else:
            client.force_login(users[role])

    def check(posted: dict, *, show: bool = True) -> None:
        sign_in(target.role)
        if target.method == "get":
            response = client.get(url, posted)
        else:
            response = client.post(url, posted, follow=True)
        assert response.status_code < 500, (target.name, posted)
        assert_nothing_injected(response)
        for who, page in shows if show else []:
            sign_in(who)
            shown = client.get(page)
            assert shown.status_code < 500, (page, posted)
            assert_nothing_injected(shown)

    def upload(text: str) -> dict:
        if not target.upload:
            return {}
        return {"file": SimpleUploadedFile("hostile.csv", text.encode(), "text/csv")}

    for name in text_fields + target.lists:
        for value in SWEEP:
            posted = {**base, name: [value] if name in target.lists else value}
            check({**posted, **upload(value)}, show=value == SCRIPT)
    for value in SWEEP:
        row = [value] * len(header)
        check({**base, **upload(f"{','.join(header)}\n{','.join(row)}\n")})

    @settings(
        max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "6")),
        deadline=None,
        database=None,
        # A busy machine must not fail the property: only a 500 or markup fails it.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(data=st.data())
    def post_hostile_values(data):
        posted = dict(base)
        fields = data.draw(
            st.lists(st.sampled_from(text_fields + target.lists), unique=True, min_size=1)
            if text_fields or target.lists
            else st.just([])
        )
        for name in fields:
            if name in target.lists:
                posted[name] = data.draw(st.lists(VALUE, max_size=6))
            else:
                posted[name] = data.draw(VALUE)
        if target.upload:
            posted.update(upload(hostile_csv(data.draw, header)))
        check(posted)

    post_hostile_values()
