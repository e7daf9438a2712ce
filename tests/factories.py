"""Factories that build objects through the real services, so tests see what users see."""

from __future__ import annotations

from typing import Any

import factory

from tuntas.accounts.models import User
from tuntas.accounts.services import membership_grant, user_create
from tuntas.institutions.models import Institution, Unit
from tuntas.institutions.services import institution_create, unit_create

PASSWORD = "correct-horse-battery-staple"


CREATE_SERVICES: dict[type, Any] = {
    Institution: institution_create,
    Unit: unit_create,
    User: user_create,
}


class ServiceFactory(factory.Factory):
    """A factory whose ``_create`` calls the model's create service with keyword arguments."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return CREATE_SERVICES[model_class](actor=kwargs.pop("actor", None), **kwargs)


class InstitutionFactory(ServiceFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Pemerintah Kabupaten Contoh {n}")
    kind = "pemerintah_kabupaten"
    region_code = factory.Sequence(lambda n: f"33.{n % 90 + 10:02d}")


class UnitFactory(ServiceFactory):
    class Meta:
        model = Unit

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    kind = "dinas"


class UserFactory(ServiceFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"pengguna{n}@contoh.test")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    password = PASSWORD


def staff_member(
    *, role: str, institution: Institution, unit: Unit | None = None, **user: Any
) -> User:
    person = UserFactory(**user)
    membership_grant(actor=None, user=person, institution=institution, role=role, unit=unit)
    return person
