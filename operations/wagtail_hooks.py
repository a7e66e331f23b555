from django.urls import path
from wagtail import hooks

from . import twofactor


@hooks.register("register_admin_urls")
def two_factor_urls():
    # Under /admin/ so the admin's own login requirement and CSP apply; exempt from the 2FA redirect itself.
    return [
        path("2fa/setup/", twofactor.setup, name="operations_2fa_setup"),
        path("2fa/verify/", twofactor.verify, name="operations_2fa_verify"),
    ]
