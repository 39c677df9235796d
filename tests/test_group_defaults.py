"""The group's defaults (集团默认): a store's setting is its own, else the group's, else the
program's; a code list is the store's own, else the group's; the up rotation's rule follows
the group's default like any setting. On both engines (``store.layers``, migration 0024);
the row-level security of the group's tables on PostgreSQL is in
``tests/test_store_isolation.py``.

The showroom of ``conftest``: 王磊 and 李娜 consultants, 赵敏 at the desk, 陈静 manager, a
model list of its own (凯美瑞, 卡罗拉, 汉兰达, RAV4荣放) and 0002's channels as its own.
"""

from __future__ import annotations

import pytest
from playhouse.migrations import Runner

from frontdesk import store
from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.errors import Forbidden, ValidationError
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR, Actor
from frontdesk.stats import statistics
from frontdesk.store import codes, layers, settings
from frontdesk.store.models import AuditEntry, CodeItem, GroupCodeItem, GroupSetting, database
from tests import reliability

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

STORE, GROUP, BUILT_IN = layers.STORE, layers.GROUP, layers.BUILT_IN


@pytest.fixture
def people(showroom):
    """The showroom's staff, an admin 周杰 and a group manager 周总, as actors."""
    admin = team.add_staff("周杰", "admin", by=OPERATOR)
    boss = team.add_staff("周总", "group_manager", by=OPERATOR)
    actors = {login: Actor.member(member) for login, member in showroom.items()}
    return {**actors, "admin": Actor.member(admin), "boss": Actor.member(boss)}


def source(key: str) -> tuple[str, str]:
    held = {held.entry.key: held for held in settings.holding()}[key]
    return held.value, held.source


# -- settings ---------------------------------------------------------------------------


def test_a_setting_is_the_stores_else_the_groups_else_the_built_in_one(people):
    key = "ssh.max_sessions"
    assert source(key) == ("20", BUILT_IN)
    assert settings.change(key, "12", by=people["boss"], group=True) == "12"
    assert source(key) == ("12", GROUP) and settings.number(key) == 12
    assert settings.change(key, "8", by=people["admin"]) == "8"  # the store's own wins
    assert source(key) == ("8", STORE) and settings.get(key) == "8"
    assert settings.change(key, None, by=people["admin"]) == "12"  # back to the group's
    assert source(key) == ("12", GROUP)
    assert settings.change(key, None, by=people["boss"], group=True) == "20"
    assert source(key) == ("20", BUILT_IN) and GroupSetting.select().count() == 0
    assert settings.known_setting(key).default == "20"


def test_only_a_group_manager_sets_the_groups_defaults_and_an_admin_the_stores(people):
    for who in ("admin", "chenjing", "wanglei", "zhaomin"):
        with pytest.raises(Forbidden):
            settings.change("ssh.max_sessions", "12", by=people[who], group=True)
    with pytest.raises(Forbidden):  # a group manager changes nothing of a store's own
        settings.change("ssh.max_sessions", "12", by=people["boss"])
    with pytest.raises(Forbidden):
        settings.change("ssh.max_sessions", "12", by=DESK, group=True)
    assert GroupSetting.select().count() == 0
    settings.change("ssh.max_sessions", "12", by=OPERATOR, group=True)  # every right
    entry = AuditEntry.select().where(AuditEntry.action == "group_setting").get()
    assert '"ssh.max_sessions"' in entry.detail and '"12"' in entry.detail


def test_the_group_sets_no_store_name_nor_follow_up_interval_and_checks_its_values(people):
    boss = people["boss"]
    with pytest.raises(ValidationError) as name:
        settings.change("store_name", "丰田集团", by=boss, group=True)
    assert name.value.errors["key"] == "store_name 由各门店自己设置，集团不设默认值"
    with pytest.raises(ValidationError) as interval:
        settings.change("follow_up_days.H", "3", by=boss, group=True)
    assert "须由各门店自己设置" in interval.value.errors["key"]
    with pytest.raises(ValidationError):
        settings.change("ssh.max_sessions", "0", by=boss, group=True)
    with pytest.raises(ValidationError):
        settings.change("stats.rate_base", "half", by=boss, group=True)
    assert GroupSetting.select().count() == 0
    listed = [held.entry.key for held in settings.group_defaults()]
    assert "store_name" not in listed and "follow_up_days.H" not in listed
    assert "rotation.overdue_out" in listed and "stats.rate_base" in listed


def test_the_statistics_rates_divide_by_the_groups_base_unless_the_store_has_its_own(people):
    assert statistics.rate_base() == "first"
    settings.change("stats.rate_base", "all", by=people["boss"], group=True)
    assert statistics.rate_base() == "all"
    settings.change("stats.rate_base", "first", by=people["admin"])
    assert statistics.rate_base() == "first"


