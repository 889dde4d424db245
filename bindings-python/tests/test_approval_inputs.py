"""Approval inputs through the public Python API: the value sets, the
`Subject` and `Attachment` classes (amounts are in test_money.py), and bad
input of every kind raising a typed error and changing nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

import brandrail
from conftest import BRAND, EXEC, INVOICE_SHA, MARKETER, ad, snapshot


# ---------------------------------------------------------------- value sets and input classes


def test_value_sets():
    assert brandrail.SUBJECT_KINDS == (
        "content_version", "budget_adjustment", "expense_claim", "project", "document", "leave", "decision",
    )
    assert brandrail.APPROVAL_STATES == ("in_review", "approved", "rejected", "returned_for_changes", "withdrawn")
    assert brandrail.STAGE_STATES == ("waiting", "active", "done", "skipped")
    assert "escalated" in brandrail.APPROVAL_EVENT_KINDS and "resubmitted" in brandrail.APPROVAL_EVENT_KINDS
    assert "approval.administer" in brandrail.PERMISSIONS


def test_subject_class():
    s = brandrail.Subject(
        "expense_claim", "claim-1", "差旅",
        attributes={"amount": "12.00"},
        attachments=[brandrail.Attachment("invoice", "a.pdf", INVOICE_SHA, "12.00"),
                     {"kind": "receipt", "name": "b.pdf", "sha256": INVOICE_SHA}],
    )
    assert (s.kind, s.reference, s.title) == ("expense_claim", "claim-1", "差旅")
    assert s.attributes == {"amount": "12.00"}
    s.attributes["amount"] = "999"  # a copy: the subject is unchanged
    assert s.attributes == {"amount": "12.00"}
    assert [a.kind for a in s.attachments] == ["invoice", "receipt"]
    assert s.attachments[1].amount is None
    d = s.to_dict()
    assert list(d) == ["kind", "reference", "title", "attributes", "attachments"]
    assert d["attachments"][0]["amount"] == Decimal("12.00")
    assert brandrail.Subject(**d) == s  # to_dict() goes back in
    assert brandrail.Subject("leave", "l-1", "年假") == brandrail.Subject("leave", "l-1", "年假", {}, [])
    assert brandrail.Subject("leave", "l-1", "年假").attachments == []
    assert repr(s).startswith("Subject(kind='expense_claim', reference='claim-1'")
    with pytest.raises(AttributeError):
        s.title = "x"  # type: ignore[misc]


def test_subject_class_bad_side():
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.Subject("spaceship", "r", "t")
    assert info.value.field == "kind"
    assert "content_version" in str(info.value) and "expense_claim" in str(info.value)
    bad = [
        ((1, "r", "t"), {}),
        (("leave", None, "t"), {}),
        (("leave", "r", "t"), {"attributes": {"days": 3}}),
        (("leave", "r", "t"), {"attributes": {3: "days"}}),
        (("leave", "r", "t"), {"attributes": [("days", "3")]}),
        (("leave", "r", "t"), {"attachments": 5}),
        (("leave", "r", "t"), {"attachments": ["invoice.pdf"]}),
        (("leave", "r", "t"), {"attachments": [{"kind": "invoice", "name": "a"}]}),
        (("leave", "r", "t"), {"attachments": [{"kind": "invoice", "name": "a", "sha256": "x", "colour": 1}]}),
        (("leave", "r", "t"), {"attachments": [{"kind": "invoice", "name": "a", "sha256": "x", "amount": 1.5}]}),
    ]
    for args, kwargs in bad:
        with pytest.raises(TypeError):
            brandrail.Subject(*args, **kwargs)
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.Subject("leave", "r", "t", attachments=[{"kind": "i", "name": "a", "sha256": "x", "amount": "lots"}])
    assert info.value.field == "attachments[0].amount"


# ---------------------------------------------------------------- bad input changes nothing


BAD_SUBJECTS = [
    # (subject, expected error, field for a ValidationError)
    ("content-17", TypeError, None),
    (None, TypeError, None),
    ([("kind", "content_version")], TypeError, None),
    ({"reference": "r", "title": "t"}, TypeError, None),
    ({"kind": "content_version", "title": "t"}, TypeError, None),
    ({"kind": "content_version", "reference": "r", "title": "t", "owner": "me"}, TypeError, None),
    ({"kind": "content_version", "reference": "r", "title": 7}, TypeError, None),
    ({"kind": "content_version", "reference": "r", "title": "t", "attributes": {"is_ad": True}}, TypeError, None),
    ({"kind": "content_version", "reference": "r", "title": "t", "attributes": "is_ad=true"}, TypeError, None),
    ({"kind": "content_version", "reference": "r", "title": "t", "attachments": 1}, TypeError, None),
    ({"kind": "content_version", "reference": "r", "title": "t",
      "attachments": [{"kind": "invoice", "name": "a", "sha256": INVOICE_SHA, "amount": 12.5}]}, TypeError, None),
    ({"kind": "Content_Version", "reference": "r", "title": "t"}, brandrail.ValidationError, "subject.kind"),
    ({"kind": "content_version", "reference": "", "title": "t"}, brandrail.ValidationError, "subject.reference"),
    ({"kind": "content_version", "reference": "   ", "title": "t"}, brandrail.ValidationError, "subject.reference"),
    ({"kind": "content_version", "reference": "r\u0000", "title": "t"}, brandrail.ValidationError, "subject.reference"),
    ({"kind": "content_version", "reference": "r" * 129, "title": "t"}, brandrail.ValidationError, "subject.reference"),
    ({"kind": "content_version", "reference": "r", "title": ""}, brandrail.ValidationError, "subject.title"),
    ({"kind": "content_version", "reference": "r", "title": "长" * 201}, brandrail.ValidationError, "subject.title"),
    ({"kind": "content_version", "reference": "r", "title": "x" * 10_000_000}, brandrail.ValidationError, "subject.title"),
    ({"kind": "content_version", "reference": "r", "title": "Bad\u202eTitle"}, brandrail.ValidationError, "subject.title"),
    ({"kind": "content_version", "reference": "r", "title": "t", "attributes": {"Bad Key": "v"}},
     brandrail.ValidationError, "subject.attributes"),
    ({"kind": "content_version", "reference": "r", "title": "t", "attributes": {"k": "\u0007"}},
     brandrail.ValidationError, "subject.attributes.k"),
    ({"kind": "content_version", "reference": "r", "title": "t", "attributes": {f"k{i}": "v" for i in range(65)}},
     brandrail.ValidationError, "subject.attributes"),
    ({"kind": "content_version", "reference": "r", "title": "t",
      "attachments": [{"kind": "invoice", "name": "a", "sha256": "xyz"}]},
     brandrail.ValidationError, "subject.attachments[0].sha256"),
    ({"kind": "content_version", "reference": "r", "title": "t",
      "attachments": [{"kind": "invoice", "name": "a", "sha256": "g" * 64}]},
     brandrail.ValidationError, "subject.attachments[0].sha256"),
    ({"kind": "content_version", "reference": "r", "title": "t",
      "attachments": [brandrail.Attachment("invoice", "a", INVOICE_SHA, "1"),
                      brandrail.Attachment("invoice", "b", INVOICE_SHA, Decimal("-0.01"))]},
     brandrail.ValidationError, "subject.attachments[1].amount"),
    ({"kind": "content_version", "reference": "r", "title": "t",
      "attachments": [{"kind": "invoice", "name": "a", "sha256": INVOICE_SHA, "amount": "12,50"}]},
     brandrail.ValidationError, "subject.attachments[0].amount"),
    ({"kind": "content_version", "reference": "r", "title": "t",
      "attachments": [{"kind": "Bad Kind", "name": "a", "sha256": INVOICE_SHA}]},
     brandrail.ValidationError, "subject.attachments[0].kind"),
]


@pytest.mark.parametrize("subject, error, field", BAD_SUBJECTS, ids=lambda v: repr(v)[:40])
def test_bad_subjects_are_refused_and_change_nothing(company, subject, error, field):
    first = company.submit_approval(MARKETER, "content_review", ad())
    company.reject(BRAND, first.id, "改")
    before = snapshot(company, [first.id])
    with pytest.raises(error) as info:
        company.submit_approval(MARKETER, "content_review", subject)
    if field is not None:
        assert info.value.field == field
    assert len(str(info.value)) < 300
    if subject is not None:  # None keeps the subject
        with pytest.raises(error):
            company.resubmit_approval(MARKETER, first.id, subject)
    assert snapshot(company, [first.id]) == before


def test_unknown_ids_workflows_and_actors(company):
    s = company.submit_approval(MARKETER, "content_review", ad())
    before = snapshot(company, [s.id])
    for missing in [999, 0, -1, 2**62]:
        with pytest.raises(brandrail.NotFoundError) as info:
            company.approval(missing)
        assert (info.value.entity, info.value.id) == ("approval", str(missing))
        with pytest.raises(brandrail.NotFoundError):
            company.approval_history(missing)
        with pytest.raises(brandrail.NotFoundError):
            company.approve(BRAND, missing)
        with pytest.raises(brandrail.NotFoundError):
            company.withdraw_approval(MARKETER, missing)
    for workflow in ["no_such_flow", "", "content_review ", "x'); DROP TABLE approval_instance;--", "w" * 1_000_000]:
        with pytest.raises(brandrail.NotFoundError) as info:
            company.submit_approval(MARKETER, workflow, ad())
        assert info.value.entity == "workflow" and len(str(info.value)) < 200
    for actor in ["ghost", "", "x' OR 1=1 --", "a\u0000b", "z" * 100_000]:
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            company.submit_approval(actor, "content_review", ad())
        assert info.value.reason == "unknown_principal"
        with pytest.raises(brandrail.PermissionDeniedError):
            company.approve(actor, s.id)
    with pytest.raises(brandrail.NotFoundError):
        company.approval_tasks("ghost")
    assert company.delegations("ghost") == []
    approvals, audit_len = snapshot(company, [s.id])
    assert approvals == before[0]
    assert audit_len > before[1]  # the refusals of unknown actors are audited
    assert company.verify_audit().ok


@pytest.mark.parametrize("bad_id", ["1", 1.0, None, b"1", [1]], ids=repr)
def test_ids_must_be_ints(company, bad_id):
    s = company.submit_approval(MARKETER, "content_review", ad())
    before = snapshot(company, [s.id])
    for call in [
        lambda: company.approval(bad_id),
        lambda: company.approval_history(bad_id),
        lambda: company.approve(BRAND, bad_id),
        lambda: company.reject(BRAND, bad_id, "x"),
        lambda: company.return_for_changes(BRAND, bad_id, "x"),
        lambda: company.resubmit_approval(MARKETER, bad_id),
        lambda: company.withdraw_approval(MARKETER, bad_id),
        lambda: company.assign_approval(EXEC, bad_id, BRAND),
        lambda: company.end_delegation(EXEC, bad_id),
    ]:
        with pytest.raises(TypeError):
            call()
    with pytest.raises(OverflowError):
        company.approval(2**70)
    assert snapshot(company, [s.id]) == before


def test_approve_arguments_are_typed(company):
    s = company.submit_approval(MARKETER, "content_review", ad())
    before = snapshot(company, [s.id])
    with pytest.raises(TypeError):
        company.approve(BRAND, s.id, "positional comment")  # type: ignore[misc]
    with pytest.raises(TypeError):
        company.approve(BRAND, s.id, comment=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        company.approve(BRAND, s.id, checklist=7)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        company.approve(BRAND, s.id, colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        company.approve(BRAND, s.id, comment="a\ud800b")  # a lone surrogate
    with pytest.raises(brandrail.ValidationError):
        company.approve(BRAND, s.id, comment="x" * 2001)
    assert snapshot(company, [s.id]) == before


def test_free_text_is_stored_verbatim(company):
    subject = {
        "kind": "content_version",
        "reference": "x'); DROP TABLE approval_instance;--",
        "title": "标题 'OR 1=1 🎉 Ωμέγα",
        "attributes": {"note": "line one, line two; DROP TABLE x"},
    }
    s = company.submit_approval(MARKETER, "content_review", subject)
    read = company.approval(s.id).subject
    assert (read.reference, read.title, read.attributes) == (subject["reference"], subject["title"], subject["attributes"])
    s = company.approve(BRAND, s.id, comment="多行\n评论 'quoted' \"double\"")
    assert company.approval_history(s.id)[-1].comment == "多行\n评论 'quoted' \"double\""
    assert company.verify_audit().ok
