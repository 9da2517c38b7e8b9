"""Every rule of the catalog schema, accepted and refused (Art 13, 15, 22).

A refused call names the field at fault and saves nothing: no entry, no resource code
consumed (``refused`` compares the counts before and after).
"""
from __future__ import annotations

import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.catalog import credit_code
from ckanext.liuzhou.catalog.validators import information_items_from_text
from tests.conftest import make_user

from .conftest import ITEMS, department_entry, entry

pytestmark = pytest.mark.usefixtures("departments")


def _org_credit_code(name):
    return model.Group.get(name).extras["credit_code"]


# --- Art 22: sharing type, conditions and legal basis --------------------------------

class TestSharingArt22:
    def test_unconditional_needs_neither_conditions_nor_legal_basis(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(sharing_type="unconditional"))
        assert created["sharing_type"] == "unconditional"
        assert not created.get("sharing_conditions") and not created.get("legal_basis")

    def test_conditional_with_conditions_and_legal_basis_is_accepted(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(
            sharing_type="conditional", sharing_conditions="仅限身份核验", legal_basis="《居民身份证法》第六条"))
        assert created["sharing_conditions"] == "仅限身份核验"
        assert created["legal_basis"] == "《居民身份证法》第六条"

    def test_conditional_without_conditions_is_refused(self, refused, people):
        refused(people.police_editor, "package_create", "sharing_conditions", **entry(
            sharing_type="conditional", legal_basis="《居民身份证法》第六条"))

    @pytest.mark.parametrize("basis", [None, "", "   "])
    def test_conditional_without_legal_basis_is_refused(self, refused, people, basis):
        refused(people.police_editor, "package_create", "legal_basis", **entry(
            sharing_type="conditional", sharing_conditions="仅限身份核验", legal_basis=basis))

    def test_not_shared_without_legal_basis_is_refused(self, refused, people):
        refused(people.police_editor, "package_create", "legal_basis", **entry(sharing_type="not_shared"))

    def test_not_shared_with_legal_basis_is_accepted(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(
            sharing_type="not_shared", legal_basis="《保守国家秘密法》第二条"))
        assert created["sharing_type"] == "not_shared"

    def test_an_update_to_conditional_without_legal_basis_is_refused_and_changes_nothing(
            self, call_as, refused, people):
        created = call_as(people.police_editor, "package_create", **entry())
        refused(people.police_editor, "package_patch", "legal_basis", id=created["id"],
                sharing_type="conditional", sharing_conditions="仅限身份核验")
        assert call_as(people.police_editor, "package_show", id=created["id"])["sharing_type"] == "unconditional"

    def test_conditionally_open_data_states_its_open_conditions(self, call_as, refused, people):
        refused(people.police_editor, "package_create", "open_conditions",
                **entry(open_attribute="conditional_open"))
        created = call_as(people.police_editor, "package_create",
                          **entry(open_attribute="conditional_open", open_conditions="脱敏后开放"))
        assert created["open_conditions"] == "脱敏后开放"


# --- Art 15: lead departments -----------------------------------------------------------

ART15 = [
    ("population", "lzsgaj"),
    ("legal_person", "lzsscjdglj"),
    ("natural_resources", "lzszrzyhghj"),
    ("credit", "lzsfzhggwyh"),
    ("economy", "lzsfzhggwyh"),
    ("licences", "lzsxzspj"),
    ("licences", "lzsdsjfzj"),
]


