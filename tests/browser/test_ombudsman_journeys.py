"""The Ombudsman track in the browser, as the assistant, the head of the perwakilan, the
partner's liaison and the reporter do it.

(a) A report registered at the Ombudsman counter passes formal and material verification and the
plenary, is examined (a clarification request), and gets a draft final report (LAHP) with each of
the three conclusions; the reporter responds to the draft from the public pages; the head issues
it. With maladministration found, the liaison pushes the unit from the coordination board, agrees
an action in the joint case room and marks it done, the assistant records the corrective action
done and closes the case.
(b) An urgent report takes the Respons Cepat Ombudsman fast track: accepted, coordinated with the
liaison in the joint room and on the board, resolved.
(c) The reporter sends what a completeness request asked for, then withdraws the report from the
Ombudsman, from the public pages.

Every page on the way passes axe-core. The conclusions run in different languages (found in both,
not found in English, stopped in Indonesian) and the fast track in both, so every page is checked
in Indonesian and in English without walking every journey twice. Visible text is asserted only
under English; in Indonesian the journey relies on URLs and data-state attributes.

Everything is done through the pages; nothing is set up by calling services. The reporter's
tracking page does not include the Ombudsman panel yet (the lead adds the include), so the
reporter opens the public Ombudsman pages at their URLs after the tracking look-up.
"""

from __future__ import annotations

import datetime
import re
import secrets
import zoneinfo
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback as CreateContext

from tests.browser.conftest import sign_in, use_language
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_report_journey import watch_errors
from tuntas.complaints import codes

pytestmark = pytest.mark.browser

ASSISTANT = "asisten.andi@ombudsman.demo"
HEAD = "kepala.perwakilan@ombudsman.demo"
LIAISON = "admin.organisasi@magelangkota.demo"
INSTITUTION = "Pemerintah Kota Magelang"
UNIT = "Dinas Pekerjaan Umum dan Penataan Ruang (Kota Magelang)"
CASE_URL = re.compile(r"/staf/ombudsman/kasus/LM-\w+/$")


def today() -> datetime.date:
    return datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Jakarta")).date()


@dataclass
class Person:
    page: Page
    errors: list[str]
    language: str

    def check(self, status: int = 200) -> None:
        assert_accessible(self.page, self.language, self.errors, status=status)

    def says(self, text: str) -> None:
        """Visible text is asserted in English only (the Indonesian catalogue comes last)."""
        if self.language == "en":
            expect(self.page.locator("main")).to_contain_text(text)

    def step(self, name: str) -> None:
        """Press a step's button on the case page and land back on the case page."""
        with self.page.expect_navigation():
            self.page.locator(f"form[action$='/langkah/{name}/'] button[type=submit]").click()
        expect(self.page).to_have_url(CASE_URL)

    def state(self, value: str) -> None:
        expect(self.page.locator("dd[data-state]")).to_have_attribute("data-state", value)


def person(new_context: CreateContext, base_url: str, language: str, email: str | None) -> Person:
    context = new_context()
    use_language(context, base_url, language)
    page = context.new_page()
    errors = watch_errors(page)
    if email:
        sign_in(page, email)
    return Person(page, errors, language)


def register(assistant: Person, title: str, *, fast_track: bool = False) -> tuple[str, str]:
    """The assistant registers a citizen's report at the counter; returns number and access code."""
    page = assistant.page
    page.goto("/staf/ombudsman/baru/")
    assistant.check()
    page.locator("#id_institution").select_option(label=INSTITUTION)
    page.locator("#id_unit").select_option(label=UNIT)
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill(
        "Jalan Pahlawan berlubang sejak Januari; Dinas PUPR berjanji menambal tetapi tidak datang."
    )
    page.locator("#id_channel_0").check()
    page.locator("input[name=identity_mode][value=anonim]").check()
    page.locator("#id_complained_before").check()
    if fast_track:
        page.locator("#id_track").select_option("rco")
        page.locator("#id_rco_criterion").select_option("keselamatan_jiwa")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staf/ombudsman/baru/tanda-terima/$"))
    assistant.check()
    number = page.locator("#receipt-number").inner_text().strip()
    code = page.locator("#receipt-code").inner_text().strip()
    page.locator(
        f"a[href$='/kasus/{number.replace('-', '')[:2]}-{number.replace('-', '')[2:]}/']"
    ).click()
    expect(page).to_have_url(CASE_URL)
    assistant.state("received")
    assistant.check()
    return number, code


def open_case(someone: Person, number: str) -> None:
    someone.page.goto(f"/staf/ombudsman/kasus/{canonical(number)}/")
    expect(someone.page).to_have_url(CASE_URL)


def canonical(number: str) -> str:
    """The number as stored, from the grouped form the receipt shows."""
    return codes.normalise_public_number(number)


