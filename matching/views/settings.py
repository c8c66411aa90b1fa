"""The coordinator's matching settings: the weight of each criterion, with an example
pair whose points follow the weights as they are edited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from matching.forms.settings import ExampleForm, MatchingWeightsForm
from matching.selectors.settings import example_pair
from matching.services.settings import matching_weights_update
from mentoring.forms import add_service_error
from schemes.models import Scheme
from schemes.permissions import SchemeAccess, coordinator_view

EXAMPLE_FIELDS = ("mentee", "mentor")


@coordinator_view
@require_http_methods(["GET", "POST"])
def matching_settings(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The weights form; a POST saves the weights, or puts back the defaults."""
    scheme = access.scheme
    form = MatchingWeightsForm(request.POST or None, scheme=scheme)
    if request.method == "POST":
        reset = "reset" in request.POST
        if reset or form.is_valid():
            try:
                matching_weights_update(
                    scheme=scheme,
                    weights=None if reset else form.weights(),
                    updated_by=request.user,
                )
            except ValidationError as error:
                scheme.refresh_from_db()
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    "The weights are back to their defaults."
                    if reset
                    else "The weights have been saved. The next run uses them; runs already "
                    "made keep the weights they used.",
                )
                return redirect(_page_url(request, scheme))
    return _render(request, scheme, form)


@coordinator_view
@require_GET
def matching_example(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """The settings page with the example pair the coordinator chose (the example form
    sends its query here)."""
    return _render(request, access.scheme, MatchingWeightsForm(scheme=access.scheme))


def _render(request: HttpRequest, scheme: Scheme, form: MatchingWeightsForm) -> HttpResponse:
    chosen = _example_query(request)
    example_form = ExampleForm(chosen or None, scheme=scheme)
    if example_form.is_bound and example_form.is_valid():
        example = example_pair(
            scheme,
            mentee=example_form.cleaned_data["mentee"],
            mentor=example_form.cleaned_data["mentor"],
        )
    else:
        example = example_pair(scheme)
    questions = list(scheme.questions.filter(is_matching_criterion=True))
    return render(
        request,
        "matching/settings.html",
        {
            "scheme": scheme,
            "form": form,
            "example_form": example_form,
            "example": example,
            "example_query": chosen.urlencode() if chosen else "",
            "questions": questions,
        },
    )


def _example_query(request: HttpRequest) -> QueryDict | None:
    """The example's part of the query string (``mentee``, ``mentor``), or None."""
    query = request.GET.copy()
    for key in list(query):
        if key not in EXAMPLE_FIELDS:
            del query[key]
    return query if any(query.get(key, "").strip() for key in EXAMPLE_FIELDS) else None


def _page_url(request: HttpRequest, scheme: Scheme) -> str:
    """Back to the page, still showing the example the coordinator chose."""
    chosen = _example_query(request)
    if chosen:
        return f"{reverse('matching:settings_example', args=[scheme.slug])}?{chosen.urlencode()}"
    return reverse("matching:settings", args=[scheme.slug])