class TestLeadDepartmentArt15:
    @pytest.mark.parametrize("subclass, lead", ART15)
    def test_the_lead_named_by_art15_publishes_its_base_catalog(self, call_as, subclass, lead):
        editor = make_user(lead, "editor")["name"]
        created = call_as(editor, "package_create", **entry(
            title=f"基础信息 {subclass} {lead}", owner_org=lead, subclass=subclass, lead_department=lead))
        assert created["lead_department"] == lead

    @pytest.mark.parametrize("subclass, lead", ART15)
    def test_any_other_lead_is_refused(self, refused, people, subclass, lead):
        # 市人社局 leads no base catalog
        refused(people.hr_editor, "package_create", "lead_department", **entry(
            owner_org="lzsrlzyhshbzj", subclass=subclass, lead_department="lzsrlzyhshbzj"))

    def test_the_second_licences_lead_may_own_an_entry_the_first_leads(self, call_as, people):
        created = call_as(people.bigdata_editor, "package_create", **entry(
            owner_org="lzsdsjfzj", subclass="licences", lead_department="lzsxzspj"))
        assert created["lead_department"] == "lzsxzspj"

    def test_a_base_entry_owned_by_a_non_lead_is_refused(self, refused, people):
        # the right lead department, but the provider is not a lead of 人口
        refused(people.hr_editor, "package_create", "owner_org", **entry(
            owner_org="lzsrlzyhshbzj", lead_department="lzsgaj"))

    def test_the_lead_is_given_by_name_or_id_and_stored_by_name(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(
            lead_department=model.Group.get("lzsgaj").id))
        assert created["lead_department"] == "lzsgaj"

    @pytest.mark.ckan_config("ckanext.liuzhou.lead_departments", "population:lzsmzj")
    def test_the_mapping_is_configurable(self, call_as, refused, people):
        refused(people.police_editor, "package_create", "lead_department", **entry())
        civil = make_user("lzsmzj", "editor")["name"]
        created = call_as(civil, "package_create", **entry(owner_org="lzsmzj", lead_department="lzsmzj"))
        assert created["lead_department"] == "lzsmzj"

    @pytest.mark.ckan_config("ckanext.liuzhou.lead_departments", "licences:lzsxzspj")
    def test_configured_pairs_replace_the_default_for_their_subclass_only(self, call_as, refused, people):
        refused(people.bigdata_editor, "package_create", "lead_department", **entry(
            owner_org="lzsdsjfzj", subclass="licences", lead_department="lzsdsjfzj"))
        # population keeps its default
        assert call_as(people.police_editor, "package_create", **entry())["lead_department"] == "lzsgaj"

    def test_a_base_entry_needs_a_lead(self, refused, people):
        refused(people.police_editor, "package_create", "lead_department", **entry(lead_department=""))

    def test_a_theme_entry_needs_a_lead(self, refused, people):
        refused(people.hr_editor, "package_create", "lead_department", **entry(
            owner_org="lzsrlzyhshbzj", classification="theme", subclass="social_security", lead_department=None))

    def test_a_theme_entry_is_led_by_its_themes_lead(self, call_as, people):
        created = call_as(people.hr_editor, "package_create", **entry(
            owner_org="lzsrlzyhshbzj", classification="theme", subclass="health", lead_department="lzswsjkwyh"))
        assert created["lead_department"] == "lzswsjkwyh"

    def test_a_theme_led_by_another_department_is_refused(self, refused, people):
        # Art 15: the 健康保障 theme is led by 市卫生健康委员会, whoever provides the entry
        messages = refused(people.hr_editor, "package_create", "lead_department", **entry(
            owner_org="lzsrlzyhshbzj", classification="theme", subclass="health",
            lead_department="lzsrlzyhshbzj"))
        assert any("柳州市卫生健康委员会" in m for m in messages)

    @pytest.mark.ckan_config("ckanext.liuzhou.lead_departments", "health:lzsrlzyhshbzj")
    def test_a_themes_lead_is_configurable_like_a_base_catalogs(self, call_as, refused, people):
        created = call_as(people.hr_editor, "package_create", **entry(
            owner_org="lzsrlzyhshbzj", classification="theme", subclass="health",
            lead_department="lzsrlzyhshbzj"))
        assert created["lead_department"] == "lzsrlzyhshbzj"
        refused(people.hr_editor, "package_create", "lead_department", **entry(
            owner_org="lzsrlzyhshbzj", classification="theme", subclass="health",
            lead_department="lzswsjkwyh"))

    def test_a_department_entry_has_no_lead(self, call_as, refused, people):
        refused(people.hr_editor, "package_create", "lead_department",
                **department_entry("lzsrlzyhshbzj", lead_department="lzsrlzyhshbzj"))
        created = call_as(people.hr_editor, "package_create", **department_entry("lzsrlzyhshbzj"))
        assert not created.get("lead_department")

    def test_an_unknown_lead_is_refused_once(self, refused, people):
        messages = refused(people.hr_editor, "package_create", "lead_department", **entry(
            owner_org="lzsrlzyhshbzj", classification="theme", subclass="health", lead_department="no-such-dept"))
        assert len(messages) == 1


# --- the provider's unified social credit code ---------------------------------------------

