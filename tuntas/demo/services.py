"""Load the demo region through the real services. Running it again changes nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tuntas.accounts.models import User
from tuntas.accounts.services import membership_grant, user_create
from tuntas.demo.ombudsman import demo_ombudsman_cases_load
from tuntas.demo.region import (
    DEMO_PASSWORD,
    DEMO_USERS,
    GOVERNMENT_UNITS,
    GOVERNMENTS,
    MOU_SIGNED_ON,
    OMBUDSMAN_UNITS,
    UNIVERSITIES,
)
from tuntas.institutions.models import Institution, Partnership, PartnershipScope, Unit
from tuntas.institutions.services import (
    institution_create,
    partnership_create,
    service_point_create,
    unit_create,
)
from tuntas.sla.services import holidays_import

MOU_NUMBER = "DEMO/MOU-ORI-JTG/IV/2024"


@dataclass
class DemoLoadResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    @property
    def anything_created(self) -> bool:
        return bool(self.created)


def _institution(result: DemoLoadResult, slug: str, **fields: object) -> Institution:
    existing = Institution.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    result.count("institutions")
    return institution_create(actor=None, slug=slug, **fields)  # type: ignore[arg-type]


def _unit(
    result: DemoLoadResult,
    institution: Institution,
    name: str,
    kind: str,
    parent: Unit | None = None,
    **fields: str,
) -> Unit:
    existing = Unit.objects.filter(institution=institution, name=name).first()
    if existing is not None:
        return existing
    result.count("units")
    return unit_create(
        actor=None, institution=institution, name=name, kind=kind, parent=parent, **fields
    )


def _service_point(result: DemoLoadResult, unit: Unit, name: str, address: str, hours: str) -> None:
    if unit.service_points.filter(name=name).exists():
        return
    result.count("service points")
    service_point_create(actor=None, unit=unit, name=name, address=address, opening_hours=hours)


def _load_ombudsman(result: DemoLoadResult) -> Institution:
    central = _institution(
        result,
        "ombudsman-ri",
        name="Ombudsman Republik Indonesia",
        short_name="Ombudsman RI",
        kind="ombudsman_pusat",
        address="Jakarta Selatan, DKI Jakarta",
        phone="137",
        website="https://ombudsman.go.id",
        description="Lembaga negara pengawas penyelenggaraan pelayanan publik (UU 37/2008).",
    )
    office = _institution(
        result,
        "ombudsman-jawa-tengah",
        name="Ombudsman RI Perwakilan Jawa Tengah",
        short_name="Ombudsman Jawa Tengah",
        kind="ombudsman_perwakilan",
        parent=central,
        region_code="33",
        address="Semarang, Jawa Tengah",
        website="https://ombudsman.go.id/perwakilan/jateng",
        description="Kantor perwakilan Ombudsman RI untuk Provinsi Jawa Tengah.",
    )
    for name, kind in OMBUDSMAN_UNITS:
        _unit(result, office, name, kind)
    return office


def _load_governments(result: DemoLoadResult, office: Institution) -> list[Institution]:
    institutions = []
    for government in GOVERNMENTS:
        institution = _institution(
            result,
            government.slug,
            name=government.name,
            short_name=government.short_name,
            kind=government.kind,
            region_code=government.region_code,
            supervising_office=office,
            address=f"{government.seat}, Jawa Tengah",
        )
        institutions.append(institution)
        units = {name: _unit(result, institution, name, kind) for name, kind in GOVERNMENT_UNITS}
        health = units["Dinas Kesehatan"]
        _unit(
            result,
            institution,
            government.hospital,
            "rsud",
            parent=health,
            address=f"{government.seat}",
        )
        for centre in government.health_centres:
            _unit(result, institution, centre, "puskesmas", parent=health)
        education = units["Dinas Pendidikan dan Kebudayaan"]
        for school in government.schools:
            _unit(result, institution, school, "sekolah", parent=education)
        for district in government.districts:
            _unit(result, institution, f"Kecamatan {district}", "kecamatan")
        _service_point(
            result,
            units["Dinas Kependudukan dan Pencatatan Sipil"],
            "Loket Pelayanan Adminduk",
            f"{government.seat}, Jawa Tengah",
            "Senin–Jumat 08.00–15.00",
        )
        _service_point(
            result,
            units["Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"],
            "Mal Pelayanan Publik",
            f"{government.seat}, Jawa Tengah",
            "Senin–Jumat 08.00–15.30, Sabtu 08.00–12.00",
        )
    return institutions


def _load_universities(result: DemoLoadResult, office: Institution) -> list[Institution]:
    institutions = []
    for university in UNIVERSITIES:
        institution = _institution(
            result,
            university.slug,
            name=university.name,
            short_name=university.short_name,
            kind="universitas",
            supervising_office=office,
            address=f"{university.seat}, Jawa Tengah",
        )
        institutions.append(institution)
        for faculty in university.faculties:
            _unit(result, institution, faculty, "fakultas")
        _unit(result, institution, "Biro Administrasi Akademik dan Kemahasiswaan", "biro")
    return institutions


def _load_partnership(
    result: DemoLoadResult, office: Institution, partners: list[Institution]
) -> None:
    if Partnership.objects.filter(number=MOU_NUMBER).exists():
        return
    result.count("partnerships")
    partnership_create(
        actor=None,
        title="Nota Kesepahaman tentang Peningkatan Kualitas Pelayanan Publik",
        number=MOU_NUMBER,
        signed_on=MOU_SIGNED_ON,
        valid_from=MOU_SIGNED_ON,
        valid_until=datetime.date(2029, 4, 1),
        place_signed="Semarang",
        summary=(
            "Kerja sama Ombudsman RI Perwakilan Jawa Tengah dengan pemerintah daerah dan perguruan "
            "tinggi mitra (nomor dokumen demo)."
        ),
        parties=[
            (office, "DEMO/ORI-JTG/2024"),
            *[(partner, f"DEMO/{partner.slug.upper()}/2024") for partner in partners],
        ],
        scopes=list(PartnershipScope.values),
    )


def _load_users(result: DemoLoadResult) -> None:
    for demo in DEMO_USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            result.count("users")
            user = user_create(
                actor=None,
                email=demo.email,
                full_name=demo.full_name,
                password=DEMO_PASSWORD,
                kind=demo.kind,
                is_platform_admin=demo.platform_admin,
                is_demo=True,
            )
        if demo.role is None or demo.institution_slug is None:
            continue
        institution = Institution.objects.get(slug=demo.institution_slug)
        unit = (
            Unit.objects.get(institution=institution, name=demo.unit_name)
            if demo.unit_name
            else None
        )
        before = user.memberships.count()
        membership_grant(actor=None, user=user, institution=institution, role=demo.role, unit=unit)
        if user.memberships.count() > before:
            result.count("memberships")


def _load_holidays(result: DemoLoadResult) -> None:
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year, this_year + 1):
        imported = holidays_import(year=year)
        if imported.added:
            result.created["holidays"] = result.created.get("holidays", 0) + imported.added


@transaction.atomic
def demo_region_load() -> DemoLoadResult:
    result = DemoLoadResult()
    office = _load_ombudsman(result)
    partners = _load_governments(result, office) + _load_universities(result, office)
    _load_partnership(result, office, partners)
    _load_users(result)
    _load_holidays(result)
    demo_ombudsman_cases_load(result)  # after the holidays: their deadlines need the calendar
    return result


def demo_logins() -> list[tuple[str, str, str]]:
    return [(demo.email, DEMO_PASSWORD, demo.description) for demo in DEMO_USERS]
