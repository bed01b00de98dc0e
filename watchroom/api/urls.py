"""REST API: /api/v1/ routes from every app, the OpenAPI schema and its docs page."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import DefaultRouter

from . import views
from .registry import register_all

router = DefaultRouter()
register_all(router)

urlpatterns = [
    path("v1/auth/token/", views.TokenView.as_view(), name="api_token"),
    path("v1/", include(router.urls)),
    path("schema/", csrf_exempt(lambda request, *a, **kw: _schema(request, *a, **kw)), name="api_schema"),
    path("docs/", csrf_exempt(lambda request, *a, **kw: _docs(request, *a, **kw)), name="api_docs"),
]


# drf-spectacular (with PyYAML and its generators, ~20 MB per worker) is imported on the first
# schema or docs request, not by every worker that never serves one (docs/benchmarks.md, footage)
def _schema(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    from drf_spectacular.views import SpectacularAPIView

    return SpectacularAPIView.as_view()(request, *args, **kwargs)  # type: ignore[no-any-return]


def _docs(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    from drf_spectacular.views import SpectacularSwaggerView

    return SpectacularSwaggerView.as_view(url_name="api_schema")(request, *args, **kwargs)  # type: ignore[no-any-return]
