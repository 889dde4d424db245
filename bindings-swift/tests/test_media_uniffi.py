"""Media accounts through the uniffi FFI (ACC-2, ACC-5): registration by IT,
credentials sealed with the host's key, custody, interactions, retirement and
the zombie report; each refusal with its typed error, and nothing changed by it.
Split from `test_engine_uniffi.py`; `test_clock_uniffi.py` lets the zombie
report's months pass on a manual clock.
"""

from __future__ import annotations

import datetime as dt

from uniffi_support import (
    SECRET_KEY,
    UTC,
    at,
    br,
    media,
    person,
    refused,
    refused_unchanged,
    seed,
)


def test_register_media_account(engine):
    a = engine.register_media_account("chen.jie", media())
    assert (a.id, a.platform, a.custodian, a.has_credential) == (
        "douyin-main",
        br.Platform.DOUYIN,
        "li.na",
        False,
    )
    assert a.last_interaction_at is None and a.retired_at is None
    stored = engine.media_account("douyin-main")
    assert (stored.id, stored.custodian, stored.platform) == (a.id, a.custodian, a.platform)
    assert abs(stored.registered_at - a.registered_at) < dt.timedelta(milliseconds=1)
    assert engine.media_accounts() == [stored]


def test_register_media_account_refusals(engine):
    refused_unchanged(engine, "permission_denied", engine.register_media_account, "li.na", media())
    refused_unchanged(
        engine, "not_found", engine.register_media_account, "it.admin", media(custodian="ghost")
    )
    err = refused_unchanged(
        engine, "validation", engine.register_media_account, "it.admin", media(id="Bad Id")
    )
    assert err.field == "id"
    err = refused_unchanged(
        engine, "configuration", engine.register_media_account, "it.admin", media(credential="pw")
    )
    assert "secret key" in err.detail
    engine.register_media_account("it.admin", media())
    refused_unchanged(engine, "conflict", engine.register_media_account, "it.admin", media())
    engine.create_principal("it.admin", person("gone.soon", br.Department.PR))
    engine.deactivate_principal("it.admin", "gone.soon")
    refused_unchanged(
        engine,
        "conflict",
        engine.register_media_account,
        "it.admin",
        media(id="weibo-pr", custodian="gone.soon"),
    )


def test_credentials_are_sealed_and_revealed_with_the_key(keyed):
    a = keyed.register_media_account("it.admin", media(credential="s3cret-令牌"))
    assert a.has_credential
    assert keyed.reveal_media_credential("it.admin", "douyin-main") == "s3cret-令牌"
    reveals = keyed.audit_query(
        "sun.li", br.AuditQuery(action="media_account.reveal_credential")
    )
    assert [r.outcome for r in reveals] == [br.Outcome.APPLIED]
    assert all("s3cret" not in r.detail for r in keyed.audit_query("sun.li", br.AuditQuery()))
    refused_unchanged(
        keyed, "permission_denied", keyed.reveal_media_credential, "li.na", "douyin-main"
    )
    refused_unchanged(keyed, "not_found", keyed.reveal_media_credential, "it.admin", "ghost")
    keyed.register_media_account("it.admin", media(id="plain"))
    refused_unchanged(keyed, "conflict", keyed.reveal_media_credential, "it.admin", "plain")
    for bad in ("", "x" * 4097):
        err = refused_unchanged(
            keyed, "validation", keyed.register_media_account, "it.admin", media("c2", credential=bad)
        )
        assert err.field == "credential" and "xxxx" not in err.detail


def test_revealing_without_the_key_is_a_configuration_error(tmp_path):
    path = str(tmp_path / "k.db")
    e = br.Engine.open(path, br.EngineOptions(secret_key=SECRET_KEY))
    seed(e)
    e.register_media_account("it.admin", media(credential="pw"))
    del e
    nokey = br.Engine.open(path)
    refused_unchanged(nokey, "configuration", nokey.reveal_media_credential, "it.admin", "douyin-main")
    wrong = br.Engine.open(path, br.EngineOptions(secret_key=bytes(32)))
    err = refused_unchanged(
        wrong, "configuration", wrong.reveal_media_credential, "it.admin", "douyin-main"
    )
    assert "wrong key" in err.detail


