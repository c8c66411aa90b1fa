"""The transactional outbox: every e-mail and every task that must happen is first a row.

A service that changes something and must e-mail someone (or start a match run) calls
``outbox_add`` inside its own transaction: the row is saved with the change or not at
all. Once the transaction commits, the row is dispatched to a Celery worker
(``deliver_outbox_message``), and a broker that does not answer is logged, never
raised, so the person's request succeeds. The worker claims the row with a
conditional update (pending to sending, exactly one row changed), so two deliveries of
the same task, or a sweep that re-dispatches it, send it once. Every minute the sweep
(``outbox_sweep``) dispatches again the rows that are due and unsent, so a Redis
outage, a lost task or a restarted worker delays work and never loses it.

A handler that raises (a mail server that refuses, or does not answer) is tried again
later each time (``BACKOFF``, over about a day); then the row is marked failed with the
error, which the coordinators' pages show beside the invitation, decision or match,
with "Send again" (``outbox_resend``).

The ground floor knows no app: each app registers its handlers by name in its
``AppConfig.ready`` (``register_handler``), and a row stores the handler's name and the
ids it needs. The handler rebuilds the message when it runs, so an invitation revoked
meanwhile is not sent. E-mails sent by a handler are recorded on the row one by one
(``mentoring.emails.delivering``), so a retry after a failure part-way resends none.
"""

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from mentoring.emails import Delivery, delivering
from mentoring.models import OutboxMessage

logger = logging.getLogger(__name__)

# How long to wait before each retry of a row whose handler failed: 1 minute, 5, 30,
# 2 hours, 6, 12 (about 21 hours in all); the attempt after the last wait that fails
# marks the row failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A row still "sending" this long after a worker claimed it lost its worker (killed,
# restarted): the sweep gives it back to the queue.
LEASE = timedelta(minutes=15)
# The sweep leaves a row alone this long after it is due: the dispatch made when its
# transaction committed is usually on its way.
GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500
# After the broker refused a dispatch, this process does not try again for a while:
# an import of thousands of invitations would otherwise wait on each one.
BROKER_PAUSE_SECONDS = 30.0

Handler = Callable[..., Any]
HANDLERS: dict[str, Handler] = {}
# Handlers whose payload is emptied once sent (it holds a secret, such as a reset link).
FORGET_PAYLOAD: set[str] = set()

_broker_down_until = [0.0]


def register_handler(name: str, handler: Handler, *, forget_payload: bool = False) -> None:
    """Make ``handler`` the one the outbox calls for rows named ``name`` (from each
    app's ``AppConfig.ready``). It is called with the row's payload as keyword
    arguments, and raises for a failure worth retrying. With ``forget_payload`` the
    payload is emptied once the row is sent."""
    registered = HANDLERS.get(name)
    if registered is not None and registered is not handler:
        raise ValueError(f"Two outbox handlers are named {name!r}.")
    HANDLERS[name] = handler
    if forget_payload:
        FORGET_PAYLOAD.add(name)


# Writing -------------------------------------------------------------------------------


def outbox_add(
    *,
    handler: str,
    payload: dict[str, Any],
    kind: str = OutboxMessage.Kind.EMAIL,
    subject: tuple[str, int] | None = None,
    scheme_id: int | None = None,
) -> OutboxMessage:
    """Record work to be done once the current transaction commits, and dispatch it
    then. ``subject`` is the (type, id) of the object it belongs to; ``scheme_id`` the
    scheme whose coordinators see it fail."""
    (message,) = outbox_add_many(
        handler=handler, payloads=[payload], kind=kind, subjects=[subject], scheme_id=scheme_id
    )
    return message


def outbox_add_many(
    *,
    handler: str,
    payloads: list[dict[str, Any]],
    subjects: Iterable[tuple[str, int] | None],
    kind: str = OutboxMessage.Kind.EMAIL,
    scheme_id: int | None = None,
) -> list[OutboxMessage]:
    """``outbox_add`` for many rows of one handler at once (an import), in one insert."""
    if handler not in HANDLERS:
        raise ValueError(f"No outbox handler is named {handler!r}.")
    messages = [
        OutboxMessage(
            kind=kind,
            handler=handler,
            payload=payload,
            subject_type=subject[0] if subject else "",
            subject_id=subject[1] if subject else None,
            scheme_id=scheme_id,
        )
        for payload, subject in zip(payloads, subjects, strict=True)
    ]
    OutboxMessage.objects.bulk_create(messages, batch_size=SWEEP_BATCH)
    for message in messages:
        transaction.on_commit(_dispatcher(message.pk))
    return messages


def _dispatcher(message_id: int) -> Callable[[], None]:
    def dispatch() -> None:
        outbox_dispatch(message_id=message_id)

    return dispatch


def outbox_dispatch(*, message_id: int) -> bool:
    """Hand the row ``message_id`` to a worker. A broker that does not answer is
    logged, not raised: the row waits for the sweep. Returns whether it was handed
    over (with no broker configured, delivered here and now)."""
    # Imported here: the task module imports this one.
    from mentoring.tasks import deliver_outbox_message

    if time.monotonic() < _broker_down_until[0]:
        return False
    try:
        deliver_outbox_message.delay(message_id)
    except Exception:
        _broker_down_until[0] = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Outbox message %s could not be handed to a worker (is the broker down?); "
            "the sweep will send it.",
            message_id,
            exc_info=True,
        )
        return False
    return True


