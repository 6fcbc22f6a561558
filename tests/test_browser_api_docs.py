"""The API's browsable docs work under a strict Content-Security-Policy, loading
nothing from any other origin."""

from urllib.parse import urlsplit

import pytest

from articles.public.api.urls import api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the site's policy allows at most: our own origin, and data: pictures.
POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_docs_render_every_endpoint_from_our_own_files(
    chromium_browser, live_server, artifacts_dir
):
    here = urlsplit(live_server.url).netloc
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    elsewhere, errors = [], []
    page.on(
        "request", lambda r: urlsplit(r.url).netloc != here and elsewhere.append(r.url)
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.add_init_script(WATCH_VIOLATIONS)

    def with_policy(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": POLICY}
        route.fulfill(response=response, headers=headers)

    page.route(f"{live_server.url}/api/v1/docs", with_policy)
    page.goto(f"{live_server.url}/api/v1/docs")
    operations = len(
        [1 for path in api.get_openapi_schema()["paths"].values() for _op in path]
    )
    # Waiting with a locator, not a script: the policy forbids eval, and so it should.
    page.locator(".opblock").nth(operations - 1).wait_for(timeout=15_000)
    assert page.locator(".opblock").count() == operations
    page.click(".opblock-summary >> nth=1")  # open one: its parameters render
    page.wait_for_selector(".parameters-container")
    page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=False)
    violations = page.evaluate("window.__violations")
    context.close()
    assert not elsewhere, elsewhere
    assert not violations, violations
    assert not errors, errors
