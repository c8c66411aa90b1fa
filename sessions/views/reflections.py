"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def reflection(request, *args, **kwargs):
    raise Http404("Not built yet.")


def pulse(request, *args, **kwargs):
    raise Http404("Not built yet.")


def pairing_check(request, *args, **kwargs):
    raise Http404("Not built yet.")
