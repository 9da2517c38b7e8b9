"""Masking of personal information (ckanext/liuzhou/masking.py; PIPL Art 6, 28, 51), on
realistic Chinese values and on malformed ones: what is kept of each kind, and that a value
that does not have the kind's shape is masked whole rather than shown."""
from __future__ import annotations

import pytest

from ckanext.liuzhou import masking as m


@pytest.mark.parametrize("value, masked", [
    ("450202199003071234", "450202********1234"),   # 18 digits: the area code and the last 4
    ("45020219900307123X", "450202********123X"),   # the check character X is kept
    ("45020219900307123x", "450202********123x"),
    ("450202900307123", "450202*****7123"),          # the old 15-digit number
    (" 450202199003071234 ", "450202********1234"),  # spaces around, as typed
])
def test_an_id_number_keeps_the_first_six_and_the_last_four(value, masked):
    assert m.mask_id_number(value) == masked


@pytest.mark.parametrize("value", ["4502021990", "45020219900307123Y", "身份证号码", "4502-0219-9003-0712",
                                   "4502021990030712345"])
def test_a_malformed_id_number_is_masked_whole(value):
    assert m.mask_id_number(value) == m.WHOLE


@pytest.mark.parametrize("value, masked", [
    ("13807721234", "138****1234"),            # a mobile number
    ("0772-2812345", "077*****2345"),         # a Liuzhou landline with its area code
    ("+86 138 0772 1234", "+86**********1234"),
])
def test_a_phone_number_keeps_the_first_three_and_the_last_four(value, masked):
    assert m.mask_phone(value) == masked


@pytest.mark.parametrize("value", ["12345", "110", "无", "电话不详"])
def test_a_phone_number_too_short_to_hide_anything_is_masked_whole(value):
    assert m.mask_phone(value) == m.WHOLE


@pytest.mark.parametrize("value, masked", [
    ("张伟", "张*"), ("韦秀英", "韦**"), ("欧阳娜娜", "欧阳**"), ("司马相如", "司马**"),
    ("买买提·艾力", "买*****"), ("Zhang Wei", "Zhang ***"),
    ("欧阳", "欧*"),   # two characters: a one-character surname and a given name
])
def test_a_name_keeps_the_surname(value, masked):
    assert m.mask_name(value) == masked


@pytest.mark.parametrize("value", ["张", "Wei"])
def test_a_name_that_is_only_a_surname_is_masked_whole(value):
    assert m.mask_name(value) == m.WHOLE


@pytest.mark.parametrize("value, masked", [
    ("广西壮族自治区柳州市城中区中山中路1号", "广西壮族自治区柳州市城中区****"),
    ("柳州市鱼峰区箭盘路5号3栋2单元", "柳州市鱼峰区****"),
    ("柳州市柳江区拉堡镇柳堡路8号", "柳州市柳江区****"),
    ("融水苗族自治县融水镇寿星路8号", "融水苗族自治县****"),
    ("广东省广州市天河区体育西路1号", "广东省广州市天河区****"),
    ("柳州市鱼峰路5号", "柳州市****"),           # no district written: up to the city
])
def test_an_address_keeps_up_to_the_district(value, masked):
    assert m.mask_address(value) == masked


@pytest.mark.parametrize("value", ["中山中路1号", "不详", "5号楼"])
def test_an_address_without_a_district_or_city_is_masked_whole(value):
    assert m.mask_address(value) == m.WHOLE


@pytest.mark.parametrize("kind", m.KINDS)
@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_empty_value_stays_empty(kind, value):
    assert m.mask(kind, value) == value


@pytest.mark.parametrize("kind, value", [(m.ID_NUMBER, 450202199003071234), (m.PHONE, 13807721234),
                                         (m.OTHER, "任何值"), (m.NAME, ["张伟"])])
def test_a_value_that_is_not_text_or_of_no_known_kind_is_never_shown(kind, value):
    assert m.mask(kind, value) != value and str(value) not in str(m.mask(kind, value))


@pytest.mark.parametrize("item, kind", [
    ({"name": "公民身份号码", "identifier": "gmsfhm"}, m.ID_NUMBER),
    ({"name": "母亲身份证号", "identifier": "mqsfzh"}, m.ID_NUMBER),
    ({"name": "证件", "identifier": "id_card"}, m.ID_NUMBER),
    ({"name": "紧急联系人电话", "identifier": "jjlxrdh"}, m.PHONE),
    ({"name": "手机", "identifier": "sj"}, m.PHONE),
    ({"name": "户主姓名", "identifier": "hzxm"}, m.NAME),
    ({"name": "联系人", "identifier": "lxr"}, m.NAME),
    ({"name": "户籍地址", "identifier": "hjdz"}, m.ADDRESS),
    ({"name": "住所", "identifier": "zs"}, m.ADDRESS),
    ({"name": "社会保障号码", "identifier": "shbzhm"}, m.OTHER),   # not a phone number though 号码
    ({"name": "出生日期", "identifier": "csrq"}, m.OTHER),
])
def test_the_kind_of_an_item_is_read_from_its_name_and_identifier(item, kind):
    assert m.kind_of(item) == kind


def test_only_items_marked_personal_are_masked_and_an_approved_one_is_not():
    items = [{"name": "公民身份号码", "identifier": "gmsfhm", "personal_information": "sensitive"},
             {"name": "姓名", "identifier": "xm", "personal_information": "personal"},
             {"name": "出生日期", "identifier": "csrq", "personal_information": "none"},
             {"name": "户籍地址", "identifier": "hjdz"}]   # unmarked: not personal
    assert m.personal_columns(items) == {"gmsfhm": m.ID_NUMBER, "公民身份号码": m.ID_NUMBER,
                                         "xm": m.NAME, "姓名": m.NAME}
    assert m.personal_columns(items, ["xm"]) == {"gmsfhm": m.ID_NUMBER, "公民身份号码": m.ID_NUMBER}


def test_a_result_is_masked_in_every_records_format():
    columns = {"gmsfhm": m.ID_NUMBER, "xm": m.NAME}
    fields = [{"id": "_id"}, {"id": "gmsfhm"}, {"id": "xm"}, {"id": "csrq"}]
    objects = {"fields": fields, "records": [{"_id": 1, "gmsfhm": "450202199003071234", "xm": "张伟",
                                               "csrq": "19900307"}]}
    assert m.mask_result(objects, columns)["records"] == [
        {"_id": 1, "gmsfhm": "450202********1234", "xm": "张*", "csrq": "19900307"}]
    lists = {"fields": fields, "records": [[1, "450202199003071234", "张伟", "19900307"]]}
    assert m.mask_result(lists, columns)["records"] == [[1, "450202********1234", "张*", "19900307"]]
    csv = {"fields": fields, "records_format": "csv",
           "records": '1,450202199003071234,"张伟",19900307\n2,,欧阳娜娜,\n'}
    assert m.mask_result(csv, columns)["records"] == "1,450202********1234,张*,19900307\n2,,欧阳**,\n"
    tsv = {"fields": fields, "records_format": "tsv", "records": "1\t450202199003071234\t张伟\t19900307\n"}
    assert m.mask_result(tsv, columns)["records"] == "1\t450202********1234\t张*\t19900307\n"