class TestProviderCreditCode:
    def test_empty_is_filled_from_the_provider(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry())
        assert created["provider_credit_code"] == _org_credit_code("lzsgaj")

    def test_the_providers_own_code_is_accepted_in_any_case(self, call_as, people):
        own = _org_credit_code("lzsgaj")
        created = call_as(people.police_editor, "package_create", **entry(provider_credit_code=own.lower()))
        assert created["provider_credit_code"] == own

    def test_another_departments_code_is_refused(self, refused, people):
        refused(people.police_editor, "package_create", "provider_credit_code",
                **entry(provider_credit_code=_org_credit_code("lzsrlzyhshbzj")))

    def test_an_entry_moved_to_another_provider_takes_its_code(self, call_as, people):
        created = call_as(people.sysadmin, "package_create", **department_entry("lzsrlzyhshbzj"))
        moved = call_as(people.sysadmin, "package_patch", id=created["id"], owner_org="lzsmzj")
        assert moved["provider_credit_code"] == _org_credit_code("lzsmzj")

    def test_a_moved_entry_still_refuses_a_foreign_code(self, call_as, refused, people):
        created = call_as(people.sysadmin, "package_create", **department_entry("lzsrlzyhshbzj"))
        refused(people.sysadmin, "package_patch", "provider_credit_code", id=created["id"],
                owner_org="lzsmzj", provider_credit_code=_org_credit_code("lzsgaj"))

    @pytest.mark.parametrize("bad", [
        "91350100M000100Y4",      # 17 characters
        "91350100M000100Y433",    # 19
        "91350100M000100Y4O",     # O is not in the character set
        "91350100M000100Y44",     # wrong check character
    ])
    def test_an_invalid_code_is_refused(self, refused, people, bad):
        refused(people.police_editor, "package_create", "provider_credit_code", **entry(provider_credit_code=bad))


class TestCreditCodeCheckCharacter:
    @pytest.mark.parametrize("code", ["91350100M000100Y43", "91440300708461136T", "91110000600037341L"])
    def test_known_valid_codes(self, code):
        assert credit_code.problem(code) is None

    def test_every_other_check_character_is_refused(self):
        good = "91350100M000100Y43"
        for c in credit_code.CHARSET.replace(good[-1], ""):
            assert credit_code.problem(good[:17] + c) == credit_code.WRONG_CHECK

    def test_samples_made_for_the_demo_are_valid(self):
        for seed in ("lzsgaj", "ljq", "x" * 40):
            assert credit_code.problem(credit_code.make_sample("450206", seed)) is None


# --- information items ---------------------------------------------------------------------

def _items(*rows):
    return [dict(ITEMS[0], **rows[0])] + [dict(ITEMS[1], **r) for r in rows[1:]]


