"""Being written: see the issue."""

from django.http import Http404


def application_list(request, *args, **kwargs):  # placeholder until written
    raise Http404


def application_detail(request, *args, **kwargs):  # placeholder until written
    raise Http404
