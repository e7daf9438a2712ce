"""Rows of hand-written SQL become the same instances a queryset would return."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from tuntas.core.rows import concrete_attnames, instance_from_row, select_list
from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_client_create
from tuntas.institutions.models import Institution


def _row(model, attnames, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            # Identifiers from the model's metadata; the key travels as a parameter.
            f"SELECT {select_list(model, attnames, 't')} FROM {table} t "  # noqa: S608
            f"WHERE t.{pk_column} = %s",
            [pk],
        )
        return cursor.fetchone()


def _values(instance, attnames):
    return {name: getattr(instance, name) for name in attnames}


@pytest.mark.django_db
def test_a_row_with_datetimes_json_and_booleans_converts_as_the_orm_converts_it(region):
    client, _key = api_client_create(
        actor=None, institution=region.magelang, name="Gateway", scopes=["submit", "read"]
    )
    moment = datetime.datetime(2026, 11, 30, 8, 15, 30, 123456, tzinfo=datetime.UTC)
    ApiClient.objects.filter(pk=client.pk).update(
        last_used_at=moment, expires_at=moment, is_active=False
    )
    attnames = concrete_attnames(ApiClient)

    read = instance_from_row(ApiClient, attnames, _row(ApiClient, attnames, client.pk))

    expected = ApiClient.objects.get(pk=client.pk)
    assert _values(read, attnames) == _values(expected, attnames)
    assert read.last_used_at == moment and read.last_used_at.tzinfo is not None
    assert read.is_active is False
    assert read.scopes == ["read", "submit"]
    assert read._state.adding is False and read._state.db == "default"


@pytest.mark.django_db
@pytest.mark.parametrize("attnames", [("id", "slug", "kind"), ("kind", "slug", "id")])
def test_a_subset_of_columns_in_any_order_leaves_the_others_deferred(region, attnames):
    read = instance_from_row(Institution, attnames, _row(Institution, attnames, region.magelang.pk))

    assert (read.pk, read.slug, read.kind) == (
        region.magelang.pk,
        region.magelang.slug,
        region.magelang.kind,
    )
    assert "name" in read.get_deferred_fields()


def test_a_column_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no columns"):
        instance_from_row(Institution, ("id", "colour"), (1, "biru"))
