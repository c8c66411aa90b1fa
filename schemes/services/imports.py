"""Import applications made before the scheme used this site (on paper or in a form
tool) from a CSV whose columns are the questionnaire's fields.

Every row is checked first (``applications_preview``); then every valid row is imported
in one transaction (``applications_import``): a person new to the site gets an account
and a submitted application, and is not e-mailed; a person who already has an account
gets a draft and an invitation, and submits it themselves. On the upload page the
checked file waits on the server (``ImportUpload``) for the coordinator's confirmation.
``docs/import.md`` describes the columns for the people who fill in the spreadsheet;
``tests/schemes/test_import_services.py`` keeps it up to date.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from mentoring.services import users_bulk_get_or_create, users_by_email
from mentoring.validators import (
    EMAIL_MAX_LENGTH,
    clean_cells,
    csv_rows,
    formula_safe,
    shown_cells,
)
from schemes import questionnaire
from schemes.choices import DESCRIPTIVE_WORD_COUNT, DESCRIPTIVE_WORDS
from schemes.models import Application, CustomQuestion, ImportUpload, ParticipantRole, Scheme
from schemes.services.invitations import InvitationRow, invitations_bulk_create

FIXED_COLUMNS = ("email", "name", "role", "submitted_at")
# The questionnaire's own fields, in its order ("name" is one of the fixed columns).
FIELD_COLUMNS = tuple(
    name for step in questionnaire.STEPS for name in step.fields if name != "name"
)
QUESTION_PREFIX = "q:"
LIST_SEPARATOR = ";"
MAX_ROWS = 10_000
BATCH_SIZE = 500
# Left empty, these take the scheme's default rather than rejecting the row.
DEFAULTED = frozenset({"capacity"})
COLUMN_ALIASES = {"e-mail": "email", "e_mail": "email", "full_name": "name"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
NAME_MAX_LENGTH = 150
# How long an uploaded file waits for its confirmation.
UPLOAD_VALID_FOR = timedelta(hours=1)


@dataclass(frozen=True)
class ImportRow:
    """A row that can be imported, with its values typed and checked."""

    line: int
    email: str
    name: str
    role: str
    values: dict  # Application fields
    answers: dict  # custom questions' answers by question id
    submitted_at: datetime | None  # None: the time of the import


@dataclass(frozen=True)
class RejectedRow:
    line: int
    name: str
    email: str
    reasons: list[str]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class ApplicationsPreview:
    """What an import would do: the rows that would be imported and those that would
    not, or a problem with the whole file (then nothing can be imported)."""

    valid: list[ImportRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class ApplicationsImported:
    imported: int  # rows imported, as submitted applications or as invitations
    invited: int  # of which invitations to people who already had an account
    new_people: int  # accounts made
    rejected: list[RejectedRow]


def question_column(question: CustomQuestion) -> str:
    """The column of one of the scheme's own questions."""
    return f"{QUESTION_PREFIX}{question.text}"


def import_columns(questions: list[CustomQuestion]) -> list[str]:
    """Every column a file for a scheme with ``questions`` may have, in the template's
    order."""
    return [*FIXED_COLUMNS, *FIELD_COLUMNS, *(question_column(q) for q in questions)]


def field_kind(name: str) -> str:
    """How a questionnaire field is written in a cell: "list" (separated by ";"),
    "choice" (a value or a label), "integer" or "text"."""
    model_field = questionnaire.model_field(name)
    if isinstance(model_field, models.JSONField):
        return "list"
    if model_field.choices:
        return "choice"
    if isinstance(model_field, models.IntegerField):
        return "integer"
    return "text"


def scheme_lists(scheme: Scheme) -> dict[str, list[str]]:
    """The fields whose answers must come from a list, with that list. A scheme with
    no departments or locations takes any."""
    lists = {
        "descriptive_words": list(DESCRIPTIVE_WORDS),
        "grade": list(scheme.grades),
        "areas_wanted": list(scheme.development_areas),
        "areas_offered": list(scheme.development_areas),
    }
    if scheme.departments:
        lists["department"] = lists["avoid_departments"] = list(scheme.departments)
    if scheme.locations:
        lists["locations"] = list(scheme.locations)
    return lists