def test_the_group_month_divides_each_store_by_the_groups_base_when_it_has_none(people):
    settings.change("stats.rate_base", "all", by=people["boss"], group=True)
    month = statistics.group_month(2026, 11, by=people["boss"])
    assert [row.figures.rate_base for row in month.stores] == ["all"]
    assert month.total.rate_base == "all"


# -- the up rotation: its rule is a setting with a group default ------------------------------


def test_the_rotation_takes_out_a_consultant_by_the_groups_overdue_rule(people):
    # 李娜: two H customers met 11-20, due 11-22: both overdue on 11-25. 王磊: none.
    for n in range(2):
        registration.register(
            RegistrationInput(
                time_in=f"2026-11-20 10:0{n}",
                phone=f"138123420{n:02d}",
                level="H",
                consultant="李娜",
            ),
            by=DESK,
        )
    assert {member.name for member in team.rotation()} == {"王磊", "李娜"}
    settings.change(settings.ROTATION_OVERDUE_OUT, "2", by=people["boss"], group=True)
    assert team.overdue_out_threshold() == 2
    assert [member.name for member in team.rotation()] == ["王磊"]
    assert [(m.name, n) for m, n in team.standing().out] == [("李娜", 2)]
    settings.change(settings.ROTATION_OVERDUE_OUT, "0", by=people["admin"])  # the store: off
    assert {member.name for member in team.rotation()} == {"王磊", "李娜"}


# -- code lists -------------------------------------------------------------------------


def listed(kind: str, by, group: bool = False) -> list[tuple[str, bool, str]]:
    return [(c.name, c.active, c.source) for c in codes.list_codes(kind, by=by, group=group)]


def test_a_store_without_a_list_of_its_own_offers_the_groups(people):
    boss, admin = people["boss"], people["admin"]
    assert codes.names(codes.COMPETITOR) == []  # neither the store nor the group has one
    codes.add_code(codes.COMPETITOR, "大众朗逸", by=boss, group=True)
    codes.add_code(codes.COMPETITOR, "本田雅阁", by=boss, group=True)
    assert codes.names(codes.COMPETITOR) == ["大众朗逸", "本田雅阁"]
    assert listed(codes.COMPETITOR, admin) == [("大众朗逸", True, GROUP), ("本田雅阁", True, GROUP)]
    codes.retire_code(codes.COMPETITOR, "本田雅阁", by=boss, group=True)
    assert codes.names(codes.COMPETITOR) == ["大众朗逸"]  # the store follows the group's list
    codes.restore_code(codes.COMPETITOR, "本田雅阁", by=boss, group=True)
    assert CodeItem.select().where(CodeItem.kind == codes.COMPETITOR).count() == 0
    # The store's own model list wins over the group's.
    codes.add_code(codes.MODEL, "威兰达", by=boss, group=True)
    assert codes.names(codes.MODEL) == ["凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放"]
    assert listed(codes.MODEL, boss, group=True) == [("威兰达", True, GROUP)]


def test_a_walk_in_takes_a_model_of_the_groups_list_the_store_follows(people):
    CodeItem.delete().where(CodeItem.kind == codes.MODEL).execute()  # no list of its own
    codes.add_code(codes.MODEL, "威兰达", by=people["boss"], group=True)
    saved = registration.register(
        RegistrationInput(time_in="10:05", phone="13812340001", model="威兰达"), by=DESK
    )
    assert saved.model == "威兰达"
    with pytest.raises(ValidationError):  # not on the list it follows
        registration.register(
            RegistrationInput(time_in="10:06", phone="13812340002", model="凯美瑞"), by=DESK
        )


