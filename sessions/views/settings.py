"""The coordinators' session settings of a scheme: the time zone of its sessions, the
follow-up delay and the statements about the relationship."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mentoring.forms import add_service_error
from schemes.permissions import SchemeAccess, coordinator_view
from sessions.forms.evaluations import SessionSettingsForm
from sessions.selectors.settings import session_settings_for
from sessions.services.evaluations import session_settings_update


@coordinator_view
@require_http_methods(["GET", "POST"])
def session_settings(request: HttpRequest, access: SchemeAccess) -> HttpResponse:
    """Change the scheme's session settings."""
    scheme = access.scheme
    current = session_settings_for(scheme)
    form = SessionSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "time_zone": current.time_zone,
            "follow_up_months": current.follow_up_months,
            "relationship_items": "\n".join(current.relationship_items or []),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            session_settings_update(scheme=scheme, coordinator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The session settings are saved.")
            return redirect("sessions:session_settings", slug=scheme.slug)
    return render(request, "sessions/settings.html", {"scheme": scheme, "form": form})
