"""Celery keeps what it worked out from its configuration (the default queue, the router,
pooled connections) on the app. A test that points the app at another broker or queue
and back must make it forget them, or later tasks go to the old queue or broker."""

from kombu import pools as kombu_pools

from mentoring.celery import app

_DERIVED = ("default_queue", "queues", "router", "default_exchange", "send_task_message")


def forget_celery_state() -> None:
    """Drop the connections pooled for the broker in use until now and the routing
    derived from the configuration, so that the next task follows the configuration
    set now."""
    kombu_pools.reset()  # kombu's own registry of pools, keyed by connection
    app._pool = None
    app.amqp._producer_pool = None
    app.amqp._rtable = None
    for name in _DERIVED:
        app.amqp.__dict__.pop(name, None)
