"""The agency track in the browser, as the officer, the head and the reporter do it.

(a) A report taken at the counter is verified, assigned to a unit, answered, approved by the
head and resolved; the reporter confirms on the tracking page.
(b) Another is resolved, the reporter disputes it, the head escalates it and offers the
reporter a report to the Ombudsman, which the reporter then sees.
Every staff and tracking page on the way passes axe-core, in Indonesian and in English.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback as CreateContext

from tests.browser.conftest import sign_in, use_language
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_report_journey import watch_errors
from tuntas.complaints import codes

pytestmark = pytest.mark.browser

OFFICER = "petugas.siti@magelangkota.demo"
HEAD = "pimpinan@magelangkota.demo"
UNIT = "Dinas Pekerjaan Umum dan Penataan Ruang"


@dataclass
class Person:
    page: Page
    errors: list[str]
    language: str

    def check(self) -> None:
        assert_accessible(self.page, self.language, self.errors)

    def step(self, key: str) -> None:
        """Press the main button of a step's form and land back on the case page."""
        self.page.locator(f"#form-{key} .form-actions button").click()
        expect(self.page.locator(".messages")).to_be_visible()


def person(new_context: CreateContext, base_url: str, language: str, email: str | None) -> Person:
    context = new_context()
    use_language(context, base_url, language)
    page = context.new_page()
    errors = watch_errors(page)
    if email:
        sign_in(page, email)
    return Person(page, errors, language)


def enter_report(officer: Person, title: str) -> tuple[str, str]:
    """The officer enters a walk-in report; returns its number and the reporter's access code."""
    page = officer.page
    page.goto("/staf/laporan/baru/")
    page.locator("#id_channel_0").check()
    page.locator("#id_institution").select_option(label="Pemerintah Kota Magelang")
    unit = page.locator("#id_unit option", has_text=UNIT).first
    page.locator("#id_unit").select_option(value=unit.get_attribute("value"))
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill(
        "Lubang besar di tengah Jalan Pahlawan membahayakan pengendara sepeda motor."
    )
    page.locator("input[name=identity_mode][value=anonim]").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/staf/laporan/baru/selesai/$"))
    number, code = (value.inner_text() for value in page.locator(".code-value").all())
    return number, code


def open_case(officer: Person, number: str) -> None:
    officer.page.goto(f"/staf/kasus/{number}/")
    expect(officer.page.locator("h1")).to_be_visible()


def handle_until_response(officer: Person, number: str, title: str) -> None:
    """Inbox → case page → verify → disposition to the unit → draft the response."""
    page = officer.page
    page.goto(f"/staf/kasus/?number={number}")
    officer.check()
    canonical = codes.normalise_public_number(number)  # the receipt shows it grouped
    page.get_by_role("link", name=canonical, exact=True).click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "received")
    officer.check()

    officer.step("verify")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "verified")
    unit = page.locator("#id_disposition-unit option", has_text=UNIT).first
    page.locator("#id_disposition-unit").select_option(value=unit.get_attribute("value"))
    page.locator("#id_disposition-note").fill("Mohon segera ditambal.")
    officer.step("disposition")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "dispositioned")
    officer.check()

    page.locator("#id_note-text").fill("Cek anggaran pemeliharaan jalan.")
    officer.step("note")
    expect(page.locator(".internal-notes")).to_contain_text("Cek anggaran pemeliharaan jalan.")
    expect(page.locator(".timeline")).not_to_contain_text("Cek anggaran pemeliharaan jalan.")

    page.locator("#id_draft_response-text").fill("Lubang sudah ditambal pada hari Senin.")
    officer.step("draft_response")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "in_follow_up")
    officer.check()