class TestInformationItems:
    def test_at_least_one_row(self, refused, people):
        refused(people.police_editor, "package_create", "information_items", **entry(information_items=[]))

    def test_a_missing_field_is_refused_too(self, refused, people):
        data = entry()
        del data["information_items"]
        refused(people.police_editor, "package_create", "information_items", **data)

    def test_rows_with_nothing_in_them_do_not_count(self, refused, people):
        refused(people.police_editor, "package_create", "information_items",
                **entry(information_items=[{}, {"name": "", "identifier": ""}]))

    def test_a_blank_spare_row_is_dropped(self, call_as, people):
        blank = {"name": "", "identifier": "", "data_type": "", "length": "", "description": "  "}
        created = call_as(people.police_editor, "package_create",
                          **entry(information_items=[blank, *ITEMS, dict(blank)]))
        assert [i["identifier"] for i in created["information_items"]] == ["gmsfhm", "csrq"]

    def test_rows_are_stored_and_lengths_become_numbers(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(
            information_items=_items({"length": "18"}, {"identifier": "CSRQ", "length": None})))
        items = created["information_items"]
        assert [i["name"] for i in items] == ["公民身份号码", "出生日期"]
        assert items[0]["length"] == 18
        assert items[1]["identifier"] == "CSRQ" and not items[1].get("length")

    @pytest.mark.parametrize("name", ["", "   "])
    def test_a_row_needs_a_name(self, refused, people, name):
        refused(people.police_editor, "package_create", "information_items.0.name",
                **entry(information_items=_items({"name": name})))

    def test_names_are_unique(self, refused, people):
        refused(people.police_editor, "package_create", "information_items.1.name",
                **entry(information_items=_items({}, {"name": " 公民身份号码 "})))

    @pytest.mark.parametrize("identifier", ["1abc", "_abc", "gm sfhm", "gm-sfhm", "身份号码", "a" * 65])
    def test_identifier_format(self, refused, people, identifier):
        refused(people.police_editor, "package_create", "information_items.0.identifier",
                **entry(information_items=_items({"identifier": identifier})))

    def test_identifiers_are_unique_ignoring_case(self, refused, people):
        refused(people.police_editor, "package_create", "information_items.1.identifier",
                **entry(information_items=_items({}, {"identifier": "GMSFHM"})))

    def test_an_identifier_is_optional(self, call_as, people):
        created = call_as(people.police_editor, "package_create",
                          **entry(information_items=_items({"identifier": ""})))
        assert not created["information_items"][0].get("identifier")

    @pytest.mark.parametrize("data_type", ["X", "c", "字符", "CHAR"])
    def test_an_unknown_data_type_is_refused(self, refused, people, data_type):
        refused(people.police_editor, "package_create", "information_items.0.data_type",
                **entry(information_items=_items({"data_type": data_type})))

    def test_a_data_type_is_required(self, refused, people):
        refused(people.police_editor, "package_create", "information_items.0.data_type",
                **entry(information_items=_items({"data_type": ""})))

    @pytest.mark.parametrize("data_type, length", [
        ("C", 0), ("C", -1), ("C", 4001), ("D", 3), ("D", 20), ("T", 8), ("L", 2), ("I", 21),
        ("N", 39), ("C", "abc"), ("C", "1.5"), ("C", True),
    ])
    def test_a_length_not_sane_for_the_type_is_refused(self, refused, people, data_type, length):
        refused(people.police_editor, "package_create", "information_items.0.length",
                **entry(information_items=_items({"data_type": data_type, "length": length})))

    @pytest.mark.parametrize("data_type", ["C", "N", "Y", "B", "F"])
    def test_types_sized_by_their_length_need_one(self, refused, people, data_type):
        refused(people.police_editor, "package_create", "information_items.0.length",
                **entry(information_items=_items({"data_type": data_type, "length": ""})))

    @pytest.mark.parametrize("data_type, length", [
        ("C", 1), ("C", 4000), ("D", 8), ("D", 10), ("T", 14), ("L", 1), ("M", 2000), ("I", 8),
        ("Y", 18), ("B", 12), ("F", 8), ("N", 16), ("G", 1024), ("D", None), ("T", None), ("M", None),
    ])
    def test_sane_lengths_are_accepted(self, call_as, people, data_type, length):
        created = call_as(people.police_editor, "package_create", **entry(
            information_items=_items({"data_type": data_type, "length": length})))
        assert created["information_items"][0]["data_type"] == data_type

    def test_the_error_names_the_row_at_fault(self, refused, people):
        rows = _items({}, {"identifier": "csrq"}, {"name": "性别", "identifier": "xb", "data_type": "C", "length": 5000})
        refused(people.police_editor, "package_create", "information_items.2.length", **entry(information_items=rows))

    def test_items_sent_as_a_json_list_through_the_http_api(self, app, people):
        token = tk.get_action("api_token_create")(
            {"ignore_auth": True}, {"user": people.police_editor, "name": "t"})["token"]
        response = app.post("/api/3/action/package_create", json=entry(title="经 HTTP 发布的目录"),
                            headers={"Authorization": token})
        assert response.status_code == 200, response.body
        result = response.json["result"]
        assert [i["identifier"] for i in result["information_items"]] == ["gmsfhm", "csrq"]

        bad = entry(title="经 HTTP 发布的坏目录", information_items=_items({"data_type": "X"}))
        response = app.post("/api/3/action/package_create", json=bad, headers={"Authorization": token})
        assert response.status_code == 409
        assert "data_type" in response.json["error"]["information_items"][0]

    def test_json_text_becomes_the_list_before_validation(self):
        data = information_items_from_text({"information_items": json.dumps(ITEMS, ensure_ascii=False)})
        assert data["information_items"] == ITEMS
        assert information_items_from_text({"information_items": ""})["information_items"] == []
        untouched = {"information_items": ITEMS}
        assert information_items_from_text(untouched) is untouched

    @pytest.mark.parametrize("text", ["abc", '{"name": "x"}', '["x"]', "[1, 2]"])
    def test_other_text_is_refused_on_the_field(self, text):
        with pytest.raises(tk.ValidationError) as info:
            information_items_from_text({"information_items": text})
        assert info.value.error_dict["information_items"]

    def test_items_sent_as_a_json_encoded_string(self, call_as, people):
        """design.md: a client may send information_items as a JSON list (here: as text)."""
        created = call_as(people.police_editor, "package_create", **entry(
            information_items=json.dumps(ITEMS, ensure_ascii=False)))
        assert [i["identifier"] for i in created["information_items"]] == ["gmsfhm", "csrq"]


# --- code lists ----------------------------------------------------------------------------

SELECTS = ["classification", "subclass", "sharing_type", "format_category", "sharing_method",
           "sharing_method_type", "open_attribute", "update_cycle"]


