from django.contrib import admin  # noqa: F401

from . import admin_import  # noqa: E402,F401
