"""Placeholder view for pages that are not built yet. Remove once every URL has its real view."""

from django.http import HttpResponse


def todo(request, *args, **kwargs):
    return HttpResponse("Not built yet.", status=501)
