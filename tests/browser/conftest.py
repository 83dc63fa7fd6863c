"""End-to-end browser setup: Debian's headless Chromium driven by Playwright's sync API against
pytest-django's live server (a real HTTP server over the test database, Celery eager).

One browser for the session, a fresh context (cookies, storage) for every page a test opens.
Without /usr/bin/chromium the browser tests skip — and fail in CI (see `require`). No browser
is ever downloaded.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from apps.goals.demo import seed_demo
from tests.conftest import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
TIMEOUT_MS = 10_000  # a step that takes longer than this on a local server is a failure, not slowness

HERE = Path(__file__).parent

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last (after pytest-django's own ordering).

    While Playwright's sync API is started, this thread looks to asyncio as if it ran an event loop
    (see `playwright` below), until the session ends. Going last, no other test runs in that state.
    """
    browser_tests = [item for item in items if HERE in item.path.parents]
    items[:] = [item for item in items if HERE not in item.path.parents] + browser_tests


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    require(CHROMIUM.exists(), f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium")
    # Playwright's sync API marks its event loop as running in this thread between calls, and Django
    # then refuses ORM calls from it (SynchronousOnlyOperation). The tests do ORM work (factories, a
    # lookup of an id, the live server's flush) while Playwright runs, one thing at a time, so the
    # guard is lifted for as long as it runs — the documented approach for sync browser tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a context of its own (one person's browser): `new_page(java_script_enabled=False)`."""
    contexts: list[BrowserContext] = []

    def open_page(**options) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo organisation, built through the services (its rollups run on commit, eagerly)."""
    seed_demo()


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[[Page, str], Path]:
    """Save what the page shows at the end of a journey (into the test's temp dir, never committed)."""

    def take(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
        return path

    return take
