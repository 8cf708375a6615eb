from django.urls import path

from parley.following import views

urlpatterns = [
    path("follow", views.follow, name="follow"),
    path("unfollow", views.unfollow, name="unfollow"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("watchlist/seen", views.watchlist_seen, name="watchlist-seen"),
    path("watchlist/watchlist.csv", views.watchlist_csv, name="watchlist-csv"),
    path("watchlist/import", views.watchlist_import, name="watchlist-import"),
    path("watchlist/add", views.watchlist_add, name="watchlist-add"),
    path("feed/link", views.private_feed_link, name="private-feed-link"),
    path("feed/private/<str:token>/rss", views.PrivateFeedRss(), name="private-feed-rss"),
    path("feed/private/<str:token>/atom", views.PrivateFeedAtom(), name="private-feed-atom"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read", views.read, name="inbox-read"),
    path("inbox/<int:pk>/open", views.open_notification, name="notification-open"),
    path("accounts/settings/", views.reader_settings, name="reader-settings"),
    path("accounts/verify/send", views.resend_verification, name="verify-email-send"),
    path("accounts/verify/<str:token>/", views.verify_email, name="verify-email"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("u/<str:username>/block", views.block, name="block"),
]
