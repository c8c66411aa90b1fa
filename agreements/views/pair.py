"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def pair_page(request, *args, **kwargs):
    raise Http404("Not built yet.")


def stage_advance(request, *args, **kwargs):
    raise Http404("Not built yet.")


def concern_raise(request, *args, **kwargs):
    raise Http404("Not built yet.")
