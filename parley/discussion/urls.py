from django.urls import path

from parley.discussion import feeds, views

urlpatterns = [
    path("a/<int:pk>/comments", views.post, name="comment-post"),
    path("c/<int:pk>", views.comment_link, name="comment-link"),
    path("c/<int:pk>/edit", views.edit, name="comment-edit"),
    path("c/<int:pk>/delete", views.delete, name="comment-delete"),
    path("c/<int:pk>/undelete", views.undelete, name="comment-undelete"),
    path("c/<int:pk>/vote", views.vote, name="comment-vote"),
    path("c/<int:pk>/flag", views.flag, name="comment-flag"),
    path("most-discussed", views.most_discussed_page, name="most-discussed"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("most-discussed/feed.rss", feeds.MostDiscussedRss(), name="most-discussed-rss"),
    path("most-discussed/feed.atom", feeds.MostDiscussedAtom(), name="most-discussed-atom"),
    path("active", views.active, name="active"),
    path("moderation/queue", views.queue, name="moderation-queue"),
    path("moderation/log", views.moderation_log, name="moderation-log"),
    path("moderation/c/<int:pk>/<str:action>", views.moderate_comment, name="moderate-comment"),
    path("moderation/u/<str:username>/<str:action>", views.moderate_user, name="moderate-user"),
]
