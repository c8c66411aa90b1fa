"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def session_settings(request, *args, **kwargs):
    raise Http404("Not built yet.")
