"""The one way the product sends e-mail.

Each e-mail is three templates, ``templates/emails/<name>_subject.txt``,
``<name>_body.txt`` and ``<name>_body.html``, rendered with the same context and sent
as one message with a plain-text and an HTML part. The plain-text templates (subject and
body) are rendered without HTML escaping, so that "O'Brien & Co" reads as typed; the
HTML body is escaped as every page is.

E-mails are sent by the outbox's worker (``mentoring.outbox``), which calls an app's
handler inside ``delivering``: each message sent is recorded on the outbox row at once,
so that a retry after a failure part-way (a mail server that took the first of three
messages) sends only the ones still due.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered with ``context`` and no HTML escaping."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


# A file attached to an e-mail: its name, its content and its MIME type.
Attachment = tuple[str, str | bytes, str]


def render_email(
    *,
    name: str,
    to: list[str],
    context: dict,
    attachments: list[Attachment] | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Build the message ``name`` for ``to``, with ``attachments`` and extra
    ``headers`` (such as ``List-Unsubscribe``), without sending it."""
    context = {"site_url": settings.SITE_URL, **context}
    rendered_subject = render_text(f"emails/{name}_subject.txt", context)
    # A header must be one line, whatever the template's whitespace.
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(rendered_subject.split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_text(f"emails/{name}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message


def rendered_email_send(
    *, to: list[str], subject: str, body: str, html: str = "", from_email: str = ""
) -> None:
    """Send a message rendered when it was put in the outbox (allauth's account e-mails:
    their links carry keys that exist only at that moment)."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@dataclass
class Delivery:
    """The messages of one outbox row already sent (by key), and how to record one more."""

    done: set[str]
    record: Callable[[str], None]


_delivery: ContextVar[Delivery | None] = ContextVar("delivery", default=None)


@contextmanager
def delivering(delivery: Delivery) -> Iterator[None]:
    """Send e-mails for one outbox row: ``send_email`` skips what ``delivery`` has done."""
    token = _delivery.set(delivery)
    try:
        yield
    finally:
        _delivery.reset(token)


def send_email(
    *,
    name: str,
    to: list[str],
    context: dict,
    attachments: list[Attachment] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Render and send the message ``name`` to ``to``, with ``attachments`` and
    ``headers`` (unless the outbox row being delivered has sent it already)."""
    delivery = _delivery.get()
    key = f"{name}:{','.join(sorted(to))}"
    if delivery is not None and key in delivery.done:
        return
    render_email(name=name, to=to, context=context, attachments=attachments, headers=headers).send()
    if delivery is not None:
        delivery.done.add(key)
        delivery.record(key)
