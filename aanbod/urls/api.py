"""/api/: the open-data API. Not translated, so it sits outside i18n_patterns."""

from django.urls import path, re_path

from aanbod.api import views

urlpatterns = [
    path("openapi.json", views.openapi, name="hsds_openapi"),
    path("hsds", views.api_root),
    path("hsds/", views.api_root, name="hsds_root"),
    path("hsds/services", views.service_list, name="hsds_services"),
    path("hsds/services/<str:id>", views.service_detail, name="hsds_service"),
    path("hsds/organizations", views.organization_list, name="hsds_organizations"),
    path("hsds/organizations/<str:id>", views.organization_detail, name="hsds_organization"),
    path("hsds/service_at_locations", views.service_at_location_list, name="hsds_service_at_locations"),
    path(
        "hsds/service_at_locations/<str:id>",
        views.service_at_location_detail,
        name="hsds_service_at_location",
    ),
    path("hsds/taxonomies", views.taxonomy_list, name="hsds_taxonomies"),
    path("hsds/taxonomies/<str:id>", views.taxonomy_detail, name="hsds_taxonomy"),
    path("hsds/taxonomy_terms", views.taxonomy_term_list, name="hsds_taxonomy_terms"),
    path("hsds/taxonomy_terms/<str:id>", views.taxonomy_term_detail, name="hsds_taxonomy_term"),
    # Anything else under /api/ is a JSON 404 with the CORS header, not the site's HTML page.
    re_path(r"^.*$", views.not_found),
]
