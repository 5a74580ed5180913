from django.urls import path

from responses import views

app_name = "responses"

urlpatterns = [
    path("mentions/<int:pk>/reply/", views.reply, name="reply"),
    path("mentions/<int:pk>/handled-elsewhere/", views.handled_elsewhere, name="handled-elsewhere"),
    path("responses/<int:pk>/retry/", views.retry, name="retry"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    # Reports (issue 7) are added below this line.
]
