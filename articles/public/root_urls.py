"""Addresses outside the language prefixes: robots, sitemaps, the all-language feed."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from articles.public import sitemaps
from articles.public import syndication as feeds
from articles.public.page_cache import public_feed

urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("favicon.ico", sitemaps.favicon, name="favicon"),
    path(
        "sitemap.xml",
        public_feed(sitemap_views.index),
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_feed(sitemap_views.sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", public_feed(sitemaps.news_sitemap), name="news_sitemap"),
    path("feed/", public_feed(feeds.AllLanguagesFeed()), name="feed_all"),
    path("feed/atom/", public_feed(feeds.AllLanguagesAtom()), name="feed_all_atom"),
]
