from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("theme.css", views.theme_css, name="theme_css"),
    path("taal/<str:code>/", views.switch_language, name="switch_language"),
]
