"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def session_list(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_plan(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_log(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_detail(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_cancel(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_status(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_agenda(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_summary(request, *args, **kwargs):
    raise Http404("Not built yet.")


def session_calendar(request, *args, **kwargs):
    raise Http404("Not built yet.")


def action_status(request, *args, **kwargs):
    raise Http404("Not built yet.")
