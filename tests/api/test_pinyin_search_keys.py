"""Each household carries its members' names in pinyin, full and initials, for the phone's
search: made by the one writer from the document, sent with the household."""

from server.households.derived import search_keys


def test_names_give_full_pinyin_and_initials_head_first():
    members = [
        {"name": "王芳", "relation": "配偶"},
        {"name": "杨明亮", "relation": "户主"},
        {"name": "", "relation": "之子"},
    ]
    assert search_keys(members) == "yangmingliang yml wangfang wf"


def test_the_keys_fit_their_column():
    members = [{"name": "欧阳明亮" * 3, "relation": "之子"} for _ in range(40)]
    assert len(search_keys(members)) <= 400


def test_a_household_is_sent_with_its_names_in_pinyin(client, auth):
    r = client.get("/api/sync/pull?limit=5", headers=auth.headers("demo-surveyor"))
    assert r.status_code == 200
    for rec in r.get_json()["records"]:
        head = next(m for m in rec["document"]["members"] if m.get("relation") == "户主")
        assert search_keys([head]).split()[0] in rec["search_keys"]
