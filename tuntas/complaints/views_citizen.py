"""The optional citizen account: sign up, and the list of one's own reports.

Nobody needs an account to report; an account only gathers the reports sent while signed in
(``Report.citizen_account``) so that they can be followed without typing access codes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tuntas.accounts.models import User, UserKind
from tuntas.accounts.services import user_create
from tuntas.complaints import codes
from tuntas.complaints.abuse import client_ip, limit_hit, limit_reached, signup_limit
from tuntas.complaints.forms import CitizenSignupForm
from tuntas.complaints.models import Report
from tuntas.complaints.views_tracking import STATUS_EXPLAINED

EMAIL_BACKEND = "tuntas.accounts.backends.EmailBackend"


def _reports_of(user: Any) -> QuerySet[Report]:
    return (
        Report.objects.filter(citizen_account=user)
        .select_related("institution", "unit")
        .order_by("-submitted_at")
    )


@never_cache
def my_reports(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if getattr(request.user, "kind", "") != UserKind.CITIZEN:
        raise Http404("citizen accounts only")
    rows = [
        {
            "report": report,
            "number": codes.format_public_number(report.public_number),
            "status": STATUS_EXPLAINED.get(report.status, report.get_status_display()),
        }
        for report in _reports_of(request.user)
    ]
    return render(request, "complaints/my_reports.html", {"rows": rows})


def _errors_onto(form: CitizenSignupForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error("password", error.messages)
        return
    for field, errors in error.message_dict.items():
        if field == "email":
            # Not the model's "already exists": say what to do instead.
            errors = [
                _("This e-mail address cannot be used for a new account. If it is yours, sign in.")
            ]
        form.add_error(field if field in form.fields else None, errors)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("report:mine")
    form = CitizenSignupForm(request.POST or None)
    client, limit = client_ip(request), signup_limit()
    if request.method == "POST" and limit_reached(limit, client):
        form.add_error(
            None,
            _("Too many accounts were created from your connection. Try again in an hour."),
        )
        return render(request, "complaints/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        if User.objects.filter(email__iexact=form.cleaned_data["email"]).exists():
            form.add_error(
                "email",
                _("This e-mail address cannot be used for a new account. If it is yours, sign in."),
            )
        else:
            try:
                user = user_create(
                    actor=None,
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                    kind=UserKind.CITIZEN,
                )
            except ValidationError as error:
                _errors_onto(form, error)
            else:
                limit_hit(limit, client)
                login(request, user, backend=EMAIL_BACKEND)
                messages.success(
                    request,
                    _("Your account is ready. Reports you send while signed in are listed here."),
                )
                return redirect("report:mine")
    return render(request, "complaints/signup.html", {"form": form})
