from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("mentions/<int:pk>/", views.mention_detail, name="mention"),
    path("mentions/<int:pk>/status/", views.mention_status, name="mention-status"),
    path("mentions/<int:pk>/assign/", views.mention_assign_view, name="mention-assign"),
]
