"""HTTP hardening that Django 5.2 does not do by itself."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the ``Content-Security-Policy`` header on every response.

    The policy (setting ``CONTENT_SECURITY_POLICY``) allows scripts, styles and fonts
    from this site only: no CDN, no inline script; forms post to this site only (and,
    when single sign-on is configured, redirect to the identity provider). An empty
    setting sends no header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self.policy
        return response


class PrivateNoStoreMiddleware:
    """Tell browsers and proxies to keep no copy of any page sent to a signed-in person.

    Such pages show personal data (answers, notes, reports), which must not stay in a
    shared computer's cache or a proxy's. Static files never reach this middleware
    (WhiteNoise answers them first) and anonymous pages keep their caching; a view that
    sets its own ``Cache-Control`` keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        return response