def track(reporter: Person, number: str, code: str) -> None:
    page = reporter.page
    page.goto("/lacak/")
    page.locator("#id_number").fill(number)
    page.locator("#id_access_code").fill(code)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/lacak/LM-[\w-]+/$"))


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_report_walks_the_agency_track_to_the_reporters_confirmation(
    new_context: CreateContext, base_url: str, language: str
) -> None:
    title = f"Jalan Pahlawan berlubang {secrets.token_hex(3)}"
    officer = person(new_context, base_url, language, OFFICER)
    number, code = enter_report(officer, title)
    handle_until_response(officer, number, title)
    officer.step("submit_for_approval")
    expect(officer.page.locator("[data-state]")).to_have_attribute(
        "data-state", "awaiting_approval"
    )
    officer.check()

    head = person(new_context, base_url, language, HEAD)
    head.page.goto("/staf/kasus/pimpinan/")
    head.check()
    card = head.page.locator("li.approval", has_text=title)
    expect(card.locator("textarea[name=approve-summary]")).to_have_value(
        "Lubang sudah ditambal pada hari Senin."
    )
    card.locator("form").first.locator("button[type=submit]").click()
    expect(head.page.locator("[data-state]")).to_have_attribute("data-state", "resolved")
    head.check()

    reporter = person(new_context, base_url, language, None)
    track(reporter, number, code)
    expect(reporter.page.locator("main")).to_contain_text("Lubang sudah ditambal pada hari Senin.")
    reporter.check()
    reporter.page.locator("form[action$='/konfirmasi/'] button[type=submit]").click()
    expect(reporter.page.locator("form[action$='/konfirmasi/']")).to_have_count(0)
    if language == "en":
        expect(reporter.page.locator("main")).to_contain_text("confirmed")
    reporter.check()

    open_case(officer, number)
    expect(officer.page.locator("[data-state]")).to_have_attribute("data-state", "confirmed")
    officer.check()


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_disputed_report_is_escalated_and_offered_to_the_ombudsman(
    new_context: CreateContext, base_url: str, language: str
) -> None:
    title = f"Lampu jalan padam {secrets.token_hex(3)}"
    officer = person(new_context, base_url, language, OFFICER)
    number, code = enter_report(officer, title)
    handle_until_response(officer, number, title)
    officer.page.locator("#id_resolve-summary").fill("Lubang sudah ditambal.")
    officer.step("resolve")
    expect(officer.page.locator("[data-state]")).to_have_attribute("data-state", "resolved")

    reporter = person(new_context, base_url, language, None)
    track(reporter, number, code)
    reporter.page.locator("form[action$='/sanggah/'] textarea").fill(
        "Lubangnya masih ada, hanya ditutup papan."
    )
    reporter.page.locator("form[action$='/sanggah/'] button[type=submit]").click()
    expect(reporter.page.locator("form[action$='/sanggah/']")).to_have_count(0)
    reporter.check()

    head = person(new_context, base_url, language, HEAD)
    head.page.goto("/staf/kasus/pimpinan/")
    escalated = head.page.locator("main li", has_text=title)
    expect(escalated).to_have_count(1)
    head.check()
    escalated.get_by_role("link").first.click()
    expect(head.page.locator("[data-state]")).to_have_attribute("data-state", "disputed")
    head.page.locator("#id_escalate-reason").fill("Pelapor menyanggah hasil penanganan.")
    head.step("escalate")
    expect(head.page.locator("[data-state]")).to_have_attribute("data-state", "escalated")
    head.check()
    head.step("offer_to_ombudsman")
    expect(head.page.locator("[data-state]")).to_have_attribute(
        "data-state", "offered_to_ombudsman"
    )
    head.check()

    reporter.page.reload()
    if language == "en":
        expect(reporter.page.locator("main")).to_contain_text("Ombudsman")
    reporter.check()


def test_a_canned_response_from_the_admin_is_inserted_with_htmx_without_a_reload(
    new_context: CreateContext, base_url: str
) -> None:
    text = f"Mohon kirimkan foto lokasi dan alamat lengkapnya. {secrets.token_hex(3)}"
    admin = person(new_context, base_url, "en", "admin@tuntas.demo")
    admin.page.goto("/admin/cases/cannedresponse/add/")
    admin.page.locator("#id_institution").select_option(label="Pemerintah Kota Magelang")
    admin.page.locator("#id_title").fill(f"Minta foto {text[-6:]}")
    admin.page.locator("#id_text").fill(text)
    admin.page.locator("input[name=_save]").click()
    expect(admin.page).to_have_url(re.compile(r"/admin/cases/cannedresponse/$"))

    officer = person(new_context, base_url, "en", OFFICER)
    number, _code = enter_report(officer, f"Trotoar rusak {secrets.token_hex(3)}")
    open_case(officer, number)
    page = officer.page
    page.locator("#id_request_information-question").fill("Selamat pagi.")
    page.locator("#id_request_information-canned").select_option(label=f"Minta foto {text[-6:]}")
    page.evaluate("window.stillTheSameDocument = true")
    page.locator("#form-request_information button[name=insert_canned]").click()
    expect(page.locator("#id_request_information-question")).to_have_value(
        f"Selamat pagi.\n\n{text}"
    )
    assert page.evaluate("window.stillTheSameDocument === true"), "the page was reloaded"
    officer.check()
    officer.step("request_information")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "info_requested")
    expect(page.locator(".timeline")).to_contain_text(text)