def applications_template(scheme: Scheme) -> str:
    """A CSV with the header for ``scheme`` and one sample row (a mentee) that would
    import as it is, to show how each column is filled in. A cell that a spreadsheet
    would run as a formula (a coordinator's list entry "=1+1") is escaped."""
    questions = list(scheme.questions.all())
    areas = scheme.development_areas
    sample = {
        "email": "alex.taylor@example.org",
        "name": "Alex Taylor",
        "role": ParticipantRole.MENTEE.value,
        "submitted_at": "2025-01-15",
        "title": "Ms",
        "phone": "01632 960123",
        "professional_body": "",
        "descriptive_words": f"{LIST_SEPARATOR} ".join(DESCRIPTIVE_WORDS[:5]),
        "heard_from": "intranet",
        "job_title": "Policy officer",
        "grade": scheme.grades[len(scheme.grades) // 2],
        "department": scheme.departments[0] if scheme.departments else "Housing",
        "qualifications": "BA (Hons) Social Policy",
        "time_in_role": "1-2",
        "responsibilities": "Housing policy and casework for the north of the borough.",
        "locations": f"{LIST_SEPARATOR} ".join(scheme.locations[:2]),
        "travel": "10",
        "face_to_face": "3",
        "term": "long",
        "match_preference": "other",
        "reason": "confidence",
        "reason_details": "I have a new team to lead and would like to speak up more.",
        "areas_wanted": f"{LIST_SEPARATOR} ".join(areas[:2]),
        "success_means": "Leading my team's meetings with confidence.",
    }
    for question in questions:
        if question.asks(ParticipantRole.MENTEE):
            sample[question_column(question)] = _sample_answer(question)
    columns = import_columns(questions)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([formula_safe(column) for column in columns])
    writer.writerow([formula_safe(sample.get(column, "")) for column in columns])
    return out.getvalue()


def applications_preview(*, scheme: Scheme, text: str) -> ApplicationsPreview:
    """Check every row of an applications CSV without changing anything.

    A whole-file problem (no header, an unknown, repeated or missing column, too many
    rows) is ``error``. Otherwise each row is valid, or rejected with every reason: a
    bad e-mail address, an unknown role, a value not in the scheme's lists, not five
    descriptive words, a required answer missing, the same person and role twice in the
    file, or someone who has already applied.
    """
    preview = ApplicationsPreview()
    try:
        lines = list(csv_rows(text))
    except csv.Error as error:
        preview.error = f"The file could not be read as CSV: {error}."
        return preview
    if not lines:
        preview.error = "The file is empty: it needs a header row, then one row per application."
        return preview
    questions = list(scheme.questions.all())
    _, header = lines[0]
    columns, problems = _read_header(header, questions)
    body = lines[1:]
    if not problems and not body:
        problems.append("The file has a header but no applications under it.")
    if len(body) > MAX_ROWS:
        problems.append(f"The file has {len(body)} rows; import at most {MAX_ROWS} at a time.")
    if not problems:
        missing = _missing_columns(columns, body, questions, scheme)
        if missing:
            problems.append(
                "The file has no column for: "
                + ", ".join(missing)
                + ". Every row's answers need one; download the template for the full header."
            )
    if problems:
        preview.error = " ".join(problems)
        return preview

    checker = _RowChecker(scheme, questions, columns)
    for line, cells in body:
        checker.check(line, cells, preview)
    return preview


@transaction.atomic
def applications_import(*, scheme: Scheme, text: str, imported_by) -> ApplicationsImported:
    """Import every valid row of the CSV in one transaction, and return what was done.
    The rows are checked again (the file may have been previewed before someone applied
    meanwhile). A whole-file problem is raised, and nothing is imported.

    A person new to the site gets an account and a submitted application marked as
    imported, with the consent they gave on the original form; they are not e-mailed.
    A person who already has an account is never given an application they did not
    submit here: they get a draft holding the imported answers and an e-mailed
    invitation, and submit it themselves, giving their own consent.
    """
    # One import at a time per scheme, so that two never add the same person twice.
    Scheme.objects.select_for_update().get(pk=scheme.pk)
    preview = applications_preview(scheme=scheme, text=text)
    if preview.error:
        raise ValidationError(preview.error)
    now = timezone.now()
    existing = users_by_email(list({row.email for row in preview.valid}))
    users, new_people = _users_for([row for row in preview.valid if row.email not in existing])
    users |= existing
    invitations = {
        (invitation.email, invitation.role): invitation
        for invitation in invitations_bulk_create(
            scheme=scheme,
            rows=[
                InvitationRow(row.line, row.name, row.email, row.role)
                for row in preview.valid
                if row.email in existing
            ],
            invited_by=imported_by,
        )
    }
    consent = (
        "Consent given on the original application form (imported by "
        f"{imported_by.display_name} on {timezone.localdate(now):%-d %B %Y})"
    )
    questions = list(scheme.questions.all())
    last_step = {
        role.value: questionnaire.steps_for(role, questions)[-1].slug for role in ParticipantRole
    }
    applications = []
    for row in preview.valid:
        application = Application(
            scheme=scheme,
            user=users[row.email],
            role=row.role,
            imported=True,
            last_step=last_step[row.role],
            answers=row.answers,
            **row.values,
        )
        invitation = invitations.get((row.email, row.role))
        if invitation is None:
            application.status = Application.Status.SUBMITTED
            application.submitted_at = row.submitted_at or now
            application.consent_text, application.consented_at = consent, now
        else:
            application.invitation = invitation
        applications.append(application)
    Application.objects.bulk_create(applications, batch_size=BATCH_SIZE)
    return ApplicationsImported(
        imported=len(applications),
        invited=len(invitations),
        new_people=new_people,
        rejected=preview.rejected,
    )


@transaction.atomic
def import_upload_create(*, scheme: Scheme, uploaded_by, text: str) -> ImportUpload:
    """Keep a previewed file on the server for its coordinator to confirm. Their earlier
    file for the scheme, and every expired file, are deleted."""
    ImportUpload.objects.filter(expires_at__lte=timezone.now()).delete()
    ImportUpload.objects.filter(scheme=scheme, uploaded_by=uploaded_by).delete()
    upload = ImportUpload(
        scheme=scheme,
        uploaded_by=uploaded_by,
        data=text.encode("utf-8"),
        expires_at=timezone.now() + UPLOAD_VALID_FOR,
    )
    upload.full_clean()
    upload.save()
    return upload


@transaction.atomic
def import_upload_confirm(*, upload: ImportUpload, imported_by) -> ApplicationsImported:
    """Import the kept file ``upload`` into its scheme (``applications_import``), then
    delete it: a file is imported once, even when its confirmation is sent twice."""
    kept = ImportUpload.objects.select_for_update().filter(pk=upload.pk).first()
    if kept is None:
        raise ValidationError("This file has already been imported.")
    result = applications_import(scheme=upload.scheme, text=kept.text, imported_by=imported_by)
    kept.delete()
    return result


def import_uploads_delete_expired() -> int:
    """Delete the files nobody confirmed in time; returns how many."""
    deleted, _ = ImportUpload.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- reading the file ----------------------------------------------------------------


def _normalise_question(text: str) -> str:
    return " ".join(text.split()).casefold()


def _read_header(header: list[str], questions: list[CustomQuestion]):
    """The column of each known key (a field name or a question id), and the problems."""
    by_text = {_normalise_question(q.text): q for q in questions}
    known = set(FIXED_COLUMNS) | set(FIELD_COLUMNS)
    columns: dict[str | int, int] = {}
    unknown, repeated = [], []
    for index, cell in enumerate(header):
        title = cell.strip()
        key: str | int | None
        if title[: len(QUESTION_PREFIX)].lower() == QUESTION_PREFIX:
            question = by_text.get(_normalise_question(title[len(QUESTION_PREFIX) :]))
            key = question.pk if question else None
        else:
            key = title.lower().replace(" ", "_")
            key = COLUMN_ALIASES.get(key, key)
            key = key if key in known else None
        if key is None:
            if title:
                unknown.append(f"“{title}”")
        elif key in columns:
            repeated.append(f"“{title}”")
        else:
            columns[key] = index
    problems = []
    if unknown:
        problems.append(
            f"The file has {'columns' if len(unknown) > 1 else 'a column'} this scheme "
            f"does not know: {', '.join(unknown)}. Each column must be a questionnaire field or "
            "“q:” and the text of one of the scheme's own questions."
        )
    if repeated:
        problems.append(f"These columns appear more than once: {', '.join(repeated)}.")
    return columns, problems


def _missing_columns(columns: dict, body, questions: list[CustomQuestion], scheme) -> list[str]:
    """The columns the file needs but lacks: the e-mail and role, and each column
    required for a role that appears in the file."""
    needed: list[str | int] = ["email", "role"]
    if "role" in columns:
        roles = {_ROLE_WORDS.get(_cell(cells, columns["role"]).lower()) for _, cells in body} - {
            None
        }
        for role in ParticipantRole:
            if role not in roles:
                continue
            required = questionnaire.required_fields(scheme, role) - DEFAULTED
            needed += [name for name in (*FIXED_COLUMNS, *FIELD_COLUMNS) if name in required]
            needed += [q.pk for q in questionnaire.questions_for(questions, role) if q.required]
    by_pk = {q.pk: question_column(q) for q in questions}
    missing = []
    for key in dict.fromkeys(needed):
        if key not in columns:
            missing.append(by_pk[key] if isinstance(key, int) else key)
    return missing


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


_ROLE_WORDS = {role.value: role.value for role in ParticipantRole} | {
    str(role.label).lower(): role.value for role in ParticipantRole
}


class _RowChecker:
    """Checks rows one by one, remembering the people seen, against what the scheme
    already holds (read once)."""

    def __init__(self, scheme: Scheme, questions: list[CustomQuestion], columns: dict):
        self.scheme = scheme
        self.questions = questions
        self.columns = columns
        self.lists = scheme_lists(scheme)
        self.lookups = {
            name: {v.casefold(): v for v in values} for name, values in self.lists.items()
        }
        self.choices = {
            name: {
                **{str(value).casefold(): value for value, _ in choices},
                **{str(label).casefold(): value for value, label in choices},
            }
            for name in FIELD_COLUMNS
            if (choices := questionnaire.model_field(name).flatchoices)
        }
        self.fields = {
            role: [
                name
                for step in questionnaire.STEPS
                if step.applies_to(role)
                for name in step.fields
                if name != "name"
            ]
            for role in ParticipantRole.values
        }
        self.common = self.fields[ParticipantRole.MENTEE.value]
        self.common = [name for name in self.common if name in self.fields[ParticipantRole.MENTOR]]
        self.existing = {
            (email, role): status
            for email, role, status in Application.objects.filter(scheme=scheme)
            .annotate(email_lower=Lower("user__email"))
            .values_list("email_lower", "role", "status")
        }
        self.seen: dict[tuple[str, str], int] = {}
        self.now = timezone.now()
        self.width = len(columns) and max(columns.values()) + 1
        self.model_fields = {name: questionnaire.model_field(name) for name in FIELD_COLUMNS}
        self.kinds = {name: field_kind(name) for name in FIELD_COLUMNS}
        # One application to check every row's answers with, reset for each row: making
        # a model instance per row would cost more than all the checks together.
        self.probe = Application(scheme=scheme, user=get_user_model()())
        self.blank = {name: field.get_default() for name, field in self.model_fields.items()}

    def check(self, line: int, cells: list[str], preview: ApplicationsPreview) -> None:
        try:
            cells = clean_cells(cells)
        except ValidationError as error:
            shown = shown_cells(cells)
            name, email = (_cell(shown, self.columns.get(key)) for key in ("name", "email"))
            preview.rejected.append(RejectedRow(line, name, email, error.messages))
            return
        reasons = []
        get = lambda key: _cell(cells, self.columns.get(key))  # noqa: E731
        email, name, role_text = get("email").lower(), get("name"), get("role")
        if any(cell.strip() for cell in cells[self.width :]):
            reasons.append("has more cells than the header has columns")
        if not email:
            reasons.append("no e-mail address")
        elif len(email) > EMAIL_MAX_LENGTH:
            reasons.append(f"the e-mail address is longer than {EMAIL_MAX_LENGTH} characters")
            email = ""
        else:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(f"“{email}” is not a valid e-mail address")
                email = ""
        role = _ROLE_WORDS.get(role_text.lower())
        if role is None:
            reasons.append(
                f"the role must be mentee or mentor (not “{role_text}”)"
                if role_text
                else "no role: write mentee or mentor"
            )
        if len(name) > NAME_MAX_LENGTH:
            reasons.append(f"the name is longer than {NAME_MAX_LENGTH} characters")
        if email and role:
            label = ParticipantRole(role).label.lower()
            status = self.existing.get((email, role))
            if status is not None:
                status_label = Application.Status(status).label.lower()
                reasons.append(f"already has a {status_label} application as a {label}")
            elif (email, role) in self.seen:
                reasons.append(
                    f"appears more than once in this file as a {label} "
                    f"(first on line {self.seen[email, role]})"
                )

        values = {}
        for name_ in self.fields[role] if role else self.common:
            text = get(name_)
            if not text:
                continue
            try:
                values[name_] = self._value(name_, text)
                # The model's own limits: lengths, e-mail addresses, the capacity's range.
                self.model_fields[name_].run_validators(values[name_])
            except ValidationError as error:
                reasons.append(f"{questionnaire.field_label(name_)}: {error.messages[0]}")
        answers = {}
        for question in questionnaire.questions_for(self.questions, role) if role else []:
            text = get(question.pk)
            if not text:
                continue
            try:
                answers[str(question.pk)] = _answer(question, text)
            except ValidationError as error:
                reasons.append(f"{question.text}: {error.messages[0]}")
        submitted_at = None
        if get("submitted_at"):
            try:
                submitted_at = self._moment(get("submitted_at"))
            except ValidationError as error:
                reasons.append(f"Submitted at: {error.messages[0]}")

        if role:
            if role == ParticipantRole.MENTOR and values.get("capacity") is None:
                values["capacity"] = self.scheme.default_mentor_capacity
            reasons += self._incomplete(name, email, role, values, answers)

        if reasons or role is None:  # no role is always among the reasons
            preview.rejected.append(RejectedRow(line, name, get("email"), reasons))
            return
        self.seen[email, role] = line
        preview.valid.append(ImportRow(line, email, name, role, values, answers, submitted_at))

    def _value(self, name: str, text: str):
        kind = self.kinds[name]
        allowed = self.lookups.get(name)
        if kind == "list":
            items = list(dict.fromkeys(i.strip() for i in text.split(LIST_SEPARATOR) if i.strip()))
            if allowed is None:
                return items
            unknown = [item for item in items if item.casefold() not in allowed]
            if unknown:
                raise ValidationError(
                    f"{_quoted(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the "
                    f"list ({_quoted(self.lists[name])})"
                )
            return list(dict.fromkeys(allowed[item.casefold()] for item in items))
        if kind == "choice":
            value = self.choices[name].get(text.casefold())
            if value is None:
                values = [str(v) for v, _ in questionnaire.model_field(name).flatchoices]
                raise ValidationError(f"“{text}” is not one of the choices ({', '.join(values)})")
            return value
        if kind == "integer":
            try:
                return int(text)
            except ValueError:
                raise ValidationError(f"“{text}” is not a whole number") from None
        if allowed is not None:
            if text.casefold() not in allowed:
                raise ValidationError(
                    f"“{text}” is not one of the scheme's entries ({_quoted(self.lists[name])})"
                )
            return allowed[text.casefold()]
        return text

    def _moment(self, text: str) -> datetime:
        for pattern in (*DATE_FORMATS, *DATETIME_FORMATS):
            try:
                moment = datetime.strptime(text, pattern)  # noqa: DTZ007 made aware below
            except ValueError:
                continue
            moment = timezone.make_aware(moment)
            if moment > self.now:
                raise ValidationError(f"{text} is in the future")
            return moment
        raise ValidationError(f"“{text}” is not a date such as 2025-01-31 or 31/01/2025 14:30")

    def _incomplete(self, name, email, role, values, answers) -> list[str]:
        """The questionnaire's required answers the row lacks, as a reason."""
        probe = self.probe
        for field_name, blank in self.blank.items():
            setattr(probe, field_name, values.get(field_name, blank))
        probe.role, probe.answers = role, answers
        probe.user.email, probe.user.name = email, name
        missing = questionnaire.missing_answers(probe, self.questions)
        return ["missing: " + "; ".join(missing)] if missing else []


def _answer(question: CustomQuestion, text: str):
    """The answer to one of the scheme's own questions as the questionnaire stores it."""
    if question.kind == CustomQuestion.Kind.TEXT:
        return text
    if question.kind == CustomQuestion.Kind.SCALE:
        if text.isdigit() and 1 <= int(text) <= 5:
            return int(text)
        raise ValidationError(f"“{text}” is not a number from 1 to 5")
    allowed = {str(choice).casefold(): choice for choice in question.choices}
    items = [text]
    if question.kind == CustomQuestion.Kind.MULTIPLE:
        items = [i.strip() for i in text.split(LIST_SEPARATOR) if i.strip()]
    unknown = [item for item in items if item.casefold() not in allowed]
    if unknown:
        raise ValidationError(
            f"{_quoted(unknown)} {'is' if len(unknown) == 1 else 'are'} not one of its "
            f"choices ({_quoted(question.choices)})"
        )
    chosen = list(dict.fromkeys(allowed[item.casefold()] for item in items))
    return chosen if question.kind == CustomQuestion.Kind.MULTIPLE else chosen[0]


def _sample_answer(question: CustomQuestion) -> str:
    if question.kind == CustomQuestion.Kind.SCALE:
        return "3"
    if question.kind in CustomQuestion.CHOICE_KINDS:
        return str(question.choices[0])
    return "An example answer"


def _quoted(values) -> str:
    return ", ".join(f"“{value}”" for value in values)


# --- writing ---------------------------------------------------------------------------


def _users_for(rows: list[ImportRow]) -> tuple[dict, int]:
    """The account of each row's person by e-mail address: the existing one, else a new
    one with no usable password and an unverified address. Returns them and how many
    are new."""
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.email, row.name)
    return users_bulk_get_or_create(names=names, password=make_password(None), verified=False)


