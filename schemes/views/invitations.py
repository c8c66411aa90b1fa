"""Being written: see the issue."""

from django.http import Http404


def invitation_landing(request, *args, **kwargs):  # placeholder until written
    raise Http404


def open_apply(request, *args, **kwargs):  # placeholder until written
    raise Http404


def invitation_list(request, *args, **kwargs):  # placeholder until written
    raise Http404


def invitation_upload(request, *args, **kwargs):  # placeholder until written
    raise Http404


def invitation_resend(request, *args, **kwargs):  # placeholder until written
    raise Http404


def invitation_revoke(request, *args, **kwargs):  # placeholder until written
    raise Http404
