"""The site's own 403, 404 and 500 pages: the header, a plain sentence, a way home.

The 500 page is drawn without touching the database or the session (`bare`), since whatever
failed may be the database itself; if even that fails, a fixed page is sent.
"""
import logging

from django.http import HttpResponseServerError
from django.shortcuts import render

log = logging.getLogger("parley")

FALLBACK_500 = ("<!doctype html><html lang=en><meta charset=utf-8><title>Server error</title>"
                "<h1>Something went wrong on our side</h1><p><a href=\"/\">Back to the front page</a></p></html>")


def not_found(request, exception=None):
    return render(request, "errors/404.html", {"path": request.path}, status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def server_error(request):
    try:
        return render(request, "errors/500.html", {"bare": True}, status=500)
    except Exception:
        log.exception("the 500 page itself failed")
        return HttpResponseServerError(FALLBACK_500)
