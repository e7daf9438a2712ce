"""What people do with Tuntas, done the way they do it: in a browser, with mouse or keyboard."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback as CreateContext

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

HOME_TITLE_ID = "Masalah pelayanan publik, diselesaikan sampai tuntas"
HOME_TITLE_EN = "Problems with a public service, resolved to the end"
WRONG_LOGIN_ID = "Alamat email atau kata sandi salah."


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator, *, max_presses: int = 40) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(max_presses):
        if is_focused(target):
            return
        page.keyboard.press("Tab")
    if not is_focused(target):
        raise AssertionError(
            f"{target} never received the focus after {max_presses} presses of Tab"
        )


def test_visitor_switches_the_language_to_english_and_back(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h1")).to_have_text(HOME_TITLE_ID)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(HOME_TITLE_EN)
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h1")).to_have_text(HOME_TITLE_ID)


def test_officer_signs_in_and_out_with_the_keyboard_only(page: Page) -> None:
    page.goto("/akun/masuk/")
    email = page.get_by_label("Alamat email")
    password = page.get_by_label("Kata sandi")

    tab_to(page, email)
    page.keyboard.type("petugas.siti@magelangkota.demo")
    tab_to(page, password)
    page.keyboard.type("Tuntas-Demo-2024!")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/staf/$"))
    expect(page.locator("h1")).to_have_text("Selamat datang, Siti Rahmawati")
    expect(page.get_by_role("heading", name="Petugas unit")).to_be_visible()

    sign_out = page.get_by_role("button", name=re.compile(r"^Keluar"))
    tab_to(page, sign_out)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Masuk untuk staf")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Keluar"))).to_have_count(0)
    page.goto("/staf/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next=/staf/$"))


def test_wrong_password_is_explained_in_indonesian_and_keeps_the_email(page: Page) -> None:
    page.goto("/akun/masuk/")
    page.get_by_label("Alamat email").fill("petugas.siti@magelangkota.demo")
    page.get_by_label("Kata sandi").fill("salah-kata-sandi")
    page.get_by_role("button", name="Masuk", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN_ID)
    expect(page.get_by_label("Alamat email")).to_have_value("petugas.siti@magelangkota.demo")
    expect(page.get_by_label("Kata sandi")).to_have_value("")


def test_officer_of_kota_magelang_gets_the_404_page_for_purworejo(
    page: Page, production_server_url: str
) -> None:
    sign_in(page, "petugas.siti@magelangkota.demo")
    # Only a server with DEBUG off shows errors/404.html; the session is shared (see conftest).
    response = page.goto(production_server_url + "/staf/instansi/kabupaten-purworejo/")

    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Halaman tidak ditemukan")
    expect(page.get_by_text("Pemerintah Kabupaten Purworejo")).to_have_count(0)
    expect(page.get_by_role("link", name="Ke beranda")).to_be_visible()


def test_institution_admin_changes_a_telephone_number_and_the_auditor_sees_it(
    page: Page, new_context: CreateContext
) -> None:
    phone = f"(0293) 555-{secrets.randbelow(10_000):04d}"
    sign_in(page, "admin.organisasi@magelangkota.demo")
    page.goto("/staf/instansi/kota-magelang/")
    page.get_by_role("link", name="Dinas Sosial", exact=True).click()
    page.get_by_role("link", name="Ubah unit kerja ini").click()
    page.get_by_label("Telepon").fill(phone)
    page.get_by_role("button", name="Simpan").click()

    expect(page).to_have_url(re.compile(r"/staf/unit/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Unit kerja telah disimpan.")
    expect(page.locator("dt:has-text('Telepon') + dd")).to_have_text(phone)

    auditor = new_context().new_page()
    sign_in(auditor, "auditor@magelangkota.demo")
    auditor.goto("/staf/audit/")
    auditor.get_by_label("Tindakan").select_option(label="Data unit kerja diubah")
    auditor.get_by_role("button", name="Saring").click()
    row = auditor.get_by_role("row").filter(has_text=phone)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Data unit kerja diubah")
    expect(row).to_contain_text("Dewi Lestari")
    expect(row).to_contain_text("Dinas Sosial")


def test_directory_search_works_without_javascript(new_context: CreateContext) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/instansi/")
    page.get_by_role("searchbox").fill("Pati")
    page.get_by_role("button", name="Cari").click()

    expect(page).to_have_url(re.compile(r"[?&]q=Pati"))
    results = page.locator("#directory-results")
    expect(results.get_by_role("link", name="Pemerintah Kabupaten Pati")).to_be_visible()
    expect(results.get_by_role("link", name="Pemerintah Kota Magelang")).to_have_count(0)


def test_directory_search_updates_the_results_while_typing(page: Page) -> None:
    page.goto("/instansi/")
    results = page.locator("#directory-results")
    expect(results.get_by_role("link", name="Pemerintah Kota Magelang")).to_be_visible()
    page.evaluate("window.stillTheSameDocument = true")
    htmx_requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            htmx_requests.append(request.url) if request.headers.get("hx-request") else None
        ),
    )

    page.get_by_role("searchbox").press_sequentially("Pati")

    expect(results.get_by_role("link", name="Pemerintah Kabupaten Pati")).to_be_visible()
    expect(results.get_by_role("link", name="Pemerintah Kota Magelang")).to_have_count(0)
    assert page.evaluate("window.stillTheSameDocument === true"), (
        "the page was reloaded instead of updated"
    )
    assert htmx_requests, "the results did not come from an htmx request"
    expect(page).to_have_url(re.compile(r"[?&]q=Pati"))


def small_targets(page: Page) -> list[str]:
    """Visible links, buttons and fields smaller than 24x24 CSS pixels (WCAG 2.2, 2.5.8)."""
    too_small = []
    for element in page.locator("a, button, input, select").all():
        if not element.is_visible():
            continue
        box = element.bounding_box()
        assert box is not None
        if box["width"] < 24 or box["height"] < 24:
            html = element.evaluate("e => e.outerHTML.slice(0, 120)")
            too_small.append(f"{box['width']:.0f}x{box['height']:.0f} {html}")
    return too_small


@pytest.mark.parametrize("path", ["/", "/akun/masuk/"], ids=["home", "login"])
def test_every_target_is_at_least_24_pixels_square(page: Page, path: str) -> None:
    page.goto(path)
    too_small = small_targets(page)
    assert not too_small, "Targets smaller than 24x24 px:\n" + "\n".join(too_small)
