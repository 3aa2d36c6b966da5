from django.contrib import admin  # noqa: F401

from . import admin_uitnodigingen  # noqa: E402,F401
