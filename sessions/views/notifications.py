"""Each person's notifications (being written)."""

from django.http import Http404


def notification_list(request, *args, **kwargs):
    raise Http404


notification_open = notifications_read = notification_settings = unsubscribe = notification_list
