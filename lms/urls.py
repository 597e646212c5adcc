from pathlib import Path

from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from allauth.idp.oidc import views as oidc_views
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import FileResponse, HttpRequest
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses.api import api
from courses.catalogue.views import catalogue_page
from courses.reporting.site_history import site_history_urls
from lms.accounts.decorators import verified_email_required_if_signed_in
from lms.accounts.views import admin_login, pkce_required

FAVICON = Path(__file__).resolve().parent / "static" / "favicon.ico"


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    """The icon browsers ask for at /favicon.ico whatever the page links."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


# Not translated: machine endpoints (OpenID Connect discovery must sit at the root)
# and the admin interfaces, which follow each staff member's own language setting.
urlpatterns = [
    path(
        "identity/o/authorize",
        pkce_required(verified_email_required_if_signed_in(oidc_views.authorization)),
        name="oidc_authorize",
    ),
    path("", include("allauth.idp.urls")),
    path("favicon.ico", favicon, name="favicon"),
    path("api/", api.urls),
    # Both admins sign people in and out through allauth (MFA, verified e-mail,
    # rate limits), never with their own password forms; lms.accounts.admin_door
    # checks every admin request.
    path("admin/login/", admin_login),
    path("admin/logout/", account_views.logout),
    # Wagtail's Site history report, narrowed to what each person may manage.
    path("admin/reports/site-history/", include(site_history_urls())),
    path("admin/", include(wagtailadmin_urls)),
    # Kept for what only it edits (a lost authenticator: allauth's MFA models).
    path(
        "django-admin/login/",
        secure_admin_login(admin_login),
        {"home": "admin:index"},
    ),
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
    re_path(r"^((?:[\w\-]+/)*)$", catalogue_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
