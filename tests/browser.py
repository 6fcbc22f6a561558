"""Steps the browser tests share."""

from .factories import PASSWORD


def login(page, live_server, username):
    """Sign in to the admin as username (made by tests.factories)."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
