"""Approvals through the uniffi FFI fed bad input: malformed subjects
(references, titles, attributes, attachments, amounts), subjects that do not
fit their workflow, unknown workflows, ids and actors, comments, SQL in free
text and hostile strings everywhere. Each is refused with a typed error naming
the field, never a panic, and changes nothing. Amounts go through the one
strict money parser every binding shares, so the edge cases here (`1e3`,
`1_000`, `+5`, 29 digits) are refused alike in every language.
"""

from __future__ import annotations

import datetime as dt

import pytest

from uniffi_support import (
    APPROVED,
    HOSTILE_HANDLES,
    HOSTILE_NAMES,
    ad_copy,
    br,
    claim,
    company,
    denied,
    invoice,
    post,
    refused,
    refused_unchanged,
    state,
)


@pytest.fixture
def e():
    """An in-memory engine with the reviewers of every built-in workflow."""
    return company()


BAD_SUBJECTS = [
    # (what, subject, field)
    ("empty reference", dict(reference=""), "subject.reference"),
    ("blank reference", dict(reference="   "), "subject.reference"),
    ("nul in reference", dict(reference="ref\x00"), "subject.reference"),
    ("long reference", dict(reference="x" * 129), "subject.reference"),
    ("huge reference", dict(reference="x" * 1_000_000), "subject.reference"),
    ("empty title", dict(title=""), "subject.title"),
    ("long title", dict(title="长" * 201), "subject.title"),
    ("bidi title", dict(title="Bidi\u202eEvil"), "subject.title"),
    ("attribute name", dict(attributes={"Bad Key": "v"}), "subject.attributes"),
    ("sql attribute name", dict(attributes={"x'); DROP--": "v"}), "subject.attributes"),
    ("attribute value", dict(attributes={"k": "\x07"}), "subject.attributes.k"),
    ("huge attribute", dict(attributes={"k": "v" * 1001}), "subject.attributes.k"),
    ("many attributes", dict(attributes={f"k{i}": "v" for i in range(65)}), "subject.attributes"),
    ("short sha256", dict(attachments=[invoice(sha256="xyz")]), "subject.attachments[0].sha256"),
    ("non-hex sha256", dict(attachments=[invoice(sha256="g" * 64)]), "subject.attachments[0].sha256"),
    ("long sha256", dict(attachments=[invoice(sha256="a" * 65)]), "subject.attachments[0].sha256"),
    ("attachment kind", dict(attachments=[invoice(kind="Bad Kind")]), "subject.attachments[0].kind"),
    ("attachment name", dict(attachments=[invoice(name="")]), "subject.attachments[0].name"),
    ("negative amount", dict(attachments=[invoice("-1")]), "subject.attachments[0].amount"),
    (
        "negative cent",
        dict(attachments=[invoice(), invoice("-0.01")]),
        "subject.attachments[1].amount",
    ),
    ("empty amount", dict(attachments=[invoice("")]), "subject.attachments[0].amount"),
    ("comma amount", dict(attachments=[invoice("12,50")]), "subject.attachments[0].amount"),
    ("currency amount", dict(attachments=[invoice("¥12")]), "subject.attachments[0].amount"),
    ("spaced amount", dict(attachments=[invoice(" 12")]), "subject.attachments[0].amount"),
    ("full-width amount", dict(attachments=[invoice("１２")]), "subject.attachments[0].amount"),
    ("rounded amount", dict(attachments=[invoice("0." + "3" * 29)]), "subject.attachments[0].amount"),
    ("nan amount", dict(attachments=[invoice("NaN")]), "subject.attachments[0].amount"),
    ("huge amount", dict(attachments=[invoice("9" * 1_000_000)]), "subject.attachments[0].amount"),
    ("nul amount", dict(attachments=[invoice("1\x00")]), "subject.attachments[0].amount"),
]


