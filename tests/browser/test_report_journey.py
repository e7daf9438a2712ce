"""A citizen reports a problem and follows it, with JavaScript off and on, in both languages.

Every page on the way (form, form with errors, review, receipt, look-up, report page) passes
axe-core. The journeys without JavaScript run first: five reports from one address in ten
minutes switch on the proof-of-work, which only a browser with JavaScript can do.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback as CreateContext

from tests.browser.conftest import use_language
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_journeys import small_targets

pytestmark = pytest.mark.browser

CATEGORY = {"id": "Kesehatan", "en": "Health"}


def watch_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions, as in conftest."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_page_error(error: Error) -> None:
        seen.append(f"pageerror: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return seen


def open_page(
    new_context: CreateContext, base_url: str, language: str, *, javascript: bool
) -> tuple[Page, list[str]]:
    context: BrowserContext = new_context(java_script_enabled=javascript)
    use_language(context, base_url, language)
    page = context.new_page()
    return page, watch_errors(page)


class Axe:
    """axe-core on a page as the visitor's browser shows it.

    axe runs asynchronously, and a page whose JavaScript is off never runs its timers, so a
    page seen without JavaScript is checked as a snapshot: its DOM, served at its own address
    to a second, scripted page (same styles, same language).
    """

    def __init__(self, new_context: CreateContext, base_url: str, language: str) -> None:
        self.language = language
        self.checker, self.checker_errors = open_page(
            new_context, base_url, language, javascript=True
        )
        # The snapshot's own scripts (htmx, pow.js) stay silent, as they were for the visitor.
        self.checker.route(
            re.compile(r"\.js(\?.*)?$"),
            lambda route: route.fulfill(body="", content_type="text/javascript"),
        )

    def check(self, page: Page, errors: list[str], *, javascript: bool) -> None:
        if javascript:
            assert_accessible(page, self.language, errors)
            return
        assert not errors, errors
        url, html = page.url, page.content()
        self.checker.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        try:
            self.checker.goto(url)
            assert_accessible(self.checker, self.language, self.checker_errors)
        finally:
            self.checker.unroute(url)


def photo(tmp_path: Path) -> Path:
    path = tmp_path / "foto-loket.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 200)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def choose_unit(page: Page, *, javascript: bool) -> None:
    page.locator("#id_institution").select_option(label="Pemerintah Kota Magelang")
    puskesmas = page.locator("#id_unit option", has_text="Puskesmas Jurangombo")
    if javascript:
        page.evaluate("window.stillTheSameDocument = true")
        expect(puskesmas).to_have_count(1)  # htmx swapped the unit select in
        assert page.evaluate("window.stillTheSameDocument === true"), "the page was reloaded"
    else:
        page.locator("button[name=action][value=units]").click()
        expect(page.locator("#id_institution")).to_have_value(re.compile(r"\d+"))
    page.locator("#id_unit").select_option(value=puskesmas.get_attribute("value"))


def fill_in(page: Page, language: str, title: str, tmp_path: Path, *, javascript: bool) -> None:
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill(
        "Ibu saya ditolak di loket pendaftaran karena kartu BPJS dianggap tidak aktif."
    )
    page.locator("#id_occurred_on").fill("2026-11-20")
    choose_unit(page, javascript=javascript)
    page.locator("#id_service_name").fill("Pendaftaran pasien BPJS")
    page.locator("#id_category").select_option(label=CATEGORY[language])
    page.locator("#id_attachments").set_input_files(photo(tmp_path))
    page.locator("#id_identity_mode_1").check()  # rahasia
    page.locator("#id_name").fill("Kanari Wibisono")
    page.locator("#id_email").fill("kanari@contoh.test")
    page.locator("#id_consent").check()


def journey(
    new_context: CreateContext, base_url: str, language: str, tmp_path: Path, *, javascript: bool
) -> None:
    page, errors = open_page(new_context, base_url, language, javascript=javascript)
    axe = Axe(new_context, base_url, language)
    title = f"Puskesmas menolak kartu BPJS {secrets.token_hex(3)}"

    # The form, then the form with errors: every value stays.
    page.goto("/lapor/")
    axe.check(page, errors, javascript=javascript)
    page.locator("#id_title").fill(title)
    page.locator("#id_title").press("Enter")  # Enter means "continue", not "Find"
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("p.notice[role=status]")).to_have_count(0)
    expect(page.locator("#id_title")).to_have_value(title)
    axe.check(page, errors, javascript=javascript)

    # The complete form, then the review.
    fill_in(page, language, title, tmp_path, javascript=javascript)
    page.locator("main button[name=action][value=review]:visible").click()
    expect(page).to_have_url(re.compile(r"/lapor/periksa/$"))
    expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("foto-loket.png")
    expect(page.locator("main")).to_contain_text("Puskesmas Jurangombo")
    axe.check(page, errors, javascript=javascript)
    assert not small_targets(page), small_targets(page)
    if not javascript:
        assert page.locator("[data-pow-challenge]").count() == 0, (
            "the proof-of-work is on already: run the report journeys first (see the docstring)"
        )

    # Send; with JavaScript the proof-of-work, if it is required, solves itself first.
    page.locator("button[name=action][value=send]").click()
    expect(page).to_have_url(re.compile(r"/lapor/terima-kasih/$"), timeout=60_000)
    expect(page.locator("#report-number")).to_be_visible()
    number = page.locator("#report-number").inner_text()
    code = page.locator("#access-code").inner_text()
    assert re.fullmatch(r"LM-\d{2}[0-9A-Z]{4}-[0-9A-Z]{4}", number), number
    assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", code), code
    axe.check(page, errors, javascript=javascript)
    assert not small_targets(page), small_targets(page)
    with page.expect_download() as download:
        page.locator("a[href='/lapor/tanda-terima.pdf']").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.reload()
    expect(page.locator("#access-code")).to_have_count(0)  # shown once

    # Another browser follows the report with the number and the code.
    tracker, tracker_errors = open_page(new_context, base_url, language, javascript=javascript)
    tracker.goto("/lacak/")
    axe.check(tracker, tracker_errors, javascript=javascript)
    tracker.locator("#id_number").fill(number.lower().replace("-", " "))
    tracker.locator("#id_access_code").fill(code.lower())
    tracker.locator("main form button[type=submit]").click()
    expect(tracker).to_have_url(re.compile(rf"/lacak/{number}/$"))
    expect(tracker.locator("main")).to_contain_text(title)
    expect(tracker.locator("main")).to_contain_text("foto-loket.png")
    expect(tracker.locator("main")).not_to_contain_text("Kanari")
    axe.check(tracker, tracker_errors, javascript=javascript)
    assert not small_targets(tracker), small_targets(tracker)

    # The reporter adds a line of information.
    tracker.locator("#id_text").fill("Petugas loket bernama Pak Joko.")
    tracker.locator("form[action$='/tambah/'] button[type=submit]").click()
    expect(tracker.get_by_role("status")).to_be_visible()
    expect(tracker.locator(".timeline")).to_contain_text("Petugas loket bernama Pak Joko.")
    axe.check(tracker, tracker_errors, javascript=javascript)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_citizen_reports_and_follows_a_report_without_javascript(
    new_context: CreateContext, base_url: str, language: str, tmp_path: Path
) -> None:
    journey(new_context, base_url, language, tmp_path, javascript=False)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_citizen_reports_and_follows_a_report_with_javascript(
    new_context: CreateContext, base_url: str, language: str, tmp_path: Path
) -> None:
    journey(new_context, base_url, language, tmp_path, javascript=True)


def test_the_browser_solves_the_proof_of_work_once_the_limit_is_reached(
    new_context: CreateContext, base_url: str, tmp_path: Path
) -> None:
    page, errors = open_page(new_context, base_url, "en", javascript=True)
    for attempt in range(8):
        page.goto("/lapor/")
        fill_in(page, "en", f"Jalan berlubang {attempt}", tmp_path, javascript=True)
        page.locator("main button[name=action][value=review]:visible").click()
        expect(page).to_have_url(re.compile(r"/lapor/periksa/$"))
        if page.locator("[data-pow-challenge]").count():
            break
        page.locator("button[name=action][value=send]").click()
        expect(page).to_have_url(re.compile(r"/lapor/terima-kasih/$"))
    else:
        pytest.fail("the proof-of-work never switched on")
    expect(page.locator("[data-pow-state=nojs]")).to_be_hidden()
    expect(page.locator("[data-pow-state=done]")).to_be_visible(timeout=60_000)
    assert page.locator("input[name=altcha]").input_value()
    assert_accessible(page, "en", errors)
    page.locator("button[name=action][value=send]").click()
    expect(page).to_have_url(re.compile(r"/lapor/terima-kasih/$"))
    expect(page.locator("#access-code")).to_be_visible()


def test_without_javascript_the_proof_of_work_explains_what_to_do(
    new_context: CreateContext, base_url: str, tmp_path: Path
) -> None:
    """Runs after the test above, so the limit is reached for this address."""
    page, errors = open_page(new_context, base_url, "en", javascript=False)
    page.goto("/lapor/")
    fill_in(page, "en", "Jalan berlubang lagi", tmp_path, javascript=False)
    page.locator("main button[name=action][value=review]:visible").click()
    expect(page.locator("[data-pow-state=nojs]")).to_be_visible()
    expect(page.locator("[data-pow-state=nojs]")).to_contain_text("Wait 10 minutes")
    Axe(new_context, base_url, "en").check(page, errors, javascript=False)
    response_status: list[int] = []
    page.on("response", lambda response: response_status.append(response.status))
    page.locator("button[name=action][value=send]").click()
    expect(page.get_by_role("alert")).to_contain_text("has not been sent yet")
    assert 429 in response_status
    expect(page.locator("main")).to_contain_text("Jalan berlubang lagi")  # kept