def verify(assistant: Person) -> None:
    """Formal check and verification, material check and verification."""
    page = assistant.page
    for box in ("identity_confirmed", "chronology_clear", "prior_complaint", "within_two_years"):
        page.locator(f"#id_formal_check-{box}").check()
    assistant.step("formal_check")
    assistant.step("formal_verify")
    assistant.state("material_verification")
    assistant.check()
    for box in (
        "within_authority",
        "not_before_court",
        "not_already_reported",
        "not_resolved",
        "agency_time_passed",
    ):
        page.locator(f"#id_material_check-{box}").check()
    assistant.step("material_check")
    assistant.step("material_verify")
    assistant.state("plenary")


def plenary(head: Person, number: str) -> None:
    open_case(head, number)
    head.check()
    page = head.page
    page.locator("#id_plenary-outcome").select_option("examine")
    page.locator("#id_plenary-held_on").fill(today().isoformat())
    page.locator("#id_plenary-minutes").fill("Rapat perwakilan memutuskan laporan diperiksa.")
    head.step("plenary")
    head.state("examination")
    head.says("Under examination")
    head.check()


def track(reporter: Person, number: str, code: str) -> None:
    page = reporter.page
    page.goto("/lacak/")
    page.locator("#id_number").fill(number)
    page.locator("#id_access_code").fill(code)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/lacak/LM-[\w-]+/$"))


def respond_to_draft(reporter: Person, number: str) -> None:
    page = reporter.page
    page.goto(f"/lacak/ombudsman/{number}/tanggapan/")
    expect(page.locator("#id_response")).to_be_visible()
    reporter.says("Respond to the draft final report")
    reporter.check()
    page.locator("main form button[type=submit]").click()  # empty: refused, explained
    expect(page.locator(".error-summary")).to_be_visible()
    reporter.check(status=400)
    reporter.errors.clear()
    page.locator("#id_response").fill("Saya menerima rancangan laporan ini.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/lacak/LM-[\w-]+/$"))
    reporter.says("The Ombudsman received your response.")
    reporter.check()


