"""E-mails that failed: "Send again", from wherever a coordinator sees the failure (the
invitations list, an application, a mentorship)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from mentoring.forms import message_service_error
from mentoring.models import OutboxMessage
from mentoring.outbox import outbox_resend
from schemes.permissions import SchemeAccess, coordinator_view, get_scheme_email, scheme_object
from schemes.views.review import safe_next


@coordinator_view
@scheme_object(get_scheme_email)
@require_POST
def email_resend(request: HttpRequest, access: SchemeAccess, email: OutboxMessage) -> HttpResponse:
    """Try a failed e-mail of the scheme once more, then go back to the page it was on."""
    try:
        outbox_resend(message=email)
    except ValidationError as error:
        message_service_error(request, error)
    else:
        email.refresh_from_db()
        if email.status == OutboxMessage.Status.SENT:
            messages.success(request, "The e-mail has been sent.")
        elif email.status == OutboxMessage.Status.FAILED:
            messages.error(
                request,
                f"The e-mail could not be sent this time either ({email.last_error}). "
                "Check the mail server's settings, then try again.",
            )
        else:
            messages.success(request, "The e-mail is on its way.")
    return redirect(safe_next(request, request.POST.get("next")) or access.scheme)
