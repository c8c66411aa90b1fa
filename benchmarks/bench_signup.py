"""Sign-up takes the same time whether or not the address has an account.

A new address costs a password hash (PBKDF2, slow on purpose) and a few rows; a taken
address costs an e-mail to its owner, and the same hash (``mentoring.account_forms``).
Run with the production hasher, not the suite's fast one. The figure to watch: the two
medians within a few per cent of each other.
"""

import statistics
import time

from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings

from mentoring.models import User

REPEAT = 15
PASSWORD = "a-long-enough-passphrase"  # noqa: S105 (a throw-away database)


def _sign_up(email: str) -> float:
    client = Client()
    data = {"name": "Bench Mark", "email": email, "password1": PASSWORD, "password2": PASSWORD}
    started = time.perf_counter()
    response = client.post("/accounts/signup/", data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed * 1000


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
    # Measured in bulk: the per-address sign-up limit would refuse the repeats.
    ACCOUNT_RATE_LIMITS=False,
)
def run() -> None:
    User.objects.create_user(email="taken@example.org", password=PASSWORD)
    _sign_up("warm-up@example.org")
    new, taken = [], []
    for n in range(REPEAT):
        cache.clear()
        new.append(_sign_up(f"new-{n}@example.org"))
        taken.append(_sign_up("taken@example.org"))
    new_ms, taken_ms = statistics.median(new), statistics.median(taken)
    print(f"sign-up, new address:   median {new_ms:6.1f} ms over {REPEAT}")
    print(f"sign-up, taken address: median {taken_ms:6.1f} ms over {REPEAT}")
    print(f"difference: {abs(new_ms - taken_ms) / new_ms:.0%} of the new address's time")
