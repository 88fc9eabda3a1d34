"""Pages, URLs, templates, writers, the data API, feeds and sitemap."""