class TestChoices:
    @pytest.mark.parametrize("field", SELECTS)
    def test_an_unknown_value_is_refused(self, refused, people, field):
        refused(people.police_editor, "package_create", field, **entry(**{field: "no_such_value"}))

    @pytest.mark.parametrize("field", ["classification", "subclass", "sharing_type", "format_category",
                                       "sharing_method", "open_attribute", "update_cycle"])
    def test_required_selects(self, refused, people, field):
        refused(people.police_editor, "package_create", field, **entry(**{field: ""}))

    @pytest.mark.parametrize("field", ["resource_type", "online_status"])
    def test_an_unknown_resource_value_is_refused(self, refused, people, field):
        resource = {"name": "核验接口", "url": "http://data.liuzhou.example/api", "resource_type": "api", field: "nope"}
        refused(people.police_editor, "package_create", f"resources.0.{field}", **entry(resources=[resource]))

    def test_resources_are_online_unless_said_otherwise(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(resources=[
            {"name": "核验接口", "url": "http://data.liuzhou.example/api", "resource_type": "api"},
            {"name": "库表", "url": "http://data.liuzhou.example/db", "resource_type": "database",
             "online_status": "offline"}]))
        assert [r["online_status"] for r in created["resources"]] == ["online", "offline"]
        assert [r["resource_type"] for r in created["resources"]] == ["api", "database"]

    def test_a_resource_needs_a_type(self, refused, people):
        refused(people.police_editor, "package_create", "resources.0.resource_type", **entry(
            resources=[{"name": "核验接口", "url": "http://data.liuzhou.example/api"}]))

    @pytest.mark.parametrize("classification, subclass", [
        ("base", "health"), ("theme", "population"), ("department", "population"), ("base", "department")])
    def test_the_subclass_belongs_to_the_classification(self, refused, people, classification, subclass):
        messages = refused(people.police_editor, "package_create", "subclass", **entry(
            classification=classification, subclass=subclass))
        assert len(messages) == 1

    def test_a_publication_date_is_a_date(self, refused, people):
        refused(people.police_editor, "package_create", "publish_date", **entry(publish_date="去年"))


class TestRelatedResourceCodes:
    @pytest.mark.parametrize("codes", [["101001/000001"], ["101001/000001", "202013/000120"],
                                       "101001/000001", ["1010010203/000001"], []])
    def test_resource_codes_are_accepted(self, call_as, people, codes):
        created = call_as(people.police_editor, "package_create", **entry(related_resource_codes=codes))
        expected = [codes] if isinstance(codes, str) else codes
        assert created["related_resource_codes"] == expected

    @pytest.mark.parametrize("codes", [["abc"], ["101001/000001", "1/2"], ["401001/000001"],
                                       ["101001-000001"], ["10100/000001"], ["101001/00001"], "abc"])
    def test_anything_else_is_refused(self, refused, people, codes):
        refused(people.police_editor, "package_create", "related_resource_codes",
                **entry(related_resource_codes=codes))


# --- messages in the request's language ------------------------------------------------------

class TestMessagesInTheRequestLanguage:
    @pytest.fixture
    def token(self, people):
        return tk.get_action("api_token_create")(
            {"ignore_auth": True}, {"user": people.police_editor, "name": "lang"})["token"]

    def _errors(self, app, token, prefix, data):
        response = app.post(f"{prefix}/api/3/action/package_create", json=data, headers={"Authorization": token})
        assert response.status_code == 409, response.body
        return response.json["error"]

    CASES = [
        (dict(sharing_type="conditional"), "legal_basis", "依据", "legal basis"),
        (dict(sharing_type="conditional", legal_basis="某法"), "sharing_conditions", "共享条件", "conditions"),
        (dict(sharing_type="not_shared"), "legal_basis", "依据", "legal basis"),
        (dict(lead_department="lzsmzj", owner_org="lzsgaj"), "lead_department", "牵头部门", "lead department"),
        (dict(provider_credit_code="91350100M000100Y44"), "provider_credit_code", "校验", "check character"),
        (dict(information_items=[]), "information_items", "信息项", "information item"),
    ]

    @pytest.mark.parametrize("over, field, zh, en", CASES)
    def test_chinese_by_default_and_english_under_en(self, app, token, over, field, zh, en):
        data = entry(title="语言测试", **over)
        zh_messages = " ".join(self._errors(app, token, "", data)[field])
        en_messages = " ".join(self._errors(app, token, "/en", data)[field])
        assert zh in zh_messages, zh_messages
        assert en in en_messages.lower() or en in en_messages, en_messages
        assert zh not in en_messages

    def test_an_information_item_message_in_chinese(self, app, token):
        data = entry(title="语言测试", information_items=_items({"data_type": "D", "length": 3}))
        message = self._errors(app, token, "", data)["information_items"][0]["length"][0]
        assert "长度" in message, message
