"""Serve the site for ``make run``: Django's development server, saying only where the
site is and, last, the demo logins (after ``seed_demo --verbosity 0``).

Django's own start-up lines (the system checks, its version, the warning about the
development server) are left out; a system check that finds a problem still prints it.
"""

from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand

from dashboard.management.commands.seed_demo import demo_logins


class Command(RunserverCommand):
    help = "Serve the site with the development server and print the demo logins."
    # Set by runserver's handle() from the address given.
    addr: str
    _raw_ipv6: bool

    def inner_run(self, *args, **options):
        if not options["skip_checks"]:
            self.check()  # prints nothing unless something is wrong
        options["skip_checks"] = True
        super().inner_run(*args, **options)

    def on_bind(self, server_port):
        self.stdout.write(serving_lines(self.site_address(server_port), debug=settings.DEBUG))

    def site_address(self, server_port) -> str:
        host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        # Listening on every interface (HOST=0.0.0.0): the address that always works.
        if host in ("0", "0.0.0.0", "[::]"):  # noqa: S104 (compared, not bound)
            host = "localhost"
        return f"{self.protocol}://{host}:{server_port}/"


def serving_lines(address: str, *, debug: bool) -> str:
    """What ``make run`` says once the site answers: where it is, and the logins last."""
    lines = [
        "",
        f"Mentoring is running at {address}  (Ctrl+C stops it)",
        (
            "Debug is on (DJANGO_DEBUG=true): errors show Django's debug pages."
            if debug
            else "This is the demo on the built-in server; docs/deployment.md deploys it."
        ),
        "",
        "Sign in with any of these (the demo's people):",
        *demo_logins(),
        "",
    ]
    return "\n".join(lines)