def test_the_stores_first_change_makes_the_groups_list_its_own_then_it_can_follow_again(people):
    boss, admin = people["boss"], people["admin"]
    for name in ("大众朗逸", "本田雅阁"):
        codes.add_code(codes.COMPETITOR, name, by=boss, group=True)
    codes.retire_code(codes.COMPETITOR, "本田雅阁", by=boss, group=True)
    codes.add_code(codes.COMPETITOR, "日产天籁", by=admin)  # a copy of the group's, and its own
    mine = [("大众朗逸", True, STORE), ("本田雅阁", False, STORE), ("日产天籁", True, STORE)]
    assert listed(codes.COMPETITOR, admin) == mine
    copied = AuditEntry.select().where(AuditEntry.action == "code_list_copy").count()
    assert copied == 1
    codes.add_code(codes.COMPETITOR, "别克君威", by=boss, group=True)  # no longer reaches it
    assert codes.names(codes.COMPETITOR) == ["大众朗逸", "日产天籁"]
    assert codes.reset_list(codes.COMPETITOR, by=admin) == 3
    assert codes.names(codes.COMPETITOR) == ["大众朗逸", "别克君威"]
    with pytest.raises(ValidationError) as again:
        codes.reset_list(codes.COMPETITOR, by=admin)
    assert again.value.errors["kind"] == "本店没有自己的竞争品牌表，用的已经是集团的"
    with pytest.raises(ValidationError) as none:  # the group has no reason list
        codes.add(codes.DEFEAT_REASON, "价格")
        codes.reset_list(codes.DEFEAT_REASON, by=admin)
    assert none.value.errors["kind"] == "集团没有战败原因表，本店保留自己的"
    assert codes.names(codes.DEFEAT_REASON) == ["价格"]


def test_a_change_refused_leaves_the_store_following_the_groups_list(people):
    codes.add_code(codes.COMPETITOR, "大众朗逸", by=people["boss"], group=True)
    with pytest.raises(ValidationError):  # already on it: the copy is rolled back too
        codes.add_code(codes.COMPETITOR, "大众朗逸", by=people["admin"])
    assert listed(codes.COMPETITOR, people["admin"]) == [("大众朗逸", True, GROUP)]


def test_the_groups_lists_are_a_group_managers_and_their_names_are_not_renamed(people):
    for who in ("admin", "chenjing", "zhaomin"):
        with pytest.raises(Forbidden):
            codes.add_code(codes.MODEL, "威兰达", by=people[who], group=True)
        with pytest.raises(Forbidden):
            codes.list_codes(by=people[who], group=True)
    with pytest.raises(Forbidden):  # nor the store's lists
        codes.add_code(codes.MODEL, "威兰达", by=people["boss"])
    codes.add_code(codes.MODEL, "威兰达", by=people["boss"], group=True)
    with pytest.raises(ValidationError) as rename:
        codes.rename_code(codes.MODEL, "威兰达", "威兰达双擎", by=people["boss"], group=True)
    assert "不能改名" in rename.value.errors["name"]
    assert codes.list_codes(codes.MODEL, by=people["boss"], group=True)[0].name == "威兰达"


def test_the_groups_list_counts_its_uses_in_the_stores(people):
    CodeItem.delete().where(CodeItem.kind == codes.MODEL).execute()
    codes.add_code(codes.MODEL, "威兰达", by=people["boss"], group=True)
    registration.register(
        RegistrationInput(time_in="10:05", phone="13812340001", model="威兰达"), by=DESK
    )
    [found] = codes.list_codes(codes.MODEL, by=people["boss"], group=True)
    assert (found.name, found.uses, found.source) == ("威兰达", 1, GROUP)


def test_the_groups_channels_start_as_the_default_ones(db):
    query = GroupCodeItem.select(GroupCodeItem.name).where(GroupCodeItem.kind == codes.CHANNEL)
    names = [row.name for row in query.order_by(GroupCodeItem.position)]
    assert names == [
        "网络",
        "电视",
        "广播",
        "报纸杂志",
        "户外广告",
        "朋友介绍",
        "老客户",
        "车展/活动",
        "路过",
        "其他",
    ]


# -- the upgrade --------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_file_at_0023_upgrades_keeping_its_own_settings_and_lists(tmp_path, frozen_clock):
    path = str(tmp_path / "at-0023.db")
    old = store.make_database(path)
    old.connect()
    runner = Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE)
    runner.up(target="0023_persons")
    old.close()
    with reliability.raw(path) as conn, conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('store_name', '丰田4S店')")
        conn.execute("INSERT INTO setting (key, value) VALUES ('rotation.overdue_out', '2')")
        conn.execute(
            "INSERT INTO code_item (kind, name, position, active) VALUES ('model', '凯美瑞', 1, 1)"
        )
        conn.execute("UPDATE code_item SET active = 0 WHERE kind = 'channel' AND name = '广播'")
        before = {
            table: conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2').fetchall()
            for table in ("setting", "code_item", "store")
        }
    store.open_store(path)
    try:
        assert store.schema_version(database) == 26  # 0024, then 0025 (nothing on SQLite), 0026
        assert source("rotation.overdue_out") == ("2", STORE)
        assert source("store_name") == ("丰田4S店", STORE)
        assert source("ssh.max_sessions") == ("20", BUILT_IN)
        assert codes.names(codes.MODEL) == ["凯美瑞"]
        channels = codes.list_codes(codes.CHANNEL, by=OPERATOR)
        assert {code.source for code in channels} == {STORE}  # 0002's, its own, as before
        assert [code.name for code in channels if not code.active] == ["广播"]
        assert GroupCodeItem.select().count() == 10 and GroupSetting.select().count() == 0
    finally:
        store.close_store()
    with reliability.raw(path) as conn:
        for table, rows in before.items():
            assert conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2').fetchall() == rows


