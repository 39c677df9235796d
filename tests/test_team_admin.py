"""The admin's changes to the team: a member's role, and who is on duty."""

from __future__ import annotations

import pytest

from frontdesk.desk import registration
from frontdesk.errors import Forbidden, ValidationError
from frontdesk.people import keys, team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store.models import AuditEntry, Staff
from tests.actors import as_member
from tests.test_keys import make_key


@pytest.fixture
def admin(showroom):
    return as_member(team.add_staff("周杰", "admin", by=OPERATOR))


def test_a_receptionist_becomes_a_consultant_and_joins_the_rotation(showroom, admin):
    member, still_open = team.set_role("赵敏", "consultant", by=admin)
    assert (member.role, still_open) == ("consultant", 0)
    assert Staff.get_by_id(member.id).role == "consultant"
    assert [m.name for m in team.rotation()] == ["王磊", "李娜", "赵敏"]
    assert AuditEntry.get(AuditEntry.action == "role").staff_id == admin.staff_id


def test_a_consultant_made_receptionist_is_told_of_their_open_customers(showroom, admin):
    data = registration.RegistrationInput(kind="walkin", phone="13812345678", level="H")
    registration.register(data, by=DESK)  # 王磊, the head of the rotation, receives them
    member, still_open = team.set_role("wanglei", "receptionist", by=admin)
    assert (member.role, still_open) == ("receptionist", 1)


def test_role_refusals(showroom, admin):
    with pytest.raises(ValidationError) as refused:
        team.set_role("王磊", "boss", by=admin)
    assert refused.value.errors == {
        "role": "岗位只能是：receptionist, consultant, manager, admin, group_manager"
    }
    with pytest.raises(ValidationError) as refused:
        team.set_role("周杰", "consultant", by=admin)
    assert refused.value.errors == {"role": "不能修改自己的岗位：请另一位管理员修改"}
    with pytest.raises(Forbidden, match="展厅主管无权管理员工"):
        team.set_role("王磊", "manager", by=as_member(showroom["chenjing"]))


def test_the_admin_puts_a_consultant_on_and_off_duty(showroom, admin):
    lina = showroom["lina"]
    team.set_on_duty(lina, False, by=admin)
    assert [m.name for m in team.rotation()] == ["王磊"]
    team.set_on_duty(lina, True, by=admin)
    assert [m.name for m in team.rotation()] == ["王磊", "李娜"]
    with pytest.raises(ValidationError) as refused:
        team.set_on_duty(showroom["chenjing"], False, by=admin)
    assert refused.value.errors == {"on_duty": "陈静 不是销售顾问：只有销售顾问参加接待顺序"}
    with pytest.raises(Forbidden):
        team.set_on_duty(lina, False, by=as_member(showroom["wanglei"]))


def test_a_pasted_key_is_added_and_counted(showroom, admin, tmp_path):
    key, pub = make_key(tmp_path, "chenjing_laptop")
    row = keys.add_pasted_key("陈静", pub.read_text() + "\n", by=admin)
    assert row.fingerprint == key.get_fingerprint("sha256")
    assert keys.key_counts(by=admin) == {showroom["chenjing"].id: 1}
    with pytest.raises(ValidationError) as refused:
        keys.add_pasted_key("陈静", "ssh-ed25519 garbage", by=admin)
    assert set(refused.value.errors) == {"keyfile"}
    with pytest.raises(Forbidden):
        keys.add_pasted_key("陈静", pub.read_text(), by=as_member(showroom["chenjing"]))


def test_staff_role_command(run_cli):
    run = run_cli
    assert run("staff", "add", "周杰", "--role", "admin")[0] == 0
    assert run("staff", "add", "王磊", "--role", "consultant")[0] == 0
    status, out, _ = run("--as", "zhoujie", "staff", "role", "王磊", "manager")
    assert (status, out) == (0, "王磊（wanglei）的岗位已改为展厅主管\n")
    status, _, err = run("--as", "zhoujie", "staff", "role", "周杰", "consultant")
    assert (status, err) == (1, "不能修改自己的岗位：请另一位管理员修改\n")
    status, _, err = run("--as", "wanglei", "staff", "role", "周杰", "consultant")
    assert (status, err) == (1, "展厅主管无权管理员工\n")
