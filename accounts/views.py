"""Signing in to the admin: password, then (where set up) the authenticator's code."""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from accounts import two_factor
from articles.workflow.rules import must_use_two_factor

PENDING = "accounts.pending_sign_in"
PENDING_SECONDS = 5 * 60
SETUP_KEY = "accounts.two_factor_setup_key"
MESSAGE_SIGN_IN_AGAIN = _("Your sign-in took too long. Please sign in again.")
MESSAGE_ENABLED = _(
    "Two-factor sign-in is on. From now on you will be asked for a code."
)
MESSAGE_DISABLED = _("Two-factor sign-in is off.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )


def _admin_context(request, title):
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


def _safe_next(request, fallback=None):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(
        REDIRECT_FIELD_NAME
    )
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback or reverse("admin:index")


class PasswordStepView(LoginView):
    """The admin's sign-in form; with an authenticator it asks for a code next."""

    template_name = "admin/login.html"
    authentication_form = AdminAuthenticationForm
    next_page = reverse_lazy("admin:index")

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.device_for(user) is None:
            return super().form_valid(form)
        # Not signed in yet: the session only remembers who passed the first step.
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("two_factor_login")


@sensitive_post_parameters()
@csrf_protect
@never_cache
def sign_in(request):
    """Show the admin's sign-in form (replaces the admin site's own login view)."""
    if request.method == "GET" and admin.site.has_permission(request):
        return redirect(_safe_next(request))
    context = {
        **_admin_context(request, _("Log in")),
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if (
        REDIRECT_FIELD_NAME not in request.GET
        and REDIRECT_FIELD_NAME not in request.POST
    ):
        context[REDIRECT_FIELD_NAME] = reverse("admin:index")
    return PasswordStepView.as_view(extra_context=context)(request)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@sensitive_post_parameters()
@csrf_protect
@never_cache
def code_step(request):
    """Ask for the authenticator's code: after the password, or to confirm a session
    that was started before two-factor sign-in was required of this person."""
    user, pending = _pending_user(request)
    if (
        user is None
        and request.user.is_authenticated
        and not request.user.is_verified()
    ):
        user = request.user
    device = two_factor.device_for(user) if user is not None else None
    if device is None:
        request.session.pop(PENDING, None)
        if request.method == "POST":
            messages.warning(request, MESSAGE_SIGN_IN_AGAIN)
        return redirect("admin:login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.two_factor_check(
                user=user,
                device=device,
                token=form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            target = pending["next"] if pending else _safe_next(request)
            if pending:
                request.session.pop(PENDING)
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(target)
    context = {
        **_admin_context(request, _("Two-factor sign-in")),
        "form": form,
        "person": user,
        "issuer": settings.OTP_TOTP_ISSUER,
        REDIRECT_FIELD_NAME: request.GET.get(REDIRECT_FIELD_NAME, ""),
    }
    return render(request, "accounts/two_factor_code.html", context)


@staff_member_required
@never_cache
def setup(request):
    """Set up, replace or turn off the signed-in person's authenticator app."""
    user = request.user
    device = two_factor.device_for(user)
    if device is not None and not user.is_verified():
        return redirect(f"{reverse('two_factor_login')}?next={request.get_full_path()}")
    required = must_use_two_factor(user)
    action = request.POST.get("action", "")
    enrolling = device is None or request.GET.get("new") == "1" or action == "enable"
    form = CodeForm(request.POST or None) if action else CodeForm()
    if action == "disable" and form.is_valid():
        try:
            two_factor.two_factor_disable(user=user, token=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, MESSAGE_DISABLED)
            return redirect("two_factor_setup")
    key = request.session.get(SETUP_KEY)
    if enrolling and not key:
        key = request.session[SETUP_KEY] = two_factor.new_key()
    if action == "enable" and form.is_valid():
        try:
            device = two_factor.two_factor_enable(
                user=user, key=key, token=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(SETUP_KEY, None)
            otp_login(request, device)
            messages.success(request, MESSAGE_ENABLED)
            return redirect(_safe_next(request))
    context = {
        **_admin_context(request, _("Two-factor sign-in")),
        "form": form,
        "device": device,
        "required": required,
        "enrolling": enrolling,
        "issuer": settings.OTP_TOTP_ISSUER,
        REDIRECT_FIELD_NAME: _safe_next(request, fallback=""),
    }
    if enrolling:
        uri = two_factor.setup_uri(user, key)
        context.update(
            uri=uri,
            qr=two_factor.qr_svg(uri),
            readable_key=two_factor.readable_key(key),
        )
    return render(request, "accounts/two_factor_setup.html", context)


def locked_out(request, original_response=None, credentials=None):
    """Tell a locked-out person why and for how long (django-axes' lockout page)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {
        **_admin_context(request, _("Sign-in locked")),
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/lockout.html", context, status=429)
