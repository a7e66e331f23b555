"""Two-factor authentication (TOTP through django-otp) for everyone who works in the Wagtail admin.

Flow: the Wagtail login checks the password as usual. RequireTwoFactorMiddleware then stops every
/admin/ request of a user with admin access whose session is not yet verified by a second factor:
- a user with a confirmed authenticator device is sent to enter a code (verify);
- a user without one is sent to set one up: a QR code (PNG as a data: URI, allowed by the CSP) plus the
  secret as text, confirmed by entering the first code.
Only then does django-otp mark the session verified (otp_login) and the admin opens. Lockout of
repeated wrong codes is django-otp's own throttling (OTP_TOTP_THROTTLE_FACTOR).
WAGTAIL_REQUIRE_2FA turns the requirement off for development; production defaults it on.
"""

import base64
import io
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator"


def requires_two_factor(user):
    """Staff who can reach the admin need a second factor (when the setting asks for it)."""
    if not getattr(settings, "WAGTAIL_REQUIRE_2FA", False):
        return False
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def confirmed_devices(user):
    return list(devices_for_user(user, confirmed=True))


def _exempt_paths():
    return (
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("operations_2fa_setup"),
        reverse("operations_2fa_verify"),
        reverse("wagtailadmin_password_reset"),
        "/admin/password_reset/",
        "/admin/jsi18n/",
    )


def _safe_next(request, default=None):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("wagtailadmin_home")


class RequireTwoFactorMiddleware:
    """Keeps unverified staff sessions out of /admin/ until a TOTP code has been given (see module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and requires_two_factor(request.user):
            if not request.user.is_verified() and not request.path_info.startswith(_exempt_paths()):
                view = "operations_2fa_verify" if confirmed_devices(request.user) else "operations_2fa_setup"
                return HttpResponseRedirect(f"{reverse(view)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits, for example 123456."),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = list(devices)
        self.device = None

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "")
        for device in self.devices:
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(_("This code is not correct. Check the time on your phone and try again."))


def qr_code_data_uri(text):
    """The text as a QR code, PNG in a data: URI (no inline SVG styles, so the strict CSP allows it)."""
    import qrcode

    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def readable_secret(device):
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@sensitive_post_parameters("otp_token")
def setup(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm with a first code."""
    user = request.user
    if not user.is_authenticated:
        return redirect(reverse("wagtailadmin_login"))
    if confirmed_devices(user):
        return redirect(f"{reverse('operations_2fa_verify')}?{urlencode({'next': _safe_next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_safe_next(request))
    context = {
        "form": form,
        "qr_code": qr_code_data_uri(device.config_url),
        "secret": readable_secret(device),
        "next": _safe_next(request),
    }
    return TemplateResponse(request, "operations/two_factor_setup.html", context)


@never_cache
@sensitive_post_parameters("otp_token")
def verify(request):
    """Enter the current code from the authenticator app."""
    user = request.user
    if not user.is_authenticated:
        return redirect(reverse("wagtailadmin_login"))
    devices = confirmed_devices(user)
    if not devices:
        return redirect(f"{reverse('operations_2fa_setup')}?{urlencode({'next': _safe_next(request)})}")
    form = TokenForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_safe_next(request))
    return TemplateResponse(request, "operations/two_factor_verify.html", {"form": form, "next": _safe_next(request)})
