from django.urls import path

from articles.public import archive, front, views
from articles.public import search as search_views
from articles.public import story as story_views
from articles.public import syndication as feeds
from articles.public.page_cache import public_feed

app_name = "articles"

urlpatterns = [
    path("", front.home, name="home"),
    path("feed/", public_feed(feeds.LatestStoriesFeed()), name="feed"),
    path("feed/atom/", public_feed(feeds.LatestStoriesAtom()), name="feed_atom"),
    path("corrections/", views.corrections, name="corrections"),
    path("archive/<int:year>/", archive.archive, name="archive_year"),
    path("archive/<int:year>/<int:month>/", archive.archive, name="archive_month"),
    path(
        "archive/<int:year>/<int:month>/<int:day>/",
        archive.archive,
        name="archive_day",
    ),
    path("category/<slug:slug>/", views.category_detail, name="category"),
    path(
        "category/<slug:slug>/feed/",
        public_feed(feeds.CategoryFeed()),
        name="category_feed",
    ),
    path(
        "category/<slug:slug>/feed/atom/",
        public_feed(feeds.CategoryAtom()),
        name="category_feed_atom",
    ),
    path("source/<slug:slug>/", views.source_detail, name="source"),
    path(
        "source/<slug:slug>/feed/", public_feed(feeds.SourceFeed()), name="source_feed"
    ),
    path(
        "source/<slug:slug>/feed/atom/",
        public_feed(feeds.SourceAtom()),
        name="source_feed_atom",
    ),
    path("search/", search_views.search, name="search"),
    path("tag/<slug:slug>/", views.tag_detail, name="tag"),
    path("author/<slug:slug>/", views.author_detail, name="author"),
    path("<slug:category>/<slug:slug>/", story_views.story_detail, name="story"),
]
