"""Being written: see the issue."""

from django.http import Http404


def scheme_create(request, *args, **kwargs):  # placeholder until written
    raise Http404


def scheme_edit(request, *args, **kwargs):  # placeholder until written
    raise Http404


def open_link(request, *args, **kwargs):  # placeholder until written
    raise Http404


def questions(request, *args, **kwargs):  # placeholder until written
    raise Http404


def question_edit(request, *args, **kwargs):  # placeholder until written
    raise Http404


def question_delete(request, *args, **kwargs):  # placeholder until written
    raise Http404


def question_move(request, *args, **kwargs):  # placeholder until written
    raise Http404
