"""Being written: see the issue."""

from django.http import Http404


def application_import(request, *args, **kwargs):  # placeholder until written
    raise Http404


def application_import_template(request, *args, **kwargs):  # placeholder until written
    raise Http404
