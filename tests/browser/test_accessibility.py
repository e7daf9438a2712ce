"""Every page, in both languages, passes axe-core with the GOV.UK rule set.

axe-core comes from the axe-playwright-python package and is evaluated in the page, so nothing
is fetched from the network and the page's Content-Security-Policy stays in force: a CSP
violation shows up as a console error, and console errors fail the test too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import sign_in, use_language

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
    encoding="utf-8"
)
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"region": {"enabled": False}, "color-contrast-enhanced": {"enabled": False}},
    "resultTypes": ["violations"],
}
LANGUAGES = ["id", "en"]
SWITCH_TO = {"id": "English", "en": "Bahasa Indonesia"}

OFFICER = "petugas.siti@magelangkota.demo"
INSTITUTION_ADMIN = "admin.organisasi@magelangkota.demo"
OMBUDSMAN_ASSISTANT = "asisten.andi@ombudsman.demo"
OMBUDSMAN_AUDITOR = "auditor@ombudsman.demo"
PLATFORM_ADMIN = "admin@tuntas.demo"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE_SOURCE)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    assert results["passes"], "axe checked nothing: is the rule set right?"
    return list(results["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    at {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(
    page: Page, language: str, browser_errors: list[str], *, status: int = 200
) -> None:
    """axe finds nothing, the page says which language it is in, and the browser saw no error."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(
        page.locator("form.language-switch button", has_text=SWITCH_TO[language])
    ).to_be_visible()

    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {page.url}:\n{describe(violations)}"
    )

    if status != 200:
        # Chromium reports the error status of the document itself on the console; that is expected.
        expected = f"the server responded with a status of {status}"
        errors = [e for e in browser_errors if not (expected in e and e.endswith(f"({page.url})"))]
    else:
        errors = browser_errors
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)


# --- Public pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str
    status: int = 200
    # Only a server with DEBUG off renders errors/404.html (see production_server_url).
    production: bool = False


PUBLIC_PAGES = [
    PublicPage("home", "/"),
    PublicPage("directory", "/instansi/"),
    PublicPage("directory-search-without-results", "/instansi/?q=zzzz"),
    PublicPage("institution", "/instansi/kota-magelang/"),
    PublicPage("ombudsman-office", "/instansi/ombudsman-jawa-tengah/"),
    PublicPage("accessibility", "/aksesibilitas/"),
    PublicPage("login", "/akun/masuk/"),
    PublicPage("not-found", "/tidak-ada/", status=404, production=True),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda p: p.name)
def test_public_page_has_no_axe_violations(
    request: pytest.FixtureRequest,
    page: Page,
    context: BrowserContext,
    base_url: str,
    browser_errors: list[str],
    public_page: PublicPage,
    language: str,
) -> None:
    use_language(context, base_url, language)
    server = (
        request.getfixturevalue("production_server_url") if public_page.production else base_url
    )
    response = page.goto(server + public_page.path)
    assert response is not None and response.status == public_page.status
    assert_accessible(page, language, browser_errors, status=public_page.status)


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_showing_a_wrong_password_error_has_no_axe_violations(
    page: Page, context: BrowserContext, base_url: str, browser_errors: list[str], language: str
) -> None:
    use_language(context, base_url, language)
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").fill(f"belum.terdaftar.{language}@contoh.demo")
    page.locator("input[name=password]").fill("bukan-kata-sandinya")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, language, browser_errors)


# --- Staff pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "email", [OFFICER, INSTITUTION_ADMIN, OMBUDSMAN_ASSISTANT, OMBUDSMAN_AUDITOR, PLATFORM_ADMIN]
)
def test_staff_landing_page_has_no_axe_violations(
    page: Page,
    context: BrowserContext,
    base_url: str,
    browser_errors: list[str],
    email: str,
    language: str,
) -> None:
    use_language(context, base_url, language)
    sign_in(page, email)
    assert_accessible(page, language, browser_errors)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_institution_page_has_no_axe_violations(
    page: Page, context: BrowserContext, base_url: str, browser_errors: list[str], language: str
) -> None:
    use_language(context, base_url, language)
    sign_in(page, INSTITUTION_ADMIN)
    page.goto("/staf/instansi/kota-magelang/")
    assert_accessible(page, language, browser_errors)


def open_unit_edit_form(page: Page) -> None:
    """From the staff institution page, follow the first unit to its edit form."""
    page.goto("/staf/instansi/kota-magelang/")
    page.locator(".unit-tree a").first.click()
    page.locator("a.button[href$='/ubah/']").click()
    page.wait_for_url(re.compile(r"/staf/unit/\d+/ubah/$"))


def submit_with_an_empty_name(page: Page) -> None:
    open_unit_edit_form(page)
    page.locator("input[name=name]").fill("")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "reach_form",
    [open_unit_edit_form, submit_with_an_empty_name],
    ids=["as-opened", "after-an-empty-name"],
)
def test_unit_edit_form_has_no_axe_violations(
    page: Page,
    context: BrowserContext,
    base_url: str,
    browser_errors: list[str],
    reach_form: Callable[[Page], None],
    language: str,
) -> None:
    use_language(context, base_url, language)
    sign_in(page, INSTITUTION_ADMIN)
    reach_form(page)
    assert_accessible(page, language, browser_errors)


@pytest.mark.parametrize("language", LANGUAGES)
def test_audit_trail_has_no_axe_violations(
    page: Page, context: BrowserContext, base_url: str, browser_errors: list[str], language: str
) -> None:
    use_language(context, base_url, language)
    sign_in(page, OMBUDSMAN_AUDITOR)
    page.goto("/staf/audit/")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page, language, browser_errors)
