"""HTTP hardening that Django 5.2 does not do by itself."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the ``Content-Security-Policy`` header on every response.

    The policy (setting ``CONTENT_SECURITY_POLICY``) allows scripts, styles and fonts
    from this site only: no CDN, no inline script. An empty setting sends no header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self.policy
        return response
