from django.urls import path

from . import review_views

app_name = "socialmap"
urlpatterns = [
    path("voorziening-controleren/<str:token>/", review_views.review_view, name="review"),
    path("voorziening-controleren/<str:token>/<slug:outcome>/", review_views.review_done_view, name="review_done"),
]
