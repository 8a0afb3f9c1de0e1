"""Bundle pages without a browser: the list, the merged form, the 免提交 preview on the form."""

from __future__ import annotations

import re

from tests.builders import PASSWORD
from tests.pages.helpers import post_form
from tests.services.bundles_data import NEWBORN, save_bundle
from tests.sharing.conftest import CITIZEN_ID, PROVIDER_ROWS, SharingCity

PERSON = PROVIDER_ROWS["provider_population"][0]


def test_list_form_and_preview(bundle_city: SharingCity) -> None:
    city = bundle_city
    save_bundle(city.world)
    save_bundle(city.world, NEWBORN)
    c = city.client
    c.cookies.clear()
    page = c.get("/bundles")
    assert page.status_code == 200 and "开办餐馆" in page.text and 'id="apply-open-restaurant"' in page.text
    assert "限法人" in page.text  # the food part's condition
    form = c.get("/bundles/open-restaurant")
    assert form.status_code == 200 and form.text.count('name="a.enterprise.name"') == 1
    assert c.get("/bundles/nope").status_code == 404
    data = {
        "applicant_type": "1",
        "applicant_name": PERSON["name"],
        "id_number": CITIZEN_ID,
        "consent": "1",
        "step": "prefill",
    }
    # not signed in: the form points to the portal's sign-in, no password fields on it
    page = c.get("/bundles/newborn")
    assert 'id="signin-link"' in page.text and 'name="password"' not in page.text
    r = post_form(c, "/bundles/newborn", "/bundles/newborn", data)
    assert r.status_code == 401 and 'id="signin-error"' in r.text
    # the citizen signs in once at /my with the account (verified ID): not asked again here
    sign_in_citizen(c)
    page = c.get("/bundles/newborn")
    assert 'id="signed-in-as"' in page.text and 'id="signin-link"' not in page.text
    r = post_form(c, "/bundles/newborn", "/bundles/newborn", data)
    assert r.status_code == 200, r.text
    assert 'id="prefilled"' in r.text and f'value="{PERSON["household_address"]}"' in r.text
    assert 'id="mat-applicant.id_card"' in r.text and "zz_session" not in r.cookies
    r = post_form(c, "/bundles/newborn", "/bundles/newborn", {**data, "consent": ""})
    assert r.status_code == 422 and "须先同意" in r.text


def test_sms_signed_in_citizen_applies_without_person_data(bundle_city: SharingCity) -> None:
    """An SMS-code session proves the phone, not the ID number: the bundle form takes it without
    a password, but no person data is read for it."""
    city = bundle_city
    save_bundle(city.world, NEWBORN)
    c = city.client
    c.cookies.clear()
    r = post_form(c, "/my/login", "/my/code", {"phone": "13912345678"})
    code = re.search(r'id="demo-code">[^<]*<strong class="number">(\d{6})</strong>', r.text)
    assert code, r.text
    r = post_form(c, "/my/login", "/my/login", {"phone": "13912345678", "code": code.group(1)})
    assert r.status_code in (200, 303), r.text
    page = c.get("/bundles/newborn")
    assert 'id="signed-in-as"' in page.text and "139****5678" in page.text
    data = {
        "applicant_type": "1",
        "applicant_name": PERSON["name"],
        "id_number": CITIZEN_ID,
        "consent": "1",
        "step": "prefill",
    }
    r = post_form(c, "/bundles/newborn", "/bundles/newborn", data)
    assert r.status_code == 200, r.text
    assert f'value="{PERSON["household_address"]}"' not in r.text  # no verified ID: nothing read


def sign_in_citizen(c: object, phone: str = "13812341234") -> None:
    from sqlalchemy import select as sa_select

    from zhizhi.core.db import unit_of_work
    from zhizhi.org.models import User

    with unit_of_work() as s:
        s.scalars(sa_select(User).where(User.username == "citizen")).one().phone = phone
    r = post_form(
        c, "/my/login", "/my/password", {"username": "citizen", "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 303, r.text


def test_status_pages(bundle_city: SharingCity) -> None:
    from tests.pages.helpers import login
    from tests.services.test_bundle_submit import _newborn, _post_newborn

    city = bundle_city
    save_bundle(city.world, NEWBORN)
    body = _newborn(
        False, ["applicant.id_card", "hospital.record", "household.register"], **{"person.name": "王芳"}
    )
    r = _post_newborn(city, "citizen2", body)
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    c = city.client
    c.cookies.clear()
    assert c.get("/bundle-status").status_code == 200
    form = {"number": number, "username": "citizen2", "password": PASSWORD}
    r = post_form(c, "/bundle-status", "/bundle-status", form)
    assert r.status_code == 200 and number in r.text and 'id="saved-fields"' in r.text
    r = post_form(c, "/bundle-status", "/bundle-status", {**form, "username": "citizen"})
    assert r.status_code == 404 and 'id="lookup-error"' in r.text  # not his
    r = post_form(c, "/bundle-status", "/bundle-status", {**form, "password": "wrong"})
    assert r.status_code == 404
    login(c, "h_zj")
    r = c.get(f"/bundle-applications/{number}")
    assert r.status_code == 200 and 'id="parts"' in r.text
    login(c, "h_d2")
    assert c.get(f"/bundle-applications/{number}").status_code == 404
