from django.urls import path

from complaints import alert_views, review_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/new/", views.queue_new, name="queue-new"),
    path("queue/take-next/", views.take_next, name="take-next"),
    path("queue/bulk/", views.bulk, name="bulk"),
    path("mentions/<int:pk>/", views.mention_detail, name="mention"),
    path("mentions/<int:pk>/status/", views.mention_status, name="mention-status"),
    path("mentions/<int:pk>/label/", views.mention_label, name="mention-label"),
    path("mentions/<int:pk>/note/", views.mention_note, name="mention-note"),
    path("mentions/<int:pk>/assign/", views.mention_assign_view, name="mention-assign"),
    path("mentions/<int:pk>/presence/", views.mention_presence, name="mention-presence"),
    path("check/", review_views.review, name="review"),
    path("check/<int:pk>/", review_views.review_answer, name="review-answer"),
    path("alerts/", alert_views.alerts, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", alert_views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<int:pk>/resolve/", alert_views.alert_resolve, name="alert-resolve"),
    path("insights/", alert_views.insights, name="insights"),
]
