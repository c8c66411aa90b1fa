"""PLACEHOLDER: replaced by the helper that owns this module."""

from django.http import Http404


def goal_create(request, *args, **kwargs):
    raise Http404("Not built yet.")


def goal_detail(request, *args, **kwargs):
    raise Http404("Not built yet.")


def goal_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


def goal_status(request, *args, **kwargs):
    raise Http404("Not built yet.")


def goal_share(request, *args, **kwargs):
    raise Http404("Not built yet.")


def progress_record(request, *args, **kwargs):
    raise Http404("Not built yet.")


def target_create(request, *args, **kwargs):
    raise Http404("Not built yet.")


def target_edit(request, *args, **kwargs):
    raise Http404("Not built yet.")


def target_status(request, *args, **kwargs):
    raise Http404("Not built yet.")
