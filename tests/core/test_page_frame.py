"""The page frame keeps its fixed parts rendered once; what varies still varies."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


def test_the_navigation_marks_the_page_being_read_on_every_page(client):
    assert _current(client.get("/lapor/").content.decode()) == ["/lapor/"]
    assert _current(client.get("/").content.decode()) == ["/"]
    assert _current(client.get("/lapor/").content.decode()) == ["/lapor/"]


def test_the_frame_follows_the_chosen_language(client):
    indonesian = client.get("/lapor/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/lapor/").content.decode()

    assert "Laporkan masalah" in indonesian and "Aksesibilitas" in indonesian
    assert "Report a problem" in english and "Accessibility" in english
    assert "Report a problem" not in indonesian and "Aksesibilitas" not in english


def test_a_signed_in_officer_sees_their_own_sign_out_button_and_workspace(client, region):
    anonymous = client.get("/lapor/").content.decode()
    client.force_login(region.petugas_siti)
    signed_in = client.get("/lapor/").content.decode()

    assert 'href="/akun/masuk/"' in anonymous and 'href="/staf/"' not in anonymous
    assert 'href="/akun/masuk/"' not in signed_in and 'href="/staf/"' in signed_in
    assert region.petugas_siti.get_short_name() in signed_in
    assert region.petugas_siti.get_short_name() not in anonymous
    assert 'name="csrfmiddlewaretoken"' in signed_in


def test_the_site_name_is_part_of_the_cached_frame_key(client):
    client.get("/lapor/")
    with override_settings(TUNTAS_SITE_NAME="Lapor Magelang"):
        renamed = client.get("/lapor/").content.decode()
    assert 'class="brand" href="/">Lapor Magelang<' in renamed


def test_the_fixed_parts_are_kept_per_process_after_the_first_page(client):
    fragments = caches["template_fragments"]
    key = make_template_fragment_key("frame_footer", ["id", settings.TUNTAS_SITE_NAME])
    fragments.delete(key)

    client.get("/lapor/")

    assert "Aksesibilitas" in fragments.get(key)
    assert settings.CACHES["template_fragments"]["BACKEND"].endswith("LocMemCache")
