"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def agreement_page(request, *args, **kwargs):
    raise Http404("Not built yet.")


def agreement_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


def agreement_sign(request, *args, **kwargs):
    raise Http404("Not built yet.")


def agreement_compare(request, *args, **kwargs):
    raise Http404("Not built yet.")


def agreement_version(request, *args, **kwargs):
    raise Http404("Not built yet.")


def agreement_print(request, *args, **kwargs):
    raise Http404("Not built yet.")
