from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse


class RejectNulBytesMiddleware:
    """A NUL byte in the path or query is never meaningful and PostgreSQL refuses it in text: 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "NUL bytes are not allowed."}, status=400)
            return HttpResponseBadRequest("NUL bytes are not allowed.")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and answers carry callers' names, phones and what happened at their homes: no browser,
    proxy or shared cache may keep them (static files are served before this, and cached)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
