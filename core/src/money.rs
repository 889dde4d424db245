//! Money at the edges: one strict parser for decimal amounts, used by core and
//! by every binding, so "1_000", "1e3", "+5" or an amount that would need
//! rounding are refused the same way in every language (DESIGN rule 4).

pub use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// Most significant digits an amount may have (what `Decimal` holds exactly).
pub const MAX_DIGITS: usize = 28;

/// Parse an amount written as `-?digits(.digits)?`, exactly. The error names
/// `field` and the rule broken, never the value.
pub fn parse_amount(field: &str, text: &str) -> Result<Decimal> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok(int) || frac.is_some_and(|f| !digits_ok(f)) {
        return Err(Error::validation(
            field,
            "is not a decimal amount (digits, an optional '-' and an optional '.' fraction)",
        ));
    }
    let significant = int.trim_start_matches('0').len() + frac.map_or(0, str::len);
    if significant > MAX_DIGITS {
        return Err(Error::validation(
            field,
            format!("has more than {MAX_DIGITS} significant digits"),
        ));
    }
    Decimal::from_str_exact(text)
        .map_err(|_| Error::validation(field, "is not an exact decimal amount"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_exact() {
        assert_eq!(parse_amount("a", "1280.50").unwrap().to_string(), "1280.50");
        assert_eq!(parse_amount("a", "-0.01").unwrap().to_string(), "-0.01");
        assert_eq!(parse_amount("a", "007").unwrap().to_string(), "7");
        for bad in [
            "", "-", ".5", "5.", "1e3", "1_000", "+5", " 5", "5 ", "1,000", "NaN", "١٢", "0x10",
        ] {
            assert_eq!(
                parse_amount("a", bad).unwrap_err().code(),
                "validation",
                "{bad:?}"
            );
        }
        assert!(parse_amount("a", &"9".repeat(28)).is_ok());
        assert!(parse_amount("a", &"9".repeat(29)).is_err());
        assert!(parse_amount("a", &format!("0.{}", "1".repeat(29))).is_err());
        let err = parse_amount("subject.attachments[0].amount", "12abc").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("subject.attachments[0].amount:")
        );
        assert!(!err.to_string().contains("12abc"));
    }
}
