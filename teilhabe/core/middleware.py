from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from teilhabe.core.cache_versions import versions_memo_close, versions_memo_open
from teilhabe.core.errors import ApplicationError
from teilhabe.core.page_cache import serve_early
from teilhabe.core.read_ahead import cache_read_ahead, page_of


class ApplicationErrorMiddleware:
    """Renders every ApplicationError as the same error page with its 4xx status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApplicationError):
            return render(
                request,
                "error.html",
                {"status": exception.status_code, "message": exception.message},
                status=exception.status_code,
            )
        return None


# What a response can carry to adjust its policy (django-csp's decorators set these).
_CSP_ADJUSTMENTS = tuple(
    f"_csp_{kind}{suffix}" for kind in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, which builds the policy afresh for every response; here the policy of a response
    that neither adjusts it nor uses a nonce (every page of ours) is built once per process and reused."""

    _plain_headers = None

    def process_response(self, request, response):
        adjusted = any(getattr(response, name, None) for name in _CSP_ADJUSTMENTS)
        if adjusted or getattr(request, "_csp_nonce", None) is not None or settings.DEBUG:
            return super().process_response(request, response)
        if self._plain_headers is None:
            probe = HttpResponse()
            super().process_response(request, probe)
            type(self)._plain_headers = [(name, probe[name]) for name in (HEADER, HEADER_REPORT_ONLY) if name in probe]
        for name, value in self._plain_headers:
            if name not in response:
                response[name] = value
        return response


class VersionMemoMiddleware:
    """Each cache version is read once per request (see ``teilhabe.core.cache_versions``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        versions_memo_open()
        try:
            return self.get_response(request)
        finally:
            versions_memo_close()


class PageCacheMiddleware:
    """Anonymous readers' whole-page cache hits, served as soon as the language is known (``page_cache.serve_early``).

    It sits below the middleware whose headers every answer needs (security headers, Permissions-Policy, CSP,
    X-Frame-Options; ``Content-Language`` and ``Vary: Accept-Language`` from the locale middleware; the allowed
    host check and ``Content-Length`` of the common middleware) and above everything a hit does not need: the
    CSRF, authentication, messages and account middleware, the URL resolver and the view. A request it does not
    answer goes on unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = serve_early(request)
        if response is not None:
            return response
        return self.get_response(request)


class CacheReadAheadMiddleware:
    """A GET reads, in one cache round trip before the view runs, every key the last GET of the same page read in
    this worker (``teilhabe.core.read_ahead``). Below the locale middleware (the language is part of the page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with cache_read_ahead(page_of(request)):
            return self.get_response(request)