# -- the command line ---------------------------------------------------------------------


def test_the_groups_settings_and_lists_on_the_command_line(run_cli):
    assert run_cli("staff", "add", "周总", "--role", "group_manager")[0] == 0
    assert run_cli("staff", "add", "周杰", "--role", "admin")[0] == 0
    boss, admin = ("--as", "zhouzong"), ("--as", "zhoujie")
    status, out, _ = run_cli(*boss, "settings", "set", "--group", "rotation.overdue_out", "3")
    assert (status, out) == (0, "集团默认：rotation.overdue_out = 3\n")
    status, out, _ = run_cli(*admin, "--lang", "en", "settings")
    rows = {line.split()[0]: line.split()[1:4] for line in out.splitlines()[1:]}
    assert rows["rotation.overdue_out"] == ["3", "group", "0"]
    assert rows["ssh.max_sessions"] == ["20", "built-in", "20"]
    status, out, _ = run_cli(*boss, "settings", "list", "--group")
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[1:]}
    assert out.splitlines()[0].split()[:3] == ["设置项", "集团默认值", "默认值"]
    assert rows["rotation.overdue_out"] == ["3", "0"] and rows["ssh.max_sessions"] == ["—", "20"]
    assert "store_name" not in rows and "follow_up_days.H" not in rows
    status, _, err = run_cli(*admin, "settings", "set", "--group", "ssh.max_sessions", "9")
    assert (status, err) == (1, "系统管理员无权设置集团默认值\n")
    status, _, err = run_cli(*boss, "settings", "reset", "ssh.max_sessions")
    assert status == 1 and "无权" in err  # the store's own: its admin's
    assert run_cli(*boss, "settings", "reset", "--group", "rotation.overdue_out")[1] == (
        "集团默认：rotation.overdue_out = 0\n"
    )

    status, out, _ = run_cli(*boss, "codes", "add", "--group", "competitor", "大众朗逸")
    assert (status, out) == (0, "集团竞争品牌表：已添加“大众朗逸”\n")
    status, out, _ = run_cli(*admin, "codes", "list", "competitor")
    assert [line.split() for line in out.splitlines()] == [
        ["代码表", "名称", "状态", "已用", "取自"],
        ["竞争品牌", "大众朗逸", "在用", "0", "集团"],
    ]
    assert run_cli(*admin, "codes", "add", "competitor", "本田雅阁")[0] == 0
    status, out, _ = run_cli(*admin, "--lang", "en", "codes", "list", "competitor")
    assert [line.split()[-1] for line in out.splitlines()[1:]] == ["store", "store"]
    status, out, _ = run_cli(*admin, "codes", "reset", "competitor")
    assert (status, out) == (0, "竞争品牌表：已放弃本店自己的（2 个名称），重新使用集团的\n")
    status, out, _ = run_cli(*boss, "codes", "list", "--group", "competitor")
    assert [line.split() for line in out.splitlines()][1] == [
        "竞争品牌",
        "大众朗逸",
        "在用",
        "0",
        "集团",
    ]
    status, _, err = run_cli(*boss, "codes", "rename", "--group", "competitor", "大众朗逸", "朗逸")
    assert status == 1 and err.startswith("集团竞争品牌表中的名称不能改名")
    status, _, err = run_cli(*admin, "codes", "retire", "--group", "competitor", "大众朗逸")
    assert (status, err) == (1, "系统管理员无权设置集团默认值\n")


def test_the_admin_screen_says_a_value_or_a_list_is_the_groups(people):
    from screens.admin import sections

    settings.change("ssh.max_sessions", "12", by=people["boss"], group=True)
    codes.add_code(codes.COMPETITOR, "大众朗逸", by=people["boss"], group=True)
    data = sections.load(OPERATOR)
    shown = {key: [cell.plain for cell in cells] for key, cells in sections.setting_rows(data)}
    assert shown["ssh.max_sessions"][1:] == ["12（集团）", "20"]
    assert shown["ssh.backoff_after"][1] == "（默认）"
    [rival] = [code for code in data.codes if code.kind == codes.COMPETITOR]
    of_group = "· 集团的代码表：本店第一次修改时复制为本店自己的"
    assert of_group in sections.code_detail(rival)