# --- describing the columns ------------------------------------------------------------

FIXED_MEANINGS = {
    "email": (
        "The person's e-mail address. Their account is found with it (whatever its case), "
        "or made for them."
    ),
    "name": "The person's full name.",
    "role": "What they applied as.",
    "submitted_at": "When they applied. Left empty: the time of the import.",
}


@dataclass(frozen=True)
class ColumnGuide:
    column: str
    meaning: str
    required: str  # who must answer it: "Everyone", "Mentees", "Mentors" or ""
    allowed: str


def column_guide(scheme: Scheme) -> list[ColumnGuide]:
    """What each column of ``scheme``'s import file means, who must fill it in and
    what it accepts, for the upload page."""
    questions = list(scheme.questions.all())
    lists = scheme_lists(scheme)
    needed = {role: questionnaire.required_fields(scheme, role) for role in ParticipantRole}
    guide = []
    for column in (*FIXED_COLUMNS, *FIELD_COLUMNS):
        mentee = column in needed[ParticipantRole.MENTEE] or column in ("email", "role")
        mentor = column in needed[ParticipantRole.MENTOR] or column in ("email", "role")
        required = "Everyone" if mentee and mentor else "Mentees" if mentee else ""
        required = "Mentors" if mentor and not mentee else required
        guide.append(
            ColumnGuide(
                column,
                FIXED_MEANINGS.get(column) or questionnaire.field_label(column) + ".",
                required,
                _allowed(scheme, column, lists),
            )
        )
    for question in questions:
        audience = {
            CustomQuestion.Audience.BOTH: "Everyone",
            CustomQuestion.Audience.MENTEE: "Mentees",
            CustomQuestion.Audience.MENTOR: "Mentors",
        }[CustomQuestion.Audience(question.audience)]
        if question.kind == CustomQuestion.Kind.SCALE:
            allowed = "A number from 1 to 5."
        elif question.kind == CustomQuestion.Kind.TEXT:
            allowed = "Any text."
        else:
            allowed = f"{'One' if question.kind == 'single' else 'Any'} of: " + "; ".join(
                str(choice) for choice in question.choices
            )
        guide.append(
            ColumnGuide(
                question_column(question),
                f"The scheme's own question ({audience.lower()} are asked it).",
                audience if question.required else "",
                allowed,
            )
        )
    return guide


def _allowed(scheme: Scheme, column: str, lists: dict) -> str:
    if column == "role":
        return "mentee or mentor."
    if column == "submitted_at":
        return "A date such as 2025-01-31 or 31/01/2025, with a time if you like: 2025-01-31 14:30."
    if column in ("email", "line_manager_email"):
        return "An e-mail address."
    kind = field_kind(column) if column in FIELD_COLUMNS else "text"
    if kind == "choice":
        return "; ".join(
            f"{value} ({label})" for value, label in questionnaire.model_field(column).flatchoices
        )
    if column in lists:
        several = kind == "list"
        prefix = "Any of, separated by “;”: " if several else "One of: "
        if column == "descriptive_words":
            prefix = f"Exactly {DESCRIPTIVE_WORD_COUNT} of, separated by “;”: "
        return prefix + "; ".join(lists[column])
    if kind == "list":
        return "Any entries, separated by “;”."
    if column == "capacity":
        default = scheme.default_mentor_capacity
        return f"A number from 1 to 20. Left empty: the scheme's default ({default})."
    return "Any text."
