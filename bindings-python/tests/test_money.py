"""Money at the edges (DESIGN rule 4). Attachment amounts go through core's
strict parser (`brandrail::money::parse_amount`), so Python refuses exactly
the strings every other binding refuses: digits with an optional '-' and '.'
fraction, at most 28 significant digits, never rounded. The binding only turns
a `Decimal` or an `int` into that text (fixed-point, exactly) and refuses
floats and bools by type."""

from __future__ import annotations

from decimal import Decimal

import pytest

import brandrail
from conftest import INVOICE_SHA, MARKETER, claim, snapshot


def amount(value):
    return brandrail.Attachment("invoice", "f.pdf", INVOICE_SHA, value).amount


def short(value) -> str:
    """A test id that never renders a huge value (`repr` of a 5000-digit int raises)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**50:
        return f"int of {len(Decimal(value).as_tuple().digits)} digits"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text)} chars)"


def test_attachment_amounts_are_exact_decimals():
    for given, exact in [
        (Decimal("1280.50"), Decimal("1280.50")),
        ("1280.50", Decimal("1280.50")),
        (1280, Decimal("1280")),
        ("0.000001", Decimal("0.000001")),
        (Decimal("1E+3"), Decimal("1000")),
        (None, None),
    ]:
        a = brandrail.Attachment("invoice", "f.pdf", INVOICE_SHA, given)
        assert a.amount == exact and type(a.amount) is type(exact)
    a = brandrail.Attachment("invoice", "发票.pdf", INVOICE_SHA, amount="99.90")
    assert str(a.amount) == "99.90"  # the scale is kept
    assert (a.kind, a.name, a.sha256) == ("invoice", "发票.pdf", INVOICE_SHA)
    assert a.to_dict() == {"kind": "invoice", "name": "发票.pdf", "sha256": INVOICE_SHA, "amount": Decimal("99.90")}
    assert a == brandrail.Attachment(**a.to_dict())
    assert repr(a).startswith("Attachment(kind='invoice', name='发票.pdf'")
    with pytest.raises(AttributeError):
        a.amount = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    "given, text",
    [
        ("-0.01", "-0.01"),  # a sign is the caller's to give; submission refuses a negative amount
        ("007", "7"),
        ("0", "0"),
        ("9" * 28, "9" * 28),
        ("0." + "1" * 28, "0." + "1" * 28),
        ("-" + "9" * 28, "-" + "9" * 28),
        (10**27, "1" + "0" * 27),
        (-(10**27), "-1" + "0" * 27),
        (Decimal("1000").normalize(), "1000"),  # Decimal('1E+3'): written out, not refused
        (Decimal("1.20E+2"), "120"),
        (Decimal("1.000"), "1.000"),
        (Decimal("-1E-28"), "-0." + "0" * 27 + "1"),
        (Decimal("0E+5"), "0"),
    ],
    ids=short,
)
def test_accepted_amounts(given, text):
    got = amount(given)
    assert isinstance(got, Decimal) and got == Decimal(text) and format(got, "f") == text


@pytest.mark.parametrize(
    "value",
    # The strings core's own test refuses, and their neighbours.
    ["", "-", ".5", "5.", "1e3", "1E3", "1E+3", "1_000", "+5", " 5", "5 ", "1,000", "12,50", "--5", "5-",
     "1.2.3", "0x10", "NaN", "nan", "Infinity", "-Infinity", "inf", "١٢", "５", "12\u0000", "abc",
     "9" * 29, "0." + "1" * 29, "1" * 40, "0." + "1" * 40, "x" * 1_000_000],
    ids=short,
)
def test_strings_every_language_refuses(value):
    with pytest.raises(brandrail.ValidationError) as info:
        amount(value)
    assert info.value.field == "amount" and info.value.code == "validation"
    assert len(str(info.value)) < 200  # the value is never echoed


def test_refusals_say_which_rule():
    with pytest.raises(brandrail.ValidationError) as info:
        amount("1e3")
    assert str(info.value).startswith("amount: is not a decimal amount")
    with pytest.raises(brandrail.ValidationError) as info:
        amount("9" * 29)
    assert str(info.value) == "amount: has more than 28 significant digits"
    with pytest.raises(brandrail.ValidationError) as info:
        amount("12abc")
    assert "12abc" not in str(info.value)


@pytest.mark.parametrize(
    "value",
    [Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
     Decimal("1E+28"), Decimal("1E-29"), Decimal("0E-29"), Decimal("1" * 29),
     # Exponents that would write out a gigabyte of zeros are refused as fast.
     Decimal("1E+999999999999"), Decimal("-1E-999999999999"), Decimal("1E+4301"),
     10**28, -(10**40), 10**5000],  # 10**5000: beyond Python's own str(int) limit
    ids=short,
)
def test_decimals_and_ints_refused(value):
    with pytest.raises(brandrail.ValidationError) as info:
        amount(value)
    assert info.value.field == "amount"
    assert len(str(info.value)) < 200


@pytest.mark.parametrize(
    "value", [0.1, 1e3, float("nan"), float("inf"), True, False, [1], b"12", bytearray(b"1"), 1j, object()], ids=short
)
def test_attachment_amount_wrong_types(value):
    with pytest.raises(TypeError) as info:
        brandrail.Attachment("invoice", "f.pdf", INVOICE_SHA, value)
    assert "amount" in str(info.value)


def test_subclasses_convert_like_their_base():
    class Money(Decimal):
        pass

    class Text(str):
        pass

    assert amount(Money("1E+2")) == Decimal(100)
    assert amount(Text("12.30")) == Decimal("12.30")


def test_the_path_of_a_bad_amount_is_named(company):
    for bad in ["1e3", "1_000", "+5", "9" * 29, Decimal("NaN")]:
        with pytest.raises(brandrail.ValidationError) as info:
            brandrail.Subject("expense_claim", "c", "t", attachments=[
                {"kind": "invoice", "name": "a.pdf", "sha256": INVOICE_SHA, "amount": "1"},
                {"kind": "invoice", "name": "b.pdf", "sha256": INVOICE_SHA, "amount": bad},
            ])
        assert info.value.field == "attachments[1].amount"
        before = snapshot(company)
        subject = claim()
        subject["attachments"][0]["amount"] = bad
        with pytest.raises(brandrail.ValidationError) as info:
            company.submit_approval(MARKETER, "expense_reimbursement", subject)
        assert info.value.field == "subject.attachments[0].amount"
        assert snapshot(company) == before  # refused before anything was written


def test_policy_money_fields_take_decimals():
    # Whatever notation `str()` picks for a Decimal, the policy reads its value.
    policy = brandrail.Engine.in_memory().policy()
    for given, written in [(Decimal("1E+5"), "100000"), (Decimal("1E-7"), "0.0000001"), (Decimal("4999.90"), "4999.90")]:
        assert policy.overlay({"crm": {"community": {"vip_min_spend": given}}})["crm.community.vip_min_spend"] == written
