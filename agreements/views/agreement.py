"""The pair's agreement: where it stands, the form of its text, the signature, every
version read-only and printable, and what changed between two versions.

Only the mentee and the mentor reach these pages (``pair_view``: 404 for anyone else).
Every change goes through ``agreements.services.agreement``; a save made on a text the
other person changed since is shown back with both texts rather than overwriting
theirs, and a signature names the hash of the text the page showed.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from agreements.forms.agreement import AgreementForm, CompareForm, SignForm
from agreements.models import AgreementVersion, Signature
from agreements.permissions import PairAccess, pair_view
from agreements.selectors.agreement import (
    AgreementState,
    agreement_fields,
    agreement_state,
    changed_fields,
    counted_signatures,
)
from agreements.services.agreement import (
    REQUIRED_TO_SIGN,
    AgreementConflict,
    agreement_draft_save,
)
from agreements.services.agreement import agreement_sign as sign_agreement
from matching.models import Mentorship
from mentoring.forms import add_service_error
from mentoring.models import User

FINISHED = "This mentorship has finished, so its agreement can be read but no longer changed."


@dataclass(frozen=True)
class SignerStatus:
    """Where one of the pair stands on the draft's current text."""

    person: User
    role: str
    is_viewer: bool
    signature: Signature | None
    # They signed an earlier text of this draft, which has changed since.
    stale: bool


def _agreement_url(access: PairAccess) -> str:
    return reverse("agreements:agreement", kwargs={"pk": access.mentorship.pk})


def _person(access: PairAccess, role: str) -> User:
    mentorship = access.mentorship
    return mentorship.mentee if role == "mentee" else mentorship.mentor


def _default_pair(state: AgreementState) -> tuple[int, int] | None:
    """The two versions compared when none are chosen: the version in force and the
    draft changing it, else the last two; None with fewer than two versions."""
    if state.draft is not None and state.in_force is not None:
        return state.in_force.number, state.draft.number
    if len(state.versions) < 2:
        return None
    return state.versions[-2].number, state.versions[-1].number


def _compare_form(state: AgreementState, data: QueryDict | None = None) -> CompareForm | None:
    pair = _default_pair(state)
    if pair is None:
        return None
    numbers = [version.number for version in state.versions]
    if data is None:
        return CompareForm(numbers=numbers, initial={"from": pair[0], "to": pair[1]})
    return CompareForm(data, numbers=numbers)


