from django.urls import path

from . import views
from .feeds import FundedInitiativesFeed

app_name = "initiatives"
urlpatterns = [
    path("account/registreren/", views.register, name="register"),
    path("account/bevestigen/<str:token>/", views.verify, name="verify"),
    path("account/inloggen/", views.LoginView.as_view(), name="login"),
    path("account/uitloggen/", views.LogoutView.as_view(), name="logout"),
    path("account/wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path("account/wachtwoord-vergeten/verstuurd/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("account/wachtwoord/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("account/wachtwoord/klaar/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("aanvragen/", views.my_applications, name="my_applications"),
    path("aanvragen/mijn-gegevens.json", views.my_data, name="my_data"),
    path("aanvragen/nieuw/<int:scheme_id>/", views.start, name="start"),
    path("aanvragen/<uuid:public_id>/", views.detail, name="detail"),
    path("aanvragen/<uuid:public_id>/stap/<slug:step>/", views.step, name="step"),
    path("aanvragen/<uuid:public_id>/indienen/", views.submit, name="submit"),
    path("aanvragen/<uuid:public_id>/ontvangen/", views.receipt, name="receipt"),
    path("aanvragen/<uuid:public_id>/intrekken/", views.withdraw, name="withdraw"),
    path("aanvragen/<uuid:public_id>/verwijderen/", views.delete_draft, name="delete_draft"),
    path("aanvragen/<uuid:public_id>/verantwoording/", views.report, name="report"),
    path("bijlagen/<uuid:public_id>/", views.attachment_download, name="attachment"),
    path("gesteunde-initiatieven/", views.funded, name="funded"),
    path("gesteunde-initiatieven/rss/", FundedInitiativesFeed(), name="funded_feed"),
    path("gesteunde-initiatieven/<slug:gebied_slug>/", views.funded, name="funded_gebied"),
]
