from django.urls import path, register_converter

from ..views import rapporten


class FormaatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormaatConverter, "formaat")

urlpatterns = [
    path("rapporten/", rapporten.rapporten, name="rapporten"),
    path("rapporten/<slug:slug>/", rapporten.rapport, name="rapport"),
    path(
        "rapporten/<slug:slug>/export/<slug:tabel>.<formaat:formaat>",
        rapporten.rapport_export,
        name="rapport_export",
    ),
]
