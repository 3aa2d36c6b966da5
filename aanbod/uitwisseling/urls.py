from django.urls import path

from . import views

urlpatterns = [
    path(
        "partner/aanbod/<int:pk>/uitdatabank/",
        views.uitpublicatie_zetten,
        name="portal_aanbod_uitdatabank",
    ),
]