def _page(
    request: HttpRequest,
    access: PairAccess,
    state: AgreementState,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The agreement page, with ``sign_form`` as posted when a signature was refused."""
    draft, current = state.draft, state.current
    signers = []
    missing_to_sign: list[str] = []
    can_sign = False
    if draft is not None:
        signers = [
            SignerStatus(
                person=_person(access, role),
                role=role,
                is_viewer=role == access.role,
                signature=state.draft_signatures.get(role),
                stale=state.stale_signers(role),
            )
            for role in ("mentee", "mentor")
        ]
        missing_to_sign = [
            message for name, message in REQUIRED_TO_SIGN.items() if not getattr(draft, name)
        ]
        can_sign = access.can_change and not state.has_signed(access.role) and not missing_to_sign
        if can_sign and sign_form is None:
            sign_form = SignForm(initial={"content_hash": draft.content_hash})
    in_force_signatures = (
        sorted(counted_signatures(state.in_force).values(), key=lambda s: s.signed_at)
        if state.in_force
        else []
    )
    return render(
        request,
        "agreements/agreement/page.html",
        {
            "access": access,
            "mentorship": access.mentorship,
            "state": state,
            "current": current,
            "fields": agreement_fields(current) if current else [],
            "signers": signers,
            "in_force_signatures": in_force_signatures,
            "missing_to_sign": missing_to_sign,
            "sign_form": sign_form if can_sign else None,
            "viewer_signed": draft is not None and state.has_signed(access.role),
            "compare_form": _compare_form(state),
        },
        status=status,
    )


@pair_view
def agreement_page(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """The agreement as it stands: the version in force and the draft changing it, who
    has signed which, the text, the signature form, and every version."""
    return _page(request, access, agreement_state(access.mentorship))


@pair_view
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """The text of the agreement, saved as the pair's draft. A save over a change the
    other person made since the form was loaded is shown back with both texts."""
    mentorship = access.mentorship
    if not access.can_change:
        messages.info(request, FINISHED)
        return redirect(_agreement_url(access))
    state = agreement_state(mentorship)
    if request.method != "POST":
        form = AgreementForm(
            initial=AgreementForm.initial_for(mentorship, state.current), mentorship=mentorship
        )
        return _edit_page(request, access, state, form)
    form = AgreementForm(request.POST, mentorship=mentorship)
    if not form.is_valid():
        return _edit_page(request, access, state, form)
    try:
        result = agreement_draft_save(
            mentorship=mentorship,
            user=request.user,
            content=form.content(),
            base_number=form.cleaned_data["base_number"],
            base_revision=form.cleaned_data["base_revision"],
        )
    except AgreementConflict as conflict:
        return _conflict_page(request, access, form, conflict.current)
    except ValidationError as error:
        add_service_error(form, error)
        return _edit_page(request, access, agreement_state(mentorship), form)
    other = access.other.display_name
    if not result.changed:
        messages.info(request, "Nothing changed: the agreement is as it was.")
    else:
        text = (
            f"Saved as a draft of version {result.version.number}. {other} sees your "
            "changes when they next open the agreement; tell them when it is ready to read."
        )
        # A draft save never changes which version is in force.
        in_force = state.in_force
        if in_force is not None:
            text += (
                f" Version {in_force.number} stays in force until you both sign version "
                f"{result.version.number}."
            )
        if result.voided_signature:
            text += (
                f" {other} had signed the earlier text, so that signature no longer counts: "
                "you both sign this version again."
            )
        messages.success(request, text)
    return redirect(_agreement_url(access))


def _edit_page(
    request: HttpRequest,
    access: PairAccess,
    state: AgreementState,
    form: AgreementForm,
    conflict: dict | None = None,
) -> HttpResponse:
    signed_by = [
        "you" if role == access.role else access.other.display_name
        for role in state.draft_signatures
    ]
    if signed_by:
        signed_by[0] = signed_by[0][:1].upper() + signed_by[0][1:]
    return render(
        request,
        "agreements/agreement/edit.html",
        {
            "access": access,
            "mentorship": access.mentorship,
            "state": state,
            "form": form,
            "conflict": conflict,
            "signed_by": signed_by,
            "crumbs": [(_agreement_url(access), "Agreement")],
        },
    )


def _conflict_page(
    request: HttpRequest, access: PairAccess, form: AgreementForm, current: AgreementVersion
) -> HttpResponse:
    """The form again with everything the person typed, the text saved meanwhile beside
    theirs field by field, and the hidden base moved to that text, so that saving again
    deliberately replaces it."""
    data = request.POST.copy()
    data["base_number"] = str(current.number)
    data["base_revision"] = str(current.revision)
    rebound = AgreementForm(data, mentorship=access.mentorship)
    rebound.is_valid()
    if current.status == AgreementVersion.Status.IN_FORCE:
        alert = (
            f"While you were editing, version {current.number} was signed by you both and "
            f"is now in force. Saving again starts version {current.number + 1} from your text."
        )
        saved_by = f"In force (version {current.number})"
    elif current.edited_by_id == request.user.pk:
        alert = "You saved a change to the agreement in another window while editing here."
        saved_by = "Saved from your other window"
    else:
        alert = (
            f"{access.other.display_name} saved a change to the agreement while you were editing."
        )
        saved_by = f"Saved by {access.other.display_name}"
    conflict = {
        "alert": alert,
        "saved_by": saved_by,
        "version": current,
        "changes": changed_fields(form.content(), current.content()),
    }
    state = agreement_state(access.mentorship)
    return _edit_page(request, access, state, rebound, conflict=conflict)


@pair_view
@require_POST
def agreement_sign(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """Sign the draft whose text the page showed. A text changed since is refused, and
    the page shows the text as it is now."""
    mentorship = access.mentorship
    if not access.can_change:
        messages.info(request, FINISHED)
        return redirect(_agreement_url(access))
    form = SignForm(request.POST)
    if not form.is_valid():
        return _page(request, access, agreement_state(mentorship), sign_form=form)
    was_initiation = mentorship.stage == Mentorship.Stage.INITIATION
    try:
        version = sign_agreement(
            mentorship=mentorship,
            user=request.user,
            typed_name=form.cleaned_data["typed_name"],
            content_hash=form.cleaned_data["content_hash"],
        )
    except ValidationError as error:
        state = agreement_state(mentorship)
        draft = state.draft
        if draft is None or draft.content_hash != form.cleaned_data["content_hash"]:
            # The text changed (or was signed into force) since the page was loaded:
            # say so above the text as it is now, keeping the typed name.
            messages.error(request, " ".join(error.messages))
            fresh = SignForm(
                initial={
                    "typed_name": form.cleaned_data["typed_name"],
                    "content_hash": draft.content_hash if draft else "",
                }
            )
            return _page(request, access, state, sign_form=fresh)
        add_service_error(form, error)
        return _page(request, access, state, sign_form=form)
    if version.status == AgreementVersion.Status.IN_FORCE:
        text = f"Version {version.number} is now in force: you have both signed it."
        if was_initiation:
            text += (
                " Your mentorship has moved to the goal-setting stage: the next step is "
                "to turn your objectives into goals with targets."
            )
        messages.success(request, text)
    else:
        messages.success(
            request,
            f"You have signed version {version.number}. "
            f"Waiting for {access.other.display_name} to sign it.",
        )
    return redirect(_agreement_url(access))


def _version_context(access: PairAccess, number: int) -> dict:
    """Version ``number`` with its signatures, for the version and print pages; 404
    for a number the pair has no version of."""
    state = agreement_state(access.mentorship)
    version = state.find(number)
    if version is None:
        raise Http404("No such version.")
    signatures = [
        (signature, _person(access, signature.role), signature.content_hash == version.content_hash)
        for signature in version.signatures.all()
    ]
    previous = state.find(number - 1)
    return {
        "access": access,
        "mentorship": access.mentorship,
        "state": state,
        "version": version,
        "fields": agreement_fields(version),
        "signatures": signatures,
        "previous": previous,
        "crumbs": [(_agreement_url(access), "Agreement")],
        "version_label": f"Version {number}",
    }


@pair_view
def agreement_version(request: HttpRequest, access: PairAccess, number: int) -> HttpResponse:
    """One version, read-only: its status, its text and every signature on it."""
    return render(request, "agreements/agreement/version.html", _version_context(access, number))


@pair_view
def agreement_print(request: HttpRequest, access: PairAccess, number: int) -> HttpResponse:
    """One version as a document to print or save as PDF: no navigation, no buttons."""
    return render(request, "agreements/agreement/print.html", _version_context(access, number))


@pair_view
def agreement_compare(request: HttpRequest, access: PairAccess) -> HttpResponse:
    """What changed between two versions, field by field and word by word. Without a
    choice, the version in force against the draft (else the last two); a number the
    pair has no version of is a message beside its select."""
    state = agreement_state(access.mentorship)
    pair = _default_pair(state)
    context: dict = {
        "access": access,
        "mentorship": access.mentorship,
        "state": state,
        "form": None,
        "before": None,
        "after": None,
        "changes": [],
        "crumbs": [(_agreement_url(access), "Agreement")],
    }
    if pair is None:
        return render(request, "agreements/agreement/compare.html", context)
    data = QueryDict(mutable=True)
    data["from"] = request.GET.get("from") or str(pair[0])
    data["to"] = request.GET.get("to") or str(pair[1])
    form = _compare_form(state, data)
    context["form"] = form
    if form is not None and form.is_valid():
        before = state.find(form.cleaned_data["from"])
        after = state.find(form.cleaned_data["to"])
        if before is not None and after is not None:
            context["before"], context["after"] = before, after
            context["changes"] = changed_fields(before.content(), after.content())
    return render(request, "agreements/agreement/compare.html", context)


__all__ = [
    "agreement_compare",
    "agreement_edit",
    "agreement_page",
    "agreement_print",
    "agreement_sign",
    "agreement_version",
]