@pytest.mark.parametrize(
    "fields,field", [b[1:] for b in BAD_SUBJECTS], ids=[b[0] for b in BAD_SUBJECTS]
)
def test_bad_subjects_are_refused_naming_the_field(e, fields, field):
    base = dict(kind=br.SubjectKind.CONTENT_VERSION, reference="r", title="t")
    subject = br.Subject(**{**base, **fields})
    err = refused_unchanged(e, "validation", e.submit_approval, "li.na", "content_review", subject)
    assert isinstance(err, br.BrandrailError.Validation)
    assert err.field == field, err.detail
    assert len(err.detail) < 300
    for bad in ("\x00", "\x07", "\u202e", "xyz", "¥", "１２", "333"):
        assert bad not in err.detail
    # The same subject as a resubmission is refused the same way.
    s = e.submit_approval("li.na", "content_review", post())
    e.reject("chen.jie", s.id, "重写")
    err = refused_unchanged(e, "validation", e.resubmit_approval, "li.na", s.id, subject)
    assert err.field == field


def test_subjects_that_do_not_fit_the_workflow(e):
    err = refused_unchanged(e, "validation", e.submit_approval, "li.na", "decision_layer", ad_copy())
    assert err.field == "subject.kind"
    matter = br.Subject(
        kind=br.SubjectKind.DECISION,
        reference="fy2027",
        title="2027 年度战略",
        attributes={"matter": "team_lunch"},
    )
    err = refused_unchanged(e, "validation", e.submit_approval, "ma.head", "decision_layer", matter)
    assert err.field == "subject.attributes.matter" and "annual_strategy" in err.detail
    matter.attributes["matter"] = "annual_strategy"
    d = e.submit_approval("ma.head", "decision_layer", matter)
    denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "sales.head", d.id)
    assert e.approve("zhao.min", d.id).state == APPROVED


def test_unknown_workflows_ids_and_actors(e):
    for workflow in ("no_such_flow", "", "x'); DROP TABLE approval_instance;--", "w" * 1_000_000):
        err = refused_unchanged(e, "not_found", e.submit_approval, "li.na", workflow, ad_copy())
        assert err.entity == "workflow" and "DROP" not in err.detail and len(err.detail) < 200
    unknown = br.DenialReason.UNKNOWN_PRINCIPAL
    err = denied(e, unknown, e.submit_approval, "ghost", "content_review", ad_copy())
    assert err.permission == "approval.submit"
    denied(e, unknown, e.submit_approval, "h" * 1_000_000, "content_review", ad_copy())
    for id in (0, -1, 12345, 2**63 - 1, -(2**63)):
        err = refused_unchanged(e, "not_found", e.approve, "chen.jie", id)
        assert err.entity == "approval"
        refused("not_found", e.approval, id)
        refused("not_found", e.approval_history, id)
        refused_unchanged(e, "not_found", e.withdraw_approval, "li.na", id)
        refused_unchanged(e, "not_found", e.resubmit_approval, "li.na", id)
    err = refused("not_found", e.approval_tasks, "ghost")
    assert err.entity == "principal"
    # Out of Int64 range never reaches Rust (Swift and Kotlin cannot express it).
    with pytest.raises(ValueError):
        e.approval(2**63)


