"""The headless Chromium the browser tests drive, and the mark that skips them where it is not installed."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="chromium or chromedriver not found "
    "(Debian: apt-get install chromium chromium-driver; .ci/run installs them)",
)


def headless_chromium(*arguments: str):
    """Chromium without a screen, its console kept for the test, with these further arguments (the window's size)."""
    from selenium import webdriver  # here: the test modules skip themselves when selenium is absent

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", *arguments):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
