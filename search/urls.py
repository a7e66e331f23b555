from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("zoeken/", views.search, name="search"),
    path("zoeken/suggesties/", views.suggest, name="suggest"),
]
