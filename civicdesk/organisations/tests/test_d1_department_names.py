"""Departments (teams) have names in other languages, as agencies and sites do: a Chinese or
Malay reader sees them in their language, anyone else the English `name`; a manager enters
them in the admin's department rows, which refuse names that are not {language code: name}."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from civicdesk.organisations.admin import DepartmentInline
from civicdesk.organisations.demo import load_organisations
from civicdesk.organisations.models import Agency, Department
from civicdesk.organisations.services import department_create
from civicdesk.organisations.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_display_name_follows_the_language_in_use_and_falls_back_to_english(agency):
    rent = DepartmentFactory(
        agency=agency, name="Rent and Payments", names={"zh-hant": "租金及繳費組", "ms": "Sewa"}
    )
    plain = DepartmentFactory(agency=agency, name="Parking")
    with translation.override("zh-hant"):
        assert rent.display_name == "租金及繳費組"
        assert plain.display_name == "Parking"  # no Chinese name: the English one
    with translation.override("zh-hans"):
        assert rent.display_name == "租金及繳費組"  # the other script before the English
    with translation.override("ms"):
        assert rent.display_name == "Sewa"
    with translation.override("en"):
        assert rent.display_name == "Rent and Payments"
    assert str(rent).endswith("Rent and Payments")  # the stored (English) name elsewhere


def test_department_create_keeps_names_and_validates_them(agency):
    made = department_create(
        actor=None, agency=agency, code="RENT", name="Rent", names={"zh-hans": "租金组"}
    )
    assert Department.objects.get(pk=made.pk).names == {"zh-hans": "租金组"}
    with pytest.raises(ValidationError):
        department_create(actor=None, agency=agency, code="BAD", name="Bad", names={"fr": "Loyer"})
    with pytest.raises(ValidationError):
        department_create(
            actor=None, agency=agency, code="LONG", name="Long", names={"ms": "x" * 201}
        )
    assert not Department.objects.filter(code__in=["BAD", "LONG"]).exists()


def _inline_formset(agency, names):
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    formset_class = DepartmentInline(Agency, admin.site).get_formset(request, agency)
    prefix = formset_class.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-code": "RENT",
        f"{prefix}-0-name": "Rent and Payments",
        f"{prefix}-0-names": names,
        f"{prefix}-0-is_active": "on",
    }
    return formset_class(data, instance=agency, prefix=prefix)


def test_admin_department_rows_take_names_like_agencies_and_sites(agency):
    good = _inline_formset(agency, '{"zh-hant": "租金及繳費組", "ms": "Sewa dan Bayaran"}')
    assert "names" in good.forms[0].fields
    assert good.is_valid(), good.errors
    good.save()
    saved = Department.objects.get(agency=agency, code="RENT")
    assert saved.names == {"zh-hant": "租金及繳費組", "ms": "Sewa dan Bayaran"}


@pytest.mark.parametrize("names", ['{"fr": "Loyer"}', '["租金"]', '{"ms": 5}'])
def test_admin_department_rows_refuse_names_not_by_language_code(agency, names):
    formset = _inline_formset(agency, names)
    assert not formset.is_valid()
    assert "names" in formset.forms[0].errors


def test_demo_departments_are_named_in_chinese_and_malay():
    load_organisations()
    maintenance = Department.objects.get(agency__code="HSG", code="MAINT")
    assert maintenance.names == {
        "zh-hant": "屋邨維修組",
        "zh-hans": "屋邨维修组",
        "ms": "Penyelenggaraan Estet",
    }
    assert not Department.objects.filter(names={}).exists()  # every demo department
    Department.objects.update(names={})
    load_organisations()  # a demo made before departments had names gets them
    assert not Department.objects.filter(names={}).exists()
