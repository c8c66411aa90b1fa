"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def scheme_pairs(request, *args, **kwargs):
    raise Http404("Not built yet.")


def pair_settings(request, *args, **kwargs):
    raise Http404("Not built yet.")


def scheme_pair(request, *args, **kwargs):
    raise Http404("Not built yet.")


def stage_correct(request, *args, **kwargs):
    raise Http404("Not built yet.")


def concerns(request, *args, **kwargs):
    raise Http404("Not built yet.")


def concern(request, *args, **kwargs):
    raise Http404("Not built yet.")
