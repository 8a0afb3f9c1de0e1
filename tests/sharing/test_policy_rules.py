"""The exchange's pure rules (sharing.policy), pinned case by case with hand-written expectations:
how each field is shown by grade, personal-data class and purpose; which grant is used and why
a call is refused; which fields are served; masking; certificate fingerprints.  Fast: run
against mutants (docs/mutation.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zhizhi.core.errors import ValidationFailed
from zhizhi.sharing import policy
from zhizhi.sharing.policy import Disclosure, FieldView, GrantView, Refusal

P, M, W = Disclosure.PLAIN, Disclosure.MASKED, Disclosure.WITHHELD
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = 86400


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(NOW.timestamp() + seconds, tz=UTC)


def _grant(
    id: int = 1,
    purpose: str = "service",
    fields: tuple[str, ...] = ("name", "phone", "gender"),
    plain: tuple[str, ...] = (),
    valid_from: datetime | None = None,
    expires_at: datetime | None = None,
    revoked: bool = False,
) -> GrantView:
    return GrantView(
        id,
        purpose,
        frozenset(fields),
        frozenset(plain),
        valid_from or _at(-DAY),
        expires_at or _at(DAY),
        revoked,
    )


# grade, personal, purpose, plain granted -> disclosure (written out, not computed)
DISCLOSURE = [
    ("core", "none", "service", False, W),
    ("core", "sensitive", "service", True, W),
    ("core", "none", "statistics", True, W),
    ("general", "none", "statistics", False, P),
    ("important", "none", "verification", False, P),
    ("general", "personal", "statistics", True, M),
    ("general", "sensitive", "statistics", True, M),
    ("general", "personal", "statistics", False, M),
    ("general", "sensitive", "service", True, P),
    ("important", "sensitive", "verification", True, P),
    ("general", "personal", "verification", True, P),
    ("general", "sensitive", "service", False, M),
    ("general", "sensitive", "regulation", False, M),
    ("general", "sensitive", "verification", False, M),
    ("general", "personal", "service", False, P),
    ("important", "personal", "regulation", False, P),
    ("general", "personal", "verification", False, M),
]


@pytest.mark.parametrize(("grade", "personal", "purpose", "plain", "expected"), DISCLOSURE)
def test_disclosure_by_grade_and_purpose(
    grade: str, personal: str, purpose: str, plain: bool, expected: Disclosure
) -> None:
    assert policy.disclosure(FieldView("f", grade, personal, "none"), purpose, plain) is expected


def test_choose_grant() -> None:
    assert policy.choose_grant([], "service", NOW) == (None, Refusal.NO_GRANT)
    other = _grant(purpose="statistics")
    assert policy.choose_grant([other], "service", NOW) == (None, Refusal.PURPOSE)
    live, newer = _grant(id=3), _grant(id=7)
    assert policy.choose_grant([live, other], "service", NOW) == (live, None)
    assert policy.choose_grant([live, newer], "service", NOW) == (newer, None)
    assert policy.choose_grant([newer, live], "service", NOW) == (newer, None)
    # validity bounds: from valid_from inclusive to expires_at exclusive
    starts_now = _grant(valid_from=NOW)
    assert policy.choose_grant([starts_now], "service", NOW) == (starts_now, None)
    assert policy.choose_grant([_grant(expires_at=NOW)], "service", NOW) == (None, Refusal.EXPIRED)
    ends_next = _grant(expires_at=_at(1))
    assert policy.choose_grant([ends_next], "service", NOW) == (ends_next, None)
    assert policy.choose_grant([_grant(valid_from=_at(1))], "service", NOW) == (None, Refusal.NOT_YET_VALID)
    assert policy.choose_grant([_grant(revoked=True)], "service", NOW) == (None, Refusal.REVOKED)
    # a revoked grant that has also expired or not started says revoked
    assert policy.choose_grant([_grant(revoked=True, expires_at=_at(-1))], "service", NOW) == (
        None,
        Refusal.REVOKED,
    )
    assert policy.choose_grant([_grant(revoked=True, valid_from=_at(1))], "service", NOW) == (
        None,
        Refusal.REVOKED,
    )
    # a live grant wins over a revoked or expired one for the same purpose
    revoked = _grant(id=9, revoked=True)
    assert policy.choose_grant([revoked, live], "service", NOW) == (live, None)
    # expired and not yet valid together: expired is named first
    both = [_grant(valid_from=_at(1), expires_at=_at(2)), _grant(expires_at=_at(-1))]
    assert policy.choose_grant(both, "service", NOW) == (None, Refusal.EXPIRED)
    assert policy.choose_grant(iter([live]), "service", NOW) == (live, None)  # any iterable


FIELDS = {
    "name": FieldView("name", "general", "personal", "name"),
    "phone": FieldView("phone", "general", "personal", "phone"),
    "gender": FieldView("gender", "general", "none", "none"),
    "secret": FieldView("secret", "core", "none", "none"),
}


def test_check_fields() -> None:
    grant = _grant(fields=("name", "phone", "secret"))
    # none asked: every granted field in the catalogue's order
    assert policy.check_fields(grant, None, FIELDS) == (["name", "phone", "secret"], Refusal.CORE)
    assert policy.check_fields(_grant(), None, FIELDS) == (["name", "phone", "gender"], None)
    assert policy.check_fields(_grant(), [], FIELDS) == (["name", "phone", "gender"], None)
    # asked: in the asked order, duplicates dropped
    assert policy.check_fields(grant, ["phone", "name", "phone"], FIELDS) == (["phone", "name"], None)
    assert policy.check_fields(grant, ["gender"], FIELDS) == (["gender"], Refusal.FIELDS)
    assert policy.check_fields(grant, ["name", "gender"], FIELDS) == (["name", "gender"], Refusal.FIELDS)
    assert policy.check_fields(grant, ["secret"], FIELDS) == (["secret"], Refusal.CORE)
    # granted but no longer in the catalogue
    gone = _grant(fields=("name", "old"))
    assert policy.check_fields(gone, ["old"], FIELDS) == (["old"], Refusal.FIELDS)
    assert policy.check_fields(gone, None, FIELDS) == (["name"], None)
    # a field both ungranted and core: not granted is the reason
    assert policy.check_fields(_grant(), ["secret"], FIELDS) == (["secret"], Refusal.FIELDS)


def test_refusal_messages_speak_both_languages() -> None:
    assert policy.REFUSAL_MESSAGES == {
        Refusal.NO_GRANT: ("本部门没有该资源的共享授权", "your department holds no grant for this resource"),
        Refusal.EXPIRED: ("共享授权已过期", "the grant has expired"),
        Refusal.REVOKED: ("共享授权已被数源部门撤销", "the grant was revoked by the owning department"),
        Refusal.NOT_YET_VALID: ("共享授权尚未生效", "the grant is not valid yet"),
        Refusal.PURPOSE: ("用途不在授权范围内", "the purpose is outside the grant"),
        Refusal.FIELDS: ("请求了未授权的字段", "fields requested that the grant does not cover"),
        Refusal.CORE: ("核心数据不通过交换提供", "core data is never served by the exchange"),
    }
    assert [r.value for r in Refusal] == [
        "no_grant",
        "grant_expired",
        "grant_revoked",
        "grant_not_yet_valid",
        "purpose_not_granted",
        "fields_not_granted",
        "core_data",
    ]
    assert [d.value for d in Disclosure] == ["plain", "masked", "withheld"]


def test_masking_by_kind() -> None:
    def view(mask: str) -> FieldView:
        return FieldView("f", "general", "personal", mask)

    assert policy.masked(view("name"), "张三丰") == "张**"
    assert policy.masked(view("id_number"), "430104199001011234") == "430104********1234"
    assert policy.masked(view("phone"), "13812345678") == "138****5678"
    assert policy.masked(view("phone"), 13812345678) == "138****5678"  # not a string: str() first
    assert policy.masked(view("none"), "汉族") == "****"
    assert policy.masked(view("unknown"), "x") == "****"
    assert policy.masked(view("name"), None) is None
    address = view("address")
    assert policy.masked(address, "长沙市芙蓉区五一大道街道八一路 12 号") == "长沙市芙蓉区五一大道街道****"
    assert policy.masked(address, "长沙县黄兴镇蓝田村 3 组") == "长沙县黄兴镇****"
    assert policy.masked(address, "浏阳市大围山乡东门村") == "浏阳市大围山乡****"
    assert policy.masked(address, "岳麓区麓山路 88 号") == "岳麓区麓山路****"
    assert policy.masked(address, "开福区湘春街 3 号") == "开福区湘春街****"
    assert policy.masked(address, "某小区 5 栋") == "****"
    assert policy.masked(address, "五一路八一路 3 号") == "五一路****"  # the first occurrence
    assert policy.masked(address, "镇政府旁 1 号") == "镇****"  # a marker at the start
    # the first marker in the list that occurs wins (街道 before 路)
    assert policy.masked(address, "八一路五一街道 1 号") == "八一路五一街道****"


def test_shape_serves_only_the_names_each_as_disclosed() -> None:
    record = {"name": "李四", "phone": "13912345678", "gender": "男", "secret": "x", "extra": "y"}
    fields = FIELDS
    grant = _grant(fields=("name", "phone", "gender"), plain=("name",))
    assert policy.shape(record, ["name", "phone", "gender"], fields, grant) == {
        "name": "李四",
        "phone": "13912345678",  # personal, service delivery: plain
        "gender": "男",
    }
    stats = _grant(purpose="statistics", fields=("name", "phone", "gender"), plain=("name",))
    assert policy.shape(record, ["phone", "name", "gender", "secret"], fields, stats) == {
        "phone": "139****5678",
        "name": "李*",
        "gender": "男",
    }
    assert policy.shape({}, ["name"], fields, grant) == {"name": None}
    # sensitive fields: plain only where the owner approved them unmasked
    sensitive = {
        "id_a": FieldView("id_a", "general", "sensitive", "id_number"),
        "id_b": FieldView("id_b", "general", "sensitive", "id_number"),
    }
    ids = {"id_a": "430104199001011234", "id_b": "430104199202025678"}
    approved = _grant(fields=("id_a", "id_b"), plain=("id_a",))
    assert policy.shape(ids, ["id_a", "id_b"], sensitive, approved) == {
        "id_a": "430104199001011234",
        "id_b": "430104********5678",
    }


def test_certificate_fingerprints() -> None:
    hexed = "ab" * 31 + "cd"
    assert policy.normalise_fingerprint(None) is None
    assert policy.normalise_fingerprint("") is None
    assert policy.normalise_fingerprint("   ") is None
    assert policy.normalise_fingerprint(hexed) == hexed
    assert policy.normalise_fingerprint(" " + hexed.upper() + " ") == hexed
    assert policy.normalise_fingerprint("AB:" * 31 + "CD") == hexed
    assert policy.normalise_fingerprint("sha256:" + hexed) == hexed
    assert policy.normalise_fingerprint("SHA256=" + hexed) == hexed
    assert policy.normalise_fingerprint("sha256=AB:" + "AB:" * 30 + "CD") == hexed
    for bad in (hexed[:-1], hexed + "0", "g" * 64, "sha1:" + hexed, hexed + "\n0", "sha256:sha256:" + hexed):
        with pytest.raises(ValidationFailed) as exc:
            policy.normalise_fingerprint(bad)
        assert exc.value.field == "fingerprint"
        assert (exc.value.zh, exc.value.en) == (
            "证书指纹应为 SHA-256 的 64 位十六进制数",
            "the certificate fingerprint must be a SHA-256 digest: 64 hexadecimal digits",
        )
    # the check at the token endpoint
    assert policy.certificate_matches(None, None)
    assert policy.certificate_matches(None, "anything")
    assert not policy.certificate_matches(hexed, None)
    assert policy.certificate_matches(hexed, "AB:" * 31 + "CD")
    assert not policy.certificate_matches(hexed, "00" * 32)
    assert not policy.certificate_matches(hexed, "not a fingerprint")
    assert not policy.certificate_matches(hexed, "")


def test_own_grant_only_for_the_owner_and_service_delivery() -> None:
    """A department reads its own resource for 政务服务办理 without a grant: every field but core
    data, plain; never another department, never another purpose."""
    from zhizhi.sharing.enums import Grade, Personal

    now = datetime(2026, 12, 1, tzinfo=UTC)
    fields = {
        "id_number": FieldView("id_number", Grade.IMPORTANT, Personal.SENSITIVE, "id_number"),
        "employer": FieldView("employer", Grade.GENERAL, Personal.NONE, "none"),
        "secret": FieldView("secret", Grade.CORE, Personal.NONE, "none"),
    }
    own = policy.own_grant(7, 7, "service", fields, now)
    assert own is not None and own.fields == own.plain_fields == frozenset({"id_number", "employer"})
    assert policy.check_fields(own, None, fields) == (["id_number", "employer"], None)
    assert policy.check_fields(own, ["secret"], fields)[1] is Refusal.FIELDS
    assert policy.shape({"id_number": "430102197808302803"}, ["id_number"], fields, own) == {
        "id_number": "430102197808302803"
    }
    # the standing rule's grant is no stored grant (id 0: the exchange logs no grant id), for the
    # purpose asked, not revoked, and usable for the instant of the read only, never afterwards
    assert (own.id, own.purpose, own.revoked) == (0, "service", False)
    assert policy.choose_grant([own], "service", now) == (own, None)
    assert policy.choose_grant([own], "service", now + timedelta(seconds=1)) == (None, Refusal.EXPIRED)
    assert policy.choose_grant([own], "service", now - timedelta(microseconds=1))[0] is None
    assert policy.own_grant(8, 7, "service", fields, now) is None  # another department
    assert policy.own_grant(7, None, "service", fields, now) is None
    for purpose in ("verification", "regulation", "statistics"):
        assert policy.own_grant(7, 7, purpose, fields, now) is None
