from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from tuntas.accounts.views import login_view

admin.site.site_header = "Tuntas"
admin.site.site_title = "Tuntas"
# The admin signs in through the same form, lockout and audit as everyone else.
admin.site.login = login_view  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("", include("tuntas.site.urls")),
    path("instansi/", include("tuntas.institutions.urls")),
    path("akun/", include("tuntas.accounts.urls")),
    path("lapor/", include("tuntas.complaints.urls_public")),
    path("lacak/ombudsman/", include("tuntas.ombudsman.urls_public")),
    path("lacak/", include("tuntas.complaints.urls_tracking")),
    path("kanal/", include("tuntas.complaints.urls_webhooks")),
    path("api/v1/", include("tuntas.exchange.urls_api")),
    path("api/", include("tuntas.exchange.urls_docs")),
    path("staf/", include("tuntas.staff.urls")),
    path("staf/ombudsman/", include("tuntas.ombudsman.urls")),
    path("staf/webhook/", include("tuntas.webhooks.urls")),
    path("staf/data/", include("tuntas.transfer.urls")),
    path("open311/v2/", include("tuntas.open311.urls")),
    path("data/", include("tuntas.opendata.urls")),
    path("rujukan/", include("tuntas.referrals.urls")),
    path("bahasa/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "tuntas.core.views.bad_request"
handler403 = "tuntas.core.views.permission_denied"
handler404 = "tuntas.core.views.page_not_found"
handler500 = "tuntas.core.views.server_error"
