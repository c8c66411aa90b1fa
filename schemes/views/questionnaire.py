"""Being written: see the issue."""

from django.http import Http404


def my_schemes(request, *args, **kwargs):  # placeholder until written
    raise Http404


def application_overview(request, *args, **kwargs):  # placeholder until written
    raise Http404


def questionnaire_step(request, *args, **kwargs):  # placeholder until written
    raise Http404


def application_withdraw(request, *args, **kwargs):  # placeholder until written
    raise Http404
