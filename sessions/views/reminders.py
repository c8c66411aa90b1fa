"""The coordinators' reminder rules and at-risk queue (being written)."""

from django.http import Http404


def reminder_settings(request, *args, **kwargs):
    raise Http404


at_risk = at_risk_handle = reminder_settings
