"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def evaluation_list(request, *args, **kwargs):
    raise Http404("Not built yet.")


def evaluation(request, *args, **kwargs):
    raise Http404("Not built yet.")


def final_review(request, *args, **kwargs):
    raise Http404("Not built yet.")