def test_comments_are_checked(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    for comment in ("x" * 2001, "a\x1b[31m", "nul\x00", "tab\there"):
        err = refused_unchanged(e, "validation", e.reject, "chen.jie", s.id, comment)
        assert err.field == "comment" and "\x1b" not in err.detail
        refused_unchanged(e, "validation", e.approve, "chen.jie", s.id, comment)
    long_ok = "长" * 2000
    s = e.approve("chen.jie", s.id, "第一行\n第二行")
    s = e.return_for_changes("sun.li", s.id, long_ok)
    assert e.approval_history(s.id)[-1].comment == long_ok
    assert e.approval_history(s.id)[1].comment == "第一行\n第二行"


def test_sql_in_free_text_is_just_text(e):
    s = br.Subject(
        kind=br.SubjectKind.CONTENT_VERSION,
        reference="x'); DROP TABLE approval_instance;--",
        title="标题 'OR 1=1",
        attributes={"note": "'; DELETE FROM audit_log; --"},
    )
    got = e.submit_approval("li.na", "content_review", s)
    assert e.approval(got.id).subject == s
    assert e.verify_audit().ok


def test_no_string_input_panics(e):
    """Every string-taking approval method, fed hostile strings, answers with a
    BrandrailError, never uniffi's InternalError (a Rust panic), and the
    refusals change nothing."""
    s = e.submit_approval("li.na", "content_review", ad_copy())
    now = e.now()
    calls = [
        lambda x: e.submit_approval(x, "content_review", ad_copy()),
        lambda x: e.submit_approval("li.na", x, ad_copy()),
        lambda x: e.submit_approval(
            "li.na",
            "content_review",
            br.Subject(
                kind=br.SubjectKind.CONTENT_VERSION,
                reference=x,
                title=x,
                attributes={x: x},
                attachments=[br.Attachment(kind=x, name=x, sha256=x, amount=x)],
            ),
        ),
        lambda x: e.approve(x, s.id, x, [x]),
        lambda x: e.approve("chen.jie", s.id, "", [x]),
        lambda x: e.reject(x, s.id, "理由"),
        lambda x: e.return_for_changes("chen.jie", 999, x),
        lambda x: e.decide_approval("chen.jie", 999, br.Decision.REJECT(comment=x)),
        lambda x: e.resubmit_approval(x, s.id),
        lambda x: e.withdraw_approval(x, s.id, x),
        lambda x: e.delegate_approvals(x, "hu.hr", now, now + dt.timedelta(days=1)),
        lambda x: e.delegate_approvals("sun.li", x, now, now + dt.timedelta(days=1)),
        lambda x: e.end_delegation(x, 1),
        lambda x: e.assign_approval(x, s.id, "gao.brand"),
        lambda x: e.assign_approval("zhao.min", s.id, x),
        lambda x: e.escalate_overdue_approvals(x),
        lambda x: e.approval_tasks(x),
        lambda x: e.delegations(x),
        lambda x: e.approval_throughput(x),
        lambda x: br.parse_subject_kind(x),
        lambda x: br.parse_approval_state(x),
        lambda x: br.parse_stage_state(x),
        lambda x: br.parse_event_kind(x),
    ]
    before = state(e)
    for x in HOSTILE_HANDLES + HOSTILE_NAMES:
        for call in calls:
            try:
                call(x)
            except br.BrandrailError:
                pass
    assert state(e) == before
    assert e.verify_audit().ok


# ------------------------------------------------------------------------ money
# One parser for every binding (`brandrail::money::parse_amount`): digits, an
# optional '-' and an optional '.' fraction, at most 28 significant digits.


@pytest.mark.parametrize("amount", ["9" * 28, "0." + "1" * 28, "1." + "0" * 27])
def test_amounts_up_to_28_significant_digits_are_kept_exactly(e, amount):
    c = e.submit_approval("li.na", "expense_reimbursement", claim(invoice(amount)))
    assert e.approval(c.id).subject.attachments[0].amount == amount


def test_amounts_come_back_in_the_cores_canonical_form(e):
    for text, stored in [("007", "7"), ("0.10", "0.10"), ("-0", "0"), ("12000", "12000")]:
        c = e.submit_approval("li.na", "expense_reimbursement", claim(invoice(text)))
        assert e.approval(c.id).subject.attachments[0].amount == stored, text


NOT_AMOUNTS = [
    "1e3",
    "1E3",
    "1_000",
    "+5",
    "9" * 29,  # 29 significant digits
    "1." + "1" * 28,
    "0." + "1" * 29,
    ".5",
    "5.",
    "-",
    "--5",
    "1 000",
    "1,000.00",
    "0x10",
    "\u0661\u0662",  # Arabic-Indic digits
    "Infinity",
    "5\n",
]


@pytest.mark.parametrize("amount", NOT_AMOUNTS)
def test_strings_that_are_not_amounts_are_refused_naming_the_field(e, amount):
    subject = claim(invoice(), invoice(amount))
    err = refused_unchanged(
        e, "validation", e.submit_approval, "li.na", "expense_reimbursement", subject
    )
    assert err.field == "subject.attachments[1].amount"
    # (A single character may occur in the message's own words.)
    assert len(amount.strip()) < 2 or amount.strip() not in err.detail
