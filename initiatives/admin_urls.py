from django.urls import path

from . import admin_views

app_name = "initiatives_admin"
urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/besluit.pdf", admin_views.letter_pdf, name="letter"),
    path("budget/", admin_views.dashboard, name="dashboard"),
    path("export.csv", admin_views.export_csv, name="export"),
    path("statistieken/", admin_views.statistics, name="statistics"),
]
