"""Signing in, two-factor set-up and password reset, all in the admin's style."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

urlpatterns = [
    # Before the admin site's own patterns, so this sign-in replaces its login view.
    path("admin/login/", views.sign_in, name="sign_in"),
    path("admin/login/code/", views.code_step, name="two_factor_login"),
    path("admin/two-factor/", views.setup, name="two_factor_setup"),
    path(
        "admin/password_reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
            extra_email_context={"site_name": settings.NEWSROOM_SITE_NAME},
        ),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
