"""How many actions a weekly check-in takes: 5 goals × 2 metrics + 1 goal without metrics, in a real browser.

    .venv/bin/python bench/checkin_actions.py

Builds the scenario of bench/checkin_scenario.py in a throw-away SQLite database (embedded mode: Celery eager),
serves the app on 127.0.0.1 with Django's live server, signs in with Debian's Chromium (/usr/bin/chromium) and
checks in on everything from the home page as a keyboard user would. Counts actions (click, Tab, Enter) and typed
characters; human time = 2 s per action + 0.3 s per keystroke. Targets: ≤ 15 actions, < 120 s. Writes
bench/results/checkin-actions-<timestamp>.json and checkin-actions-latest.md.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"


def setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DEBUG"] = "true"  # the embedded mode: static files from the apps, no HTTPS-only cookies
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "goalcascade.settings"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def serve():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def run() -> dict:
    from playwright.sync_api import sync_playwright

    from bench.checkin_scenario import PASSWORD, USERNAME, Counter, build_scenario, check_in_on_everything

    build_scenario()
    server = serve()
    base = f"http://127.0.0.1:{server.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(base_url=base)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("h1:has-text('My work')")
        counter = Counter(page)
        started = time.perf_counter()
        check_in_on_everything(page, counter)
        page.wait_for_selector("#weekly-status:has-text('Recorded 11 check-ins.')")
        machine_seconds = time.perf_counter() - started
        browser.close()
    server.terminate()
    return {**counter.summary(), "machine_seconds": round(machine_seconds, 2)}


def commit_id() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write(result: dict) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"checkin-actions-{stamp}.json"
    record = {"benchmark": "checkin-actions", "when": stamp, "commit": commit_id(), **result}
    path.write_text(json.dumps(record, indent=2) + "\n")
    verdict = "passes" if result["passes"] else "FAILS"
    (RESULTS / "checkin-actions-latest.md").write_text(
        f"# Weekly check-in: actions ({stamp}, commit {record['commit']})\n\n"
        "5 goals × 2 metrics + 1 goal without metrics: 6 values typed, 4 kept, 1 progress typed, one submit.\n\n"
        "| actions | keystrokes | human time | target | result |\n| --- | --- | --- | --- | --- |\n"
        f"| {result['actions']} | {result['keystrokes']} | {result['human_seconds']} s | "
        f"≤ {result['max_actions']} actions, < {result['max_seconds']:.0f} s | {verdict} |\n\n"
        f"Steps: {', '.join(result['steps'])}\n"
    )
    return path


def main() -> int:
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder:
        setup(Path(folder) / "bench.sqlite3")
        result = run()
    path = write(result)
    print(json.dumps({k: v for k, v in result.items() if k != "steps"}, indent=2))
    print(f"written: {path.relative_to(ROOT)}")
    return 0 if result["passes"] else 1


if __name__ == "__main__":
    sys.exit(main())