def outbox_deliver(*, message_id: int) -> str:
    """Do the work of the row ``message_id`` once: claim it (pending and due, to
    sending), call its handler, then mark it sent; a handler that raises is retried
    later (``BACKOFF``) or, after the last attempt, marked failed with its error.
    Returns the row's status afterwards ("missing" when there is none); a row another
    worker has claimed, or already done, is left as it is."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).update(
        status=OutboxMessage.Status.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if not claimed:
        return message.status
    handler = HANDLERS.get(message.handler)
    if handler is None:
        return _failed(message, f"No outbox handler is named {message.handler!r}.", final=True)
    delivery = Delivery(done=set(message.delivered), record=_recorder(message.pk))
    # Inside a caller's transaction (eager tasks in a test) a savepoint keeps it usable
    # after a database error, so the failure can still be recorded.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, delivering(delivery):
            handler(**message.payload)
    except Exception as error:
        logger.warning("Outbox message %s (%s) failed", message.pk, message.handler, exc_info=True)
        # Recorded again here: the savepoint's rollback took the records made inside it.
        message.delivered = sorted(delivery.done)
        return _failed(message, f"{type(error).__name__}: {error}"[:2000])
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        updated_at=timezone.now(),
    )
    if message.handler in FORGET_PAYLOAD:
        # Sent, and never sent again: the payload's link must not outlive the sending.
        OutboxMessage.objects.filter(pk=message.pk).update(payload={})
    return OutboxMessage.Status.SENT


def _recorder(message_id: int) -> Callable[[str], None]:
    def record(key: str) -> None:
        message = OutboxMessage.objects.get(pk=message_id)
        OutboxMessage.objects.filter(pk=message_id).update(delivered=[*message.delivered, key])

    return record


def _failed(message: OutboxMessage, error: str, *, final: bool = False) -> str:
    """Record a failed attempt of the claimed row: wait and retry, or give up."""
    attempts = message.attempts
    now = timezone.now()
    if final or attempts >= MAX_ATTEMPTS:
        status = OutboxMessage.Status.FAILED
        next_attempt_at = now
    else:
        status = OutboxMessage.Status.PENDING
        next_attempt_at = now + BACKOFF[attempts - 1]
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING).update(
        status=status,
        last_error=error,
        delivered=message.delivered,
        next_attempt_at=next_attempt_at,
        claimed_at=None,
        updated_at=now,
    )
    return status


def outbox_sweep() -> int:
    """Dispatch again every row that is due and still unsent a minute after it was due
    (a broker that was down, a task lost, a retry whose wait is over), after giving
    back the rows whose worker stopped while sending. Returns how many were
    dispatched (at most ``SWEEP_BATCH``; the next sweep takes the rest)."""
    now = timezone.now()
    lost = Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - LEASE)
    OutboxMessage.objects.filter(lost, attempts__gte=MAX_ATTEMPTS).update(
        status=OutboxMessage.Status.FAILED,
        last_error="The worker sending it stopped, on the last attempt.",
        claimed_at=None,
        updated_at=now,
    )
    OutboxMessage.objects.filter(lost).update(
        status=OutboxMessage.Status.PENDING,
        claimed_at=None,
        next_attempt_at=now - GRACE,
        updated_at=now,
    )
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now - GRACE
    ).order_by("next_attempt_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:SWEEP_BATCH])
    _broker_down_until[0] = 0.0  # the sweep runs on a worker: the broker answered
    return sum(outbox_dispatch(message_id=pk) for pk in ids)


@transaction.atomic
def outbox_resend(*, message: OutboxMessage) -> OutboxMessage:
    """Try a failed e-mail once more, now (the coordinator's "Send again"). The
    messages of the row already sent are not sent again; another failure marks it
    failed at once."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboxMessage.Status.FAILED:
        raise ValidationError(
            "This e-mail has not failed (it is "
            f"{message.get_status_display().lower()}), so there is nothing to send again."
        )
    message.status = OutboxMessage.Status.PENDING
    # One attempt left: a second failure is shown at once rather than after a day.
    message.attempts = MAX_ATTEMPTS - 1
    message.next_attempt_at = timezone.now()
    message.full_clean()
    message.save()
    transaction.on_commit(_dispatcher(message.pk))
    return message


# Reading -------------------------------------------------------------------------------


def outbox_problems(*, subject_type: str, subject_ids: Iterable[int]) -> dict[int, OutboxMessage]:
    """The e-mail of each of these objects that failed or waits for a retry, by object
    id, in one query: the latest row of each object whose e-mail has not gone since
    (the same handler and payload sent later clears an earlier failure)."""
    rows = OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.EMAIL, subject_type=subject_type, subject_id__in=list(subject_ids)
    ).order_by("pk")
    latest: dict[tuple[int, str, str], OutboxMessage] = {}
    for row in rows:
        latest[(row.subject_id or 0, row.handler, repr(sorted(row.payload.items())))] = row
    problems: dict[int, OutboxMessage] = {}
    for (subject_id, _, _), row in latest.items():
        if row.status == OutboxMessage.Status.FAILED or row.is_retrying:
            current = problems.get(subject_id)
            if current is None or current.status != OutboxMessage.Status.FAILED:
                problems[subject_id] = row
    return problems
