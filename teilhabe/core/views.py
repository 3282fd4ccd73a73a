from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "database unavailable"}, status=503)


def error_404(request, exception=None):
    return render(request, "error.html", {"status": 404}, status=404)


def error_403(request, exception=None):
    return render(request, "error.html", {"status": 403}, status=403)


def error_400(request, exception=None):
    return render(request, "error.html", {"status": 400}, status=400)


def error_500(request):
    return render(request, "error.html", {"status": 500}, status=500)
