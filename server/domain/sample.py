"""One realistic, fully valid household (API tests, the demo seeder, the form tests).

A household that exited poverty in 2018, surveyed in the 2020 exit review: the head works away from
home, his wife farms, their son is in senior high school.
"""

from server.domain import idcard

AREA = "610526"
HEAD_ID = "6f1c2a3e-8b4d-4c1a-9e2f-000000000001"
SPOUSE_ID = "6f1c2a3e-8b4d-4c1a-9e2f-000000000002"
SON_ID = "6f1c2a3e-8b4d-4c1a-9e2f-000000000003"


def sample_document() -> dict:
    """A fresh copy every call, so a test can change it freely."""
    return {
        "household": {
            "group": "三组",
            "household_no": "6105260107030012",
            "phone": "13891234567",
            "bank": "蒲城县农村信用合作联社",
            "bank_account": "6230270700001234567",
            "standard": "国家标准",
            "attribute": "一般贫困户",
            "status": "已脱贫",
            "exit_year": 2018,
            "land_cultivated": "4.5",
            "land_irrigated": "2.0",
            "land_forest": "2.0",
            "land_returned": "1.5",
            "land_orchard": "0.8",
            "land_pasture": "0",
            "land_water": "0",
            "cooperative": True,
            "power_production": True,
            "power_household": True,
            "radio_tv": True,
            "road_distance": "0.3",
            "road_type": "水泥路",
            "housing_area": "96",
            "danger_grade": "B",
            "renovation_year": 2017,
            "relocated": False,
            "water_safe": True,
            "water_difficult": False,
            "fuel": "柴草",
            "sanitary_toilet": True,
        },
        "members": [
            {
                "id": HEAD_ID,
                "name": "王建国",
                "id_number": idcard.make(AREA, "1968-04-12", 31),
                "sex": "男",
                "relation": "户主",
                "ethnicity": "汉族",
                "political": "群众",
                "education": "初中",
                "health": ["健康"],
                "labour": "普通劳动力",
                "migrant_place": "省外",
                "migrant_months": 8,
                "public_job": False,
                "medical_insurance": "城乡居民基本医疗保险",
                "serious_illness_insurance": True,
                "pension_insurance": True,
                "dibao": False,
                "tekun": False,
                "soldier": False,
            },
            {
                "id": SPOUSE_ID,
                "name": "李秀兰",
                "id_number": idcard.make(AREA, "1970-11-03", 42),
                "sex": "女",
                "relation": "配偶",
                "ethnicity": "汉族",
                "political": "群众",
                "education": "小学",
                "health": ["长期慢性病"],
                "labour": "弱劳动力或半劳动力",
                "public_job": True,
                "medical_insurance": "城乡居民基本医疗保险",
                "serious_illness_insurance": True,
                "pension_insurance": True,
                "dibao": False,
                "tekun": False,
                "soldier": False,
            },
            {
                "id": SON_ID,
                "name": "王磊",
                "id_number": idcard.make(AREA, "2004-09-21", 15),
                "sex": "男",
                "relation": "之子",
                "ethnicity": "汉族",
                "political": "共青团员",
                "school_status": "高中一年级",
                "health": ["健康"],
                "labour": "无劳动力",
                "public_job": False,
                "medical_insurance": "城乡居民基本医疗保险",
                "serious_illness_insurance": True,
                "pension_insurance": False,
                "dibao": False,
                "tekun": False,
                "soldier": False,
            },
        ],
        "income": {
            "wage_migrant": "24000.00",
            "wage_public_job": "3600.00",
            "business_farming": "6500.00",
            "business_livestock": "1200.00",
            "property_dividend": "300.00",
            "transfer_eco": "420.00",
            "transfer_other": "200.00",
            "cost_business": "2100.00",
        },
        "guarantees": {
            "food_secure": True,
            "clothing_secure": True,
            "education_ok": True,
            "water_quantity_ok": True,
            "water_quality_ok": True,
            "water_convenient_ok": True,
            "water_reliable_ok": True,
        },
        "causes": {
            "main_cause": "缺技术",
            "other_causes": ["缺资金"],
            "risks": [],
            "sudden_hardship": False,
        },
        "helpers": [
            {
                "id": "6f1c2a3e-8b4d-4c1a-9e2f-0000000000a1",
                "name": "张伟",
                "kind": "结对帮扶责任人",
                "unit": "蒲城县农业农村局",
                "title": "科员",
                "phone": "13991234568",
                "date_from": "2016-03-01",
                "date_to": None,
            }
        ],
        "measures": [
            {
                "id": "6f1c2a3e-8b4d-4c1a-9e2f-0000000000b1",
                "measure": "产业扶持",
                "member_id": None,
                "amount": "2000.00",
                "year": 2019,
            },
            {
                "id": "6f1c2a3e-8b4d-4c1a-9e2f-0000000000b2",
                "measure": "教育支持",
                "member_id": SON_ID,
                "amount": "1500.00",
                "year": 2020,
            },
        ],
        "signoff": {
            "surveyor": "赵敏",
            "visit_date": "2020-10-12",
            "signature": "0b7e4f6a-2c1d-4e8f-9a3b-5c6d7e8f9a01",
            "photo": None,
            "gps": None,
        },
    }


def newborn(member_id: str, name: str, id_number: str, relation: str = "之女") -> dict:
    """A complete member row for a baby girl registered on the phone (tests and benches)."""
    return {
        "id": member_id,
        "name": name,
        "id_number": id_number,
        "sex": "女",
        "relation": relation,
        "ethnicity": "汉族",
        "health": ["健康"],
        "labour": "无劳动力",
        "school_status": "学龄前儿童",
        "public_job": False,
        "serious_illness_insurance": True,
        "pension_insurance": False,
        "dibao": False,
        "tekun": False,
        "soldier": False,
    }