def test_reassign_record_and_retire(engine):
    engine.register_media_account("it.admin", media())
    a = engine.reassign_media_account("it.admin", "douyin-main", "chen.jie")
    assert a.custodian == "chen.jie"
    when = at("2026-01-10T08:00:00Z")
    a = engine.record_media_interaction("li.na", "douyin-main", when)
    assert a.last_interaction_at == when
    older = engine.record_media_interaction("li.na", "douyin-main", at("2025-01-01T00:00:00Z"))
    assert older.last_interaction_at == when
    r = engine.retire_media_account("it.admin", "douyin-main")
    assert r.retired_at is not None and not r.has_credential
    refused_unchanged(engine, "conflict", engine.retire_media_account, "it.admin", "douyin-main")
    refused_unchanged(
        engine, "conflict", engine.reassign_media_account, "it.admin", "douyin-main", "li.na"
    )
    refused_unchanged(
        engine, "conflict", engine.record_media_interaction, "li.na", "douyin-main", when
    )


def test_media_refusals(engine):
    engine.register_media_account("it.admin", media())
    refused_unchanged(engine, "not_found", engine.reassign_media_account, "it.admin", "ghost", "li.na")
    refused_unchanged(
        engine, "not_found", engine.reassign_media_account, "it.admin", "douyin-main", "ghost"
    )
    refused_unchanged(
        engine, "permission_denied", engine.reassign_media_account, "li.na", "douyin-main", "li.na"
    )
    refused_unchanged(engine, "permission_denied", engine.retire_media_account, "li.na", "douyin-main")
    refused_unchanged(engine, "not_found", engine.retire_media_account, "it.admin", "ghost")
    refused_unchanged(
        engine, "permission_denied", engine.record_media_interaction, "sun.li", "douyin-main", engine.now()
    )
    future = engine.now() + dt.timedelta(hours=1)
    err = refused_unchanged(
        engine, "validation", engine.record_media_interaction, "li.na", "douyin-main", future
    )
    assert err.field == "interactions[0].at"
    refused("not_found", engine.media_account, "ghost")
    refused("not_found", engine.media_account, "\x00\u202e")


def test_record_media_interactions_is_all_or_none(engine):
    engine.register_media_account("it.admin", media("a-one"))
    engine.register_media_account("it.admin", media("b-two"))
    t = at("2026-03-01T12:00:00Z")
    out = engine.record_media_interactions(
        "li.na", [br.MediaInteraction(id="a-one", at=t), br.MediaInteraction(id="b-two", at=t)]
    )
    assert [a.last_interaction_at for a in out] == [t, t]
    later = at("2026-03-02T12:00:00Z")
    refused_unchanged(
        engine,
        "not_found",
        engine.record_media_interactions,
        "li.na",
        [br.MediaInteraction(id="a-one", at=later), br.MediaInteraction(id="ghost", at=later)],
    )
    assert engine.media_account("a-one").last_interaction_at == t
    err = refused_unchanged(engine, "validation", engine.record_media_interactions, "li.na", [])
    assert err.field == "interactions"


def test_zombie_report(engine):
    engine.register_media_account("it.admin", media("old-one"))
    engine.register_media_account("it.admin", media("fresh-one"))
    engine.record_media_interaction("li.na", "old-one", at("2025-01-01T00:00:00Z"))
    engine.record_media_interaction("li.na", "fresh-one", engine.now())
    zombies = engine.zombie_media_accounts(engine.now() + dt.timedelta(days=1))
    assert [z.account.id for z in zombies] == ["old-one"]
    assert zombies[0].idle_since == at("2025-01-01T00:00:00Z") and zombies[0].idle_days > 300
    assert [z.account.id for z in engine.zombie_media_accounts()] == ["old-one"]
    assert engine.zombie_media_accounts(at("2025-03-01T00:00:00Z")) == []
    assert engine.zombie_media_accounts(dt.datetime(1, 1, 1, tzinfo=UTC)) == []
