from allauth.idp.oidc import views as oidc_views
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import views as course_views
from courses.api import api
from lms.accounts.views import pkce_required

# Not translated: machine endpoints (OpenID Connect discovery must sit at the root)
# and the admin interfaces, which follow each staff member's own language setting.
urlpatterns = [
    path(
        "identity/o/authorize",
        pkce_required(oidc_views.authorization),
        name="oidc_authorize",
    ),
    path("", include("allauth.idp.urls")),
    path("api/", api.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# People-facing pages: Korean at /, English at /en/.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("lms.accounts.urls")),
    path("", include("courses.urls")),
    re_path(r"^((?:[\w\-]+/)*)$", course_views.catalogue_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
