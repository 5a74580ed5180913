from django.urls import path

from responses import report_views, views

app_name = "responses"

urlpatterns = [
    path("mentions/<int:pk>/reply/", views.reply, name="reply"),
    path("mentions/<int:pk>/handled-elsewhere/", views.handled_elsewhere, name="handled-elsewhere"),
    path("responses/<int:pk>/retry/", views.retry, name="retry"),
    path("responses/<int:pk>/state/", views.response_state, name="state"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    # Reports (issue 7) are added below this line.
    path("reports/", report_views.report, name="report"),
    path("reports/figures.csv", report_views.figures_csv, name="report-figures-csv"),
    path("reports/mentions.csv", report_views.mentions_csv, name="report-mentions-csv"),
]