def liaison_board_and_room(liaison: Person, number: str) -> None:
    """The liaison pushes the unit from the board, then agrees an action in the room and closes it."""
    page = liaison.page
    page.goto("/staf/ombudsman/koordinasi/")
    liaison.check()
    row = page.locator("tbody tr", has_text=canonical(number))
    expect(row).to_have_count(1)
    row.locator("textarea").fill("Mohon Dinas PUPR segera menjawab klarifikasi Ombudsman.")
    row.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staf/ombudsman/koordinasi/\?"))
    row = page.locator("tbody tr", has_text=canonical(number))
    expect(row.locator("form")).to_have_count(0)  # once a day
    liaison.says("were asked to act on")
    liaison.check()

    row.get_by_role("link", name=canonical(number)).click()
    expect(page).to_have_url(re.compile(r"/staf/ombudsman/ruang/LM-\w+/$"))
    liaison.says("Joint case room")
    liaison.check()
    page.locator("#id_body").fill("Bagian Organisasi sudah meneruskan ke Kepala Dinas PUPR.")
    page.locator("form[action$='/pesan/'] button[type=submit]").click()
    expect(page.locator("ol.timeline")).to_contain_text("Bagian Organisasi sudah meneruskan")
    page.locator("#id_description").fill("Dinas PUPR mengirim jadwal penambalan")
    page.locator("#id_owner").select_option(label=INSTITUTION)
    page.locator("#id_due_on").fill((today() + datetime.timedelta(days=7)).isoformat())
    page.locator("form[action$='/tindakan/'] button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("Dinas PUPR mengirim jadwal penambalan")
    liaison.check()
    page.locator("table form textarea").fill("Jadwal diterima: penambalan Senin depan")
    page.locator("table form button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("Jadwal diterima: penambalan Senin depan")
    expect(page.locator("table form")).to_have_count(0)
    liaison.check()


CONCLUSIONS = [
    pytest.param("found", "id", id="found-id"),
    pytest.param("found", "en", id="found-en"),
    pytest.param("not_found", "en", id="not_found-en"),
    pytest.param("stopped", "id", id="stopped-id"),
]


@pytest.mark.parametrize(("conclusion", "language"), CONCLUSIONS)
def test_a_report_walks_the_ombudsman_track_to_closure_through_each_conclusion(
    new_context: CreateContext, base_url: str, conclusion: str, language: str
) -> None:
    title = f"Jalan Pahlawan tidak diperbaiki {secrets.token_hex(3)}"
    assistant = person(new_context, base_url, language, ASSISTANT)
    number, code = register(assistant, title)
    verify(assistant)
    head = person(new_context, base_url, language, HEAD)
    plenary(head, number)

    page = assistant.page
    page.reload()
    page.locator("#id_clarification_request-kind").select_option("written")
    page.locator("#id_clarification_request-questions").fill("Mengapa penambalan belum dikerjakan?")
    assistant.step("clarification_request")
    assistant.check()
    if conclusion == "found":
        liaison = person(new_context, base_url, language, LIAISON)
        liaison_board_and_room(liaison, number)

    page.reload()
    page.locator("#id_lahp_draft-conclusion").select_option(conclusion)
    page.locator("#id_lahp_draft-summary").fill(
        "Pelapor melaporkan jalan berlubang yang tidak diperbaiki."
    )
    page.locator("#id_lahp_draft-findings").fill("Dinas PUPR tidak menjadwalkan penambalan.")
    page.locator("#id_lahp_draft-opinion").fill("Penundaan berlarut dalam pemeliharaan jalan.")
    page.locator("#id_lahp_draft-substance").select_option(index=1)
    if conclusion == "found":
        page.locator("input[name='lahp_draft-maladministration_types']").first.check()
        page.locator("#id_lahp_draft-corrective_actions").fill("Menambal Jalan Pahlawan")
    assistant.step("lahp_draft")
    assistant.state("lahp_draft")
    assistant.check()

    reporter = person(new_context, base_url, language, None)
    track(reporter, number, code)
    respond_to_draft(reporter, number)

    open_case(head, number)
    head.says("Saya menerima rancangan laporan ini.")
    head.step("lahp_issue")
    if conclusion == "found":
        head.state("monitoring")
        head.check()
        open_case(assistant, number)
        page.locator("#id_corrective_done-action").select_option(index=1)
        page.locator("#id_corrective_done-evidence").fill("Foto jalan setelah ditambal")
        assistant.step("corrective_done")
        assistant.step("monitoring_complete")
        assistant.state("closed")
        assistant.says("The corrective actions were carried out")
        assistant.check()
    else:
        head.state("closed")
        head.check()

    reporter.page.goto(f"/lacak/{number}/")
    reporter.says("The final report was issued")
    reporter.check()


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_urgent_report_takes_the_fast_track_with_the_liaison(
    new_context: CreateContext, base_url: str, language: str
) -> None:
    title = f"Pasien IGD diminta uang muka {secrets.token_hex(3)}"
    assistant = person(new_context, base_url, language, ASSISTANT)
    number, code = register(assistant, title, fast_track=True)
    assistant.says("Respons Cepat Ombudsman")
    assistant.page.locator("#id_rco_accept-criterion").select_option("keselamatan_jiwa")
    assistant.step("rco_accept")
    assistant.state("examination")
    assistant.check()
    assistant.page.locator("main a[href*='/staf/ombudsman/ruang/']").click()
    expect(assistant.page).to_have_url(re.compile(r"/staf/ombudsman/ruang/LM-\w+/$"))
    assistant.page.locator("#id_body").fill(
        "Mohon Bagian Organisasi menghubungi direktur RSUD hari ini."
    )
    assistant.page.locator("form[action$='/pesan/'] button[type=submit]").click()
    expect(assistant.page.locator("ol.timeline")).to_contain_text("menghubungi direktur RSUD")
    assistant.check()

    liaison = person(new_context, base_url, language, LIAISON)
    liaison_board_and_room(liaison, number)
    expect(liaison.page.locator("ol.timeline")).to_contain_text("menghubungi direktur RSUD")

    head = person(new_context, base_url, language, HEAD)
    open_case(head, number)
    head.check()
    head.page.locator("#id_rco_resolve-summary").fill("RSUD menangani pasien tanpa uang muka.")
    head.step("rco_resolve")
    head.state("closed")
    head.says("Resolved through Respons Cepat Ombudsman")
    head.check()

    reporter = person(new_context, base_url, language, None)
    track(reporter, number, code)
    reporter.says("The fast-track case was resolved")
    reporter.check()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_reporter_completes_the_report_and_then_withdraws_it(
    new_context: CreateContext, base_url: str, language: str
) -> None:
    title = f"Akta kelahiran tidak terbit {secrets.token_hex(3)}"
    assistant = person(new_context, base_url, language, ASSISTANT)
    number, code = register(assistant, title)
    assistant.page.locator("#id_request_completeness-missing_items").fill("Salinan Kartu Keluarga")
    assistant.step("request_completeness")
    assistant.state("completeness_requested")
    assistant.check()

    reporter = person(new_context, base_url, language, None)
    track(reporter, number, code)
    page = reporter.page
    page.goto(f"/lacak/ombudsman/{number}/kelengkapan/")
    expect(page.locator("main")).to_contain_text("Salinan Kartu Keluarga")
    reporter.check()
    page.locator("main form button[type=submit]").click()  # nothing written or attached
    expect(page.locator(".error-summary")).to_be_visible()
    reporter.check(status=400)
    reporter.errors.clear()
    page.locator("#id_text").fill("Nomor KK 3371xxxxxxxxxxxx; salinan menyusul di loket.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/lacak/LM-[\w-]+/$"))
    reporter.says("The Ombudsman received your documents")
    reporter.check()

    assistant.page.reload()
    assistant.state("received")

    page.goto(f"/lacak/ombudsman/{number}/tarik/")
    page.locator("#id_reason").fill("Akta sudah terbit.")
    page.locator("main form button[type=submit]").click()  # the box is not ticked
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_reason")).to_have_value("Akta sudah terbit.")
    reporter.check(status=400)
    reporter.errors.clear()
    page.locator("#id_confirm").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/lacak/LM-[\w-]+/$"))
    reporter.says("Your report was withdrawn")
    reporter.check()

    assistant.page.reload()
    assistant.state("withdrawn")
    assistant.check()
