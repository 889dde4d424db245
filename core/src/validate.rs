//! Input checks shared by every module: identifiers, free text, and how a bad
//! value may be quoted back in an error message.

use crate::error::{Error, Result};

/// Longest identifier (handle, account id) accepted.
pub const MAX_ID_LEN: usize = 64;
/// Longest display text (names, descriptions) accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// A bad value made safe to quote in an error: control characters escaped and
/// long values cut, so a hostile input cannot forge log lines or flood messages.
/// Only for non-personal values (identifiers, enum names, policy fields).
pub fn printable(s: &str) -> String {
    escaped(s, 40)
}

/// A parser's message made safe to pass on: control and invisible characters
/// escaped, at most 300 characters. Parsers quote the offending input, which
/// may be hostile.
pub fn escape_message(s: &str) -> String {
    escaped(s, 300)
}

/// `s` with control and invisible characters (the joiners included) written
/// as `\u{..}` escapes, cut after `limit` characters.
fn escaped(s: &str, limit: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == limit {
            out.push('…');
            break;
        }
        if c.is_control() || is_invisible(c) || matches!(c, '\u{200C}' | '\u{200D}') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Format characters that render as nothing (zero-width space, marks, BOM, bidi
/// overrides): accepted nowhere in names. The zero-width (non-)joiners are the
/// exception in names, since emoji sequences and several scripts need them.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// An identifier: 2–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn identifier(field: &str, value: &str) -> Result<()> {
    let len = value.chars().count();
    if !(2..=MAX_ID_LEN).contains(&len) {
        return Err(Error::validation(
            field,
            format!(
                "must be 2 to {MAX_ID_LEN} characters, got {}",
                value.chars().count()
            ),
        ));
    }
    let first_ok = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let all_ok = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !first_ok || !all_ok {
        return Err(Error::validation(
            field,
            format!(
                "'{}' may use only a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
                printable(value)
            ),
        ));
    }
    Ok(())
}

/// Display text (a person's or an account's name): not blank, at most 200
/// characters, no control or invisible characters. The value may be personal, so
/// errors describe it without quoting it.
pub fn display_text(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    let count = value.chars().count();
    if count > MAX_TEXT_CHARS {
        return Err(Error::validation(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters, got {count}"),
        ));
    }
    if let Some((pos, _)) = value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() || is_invisible(*c))
    {
        return Err(Error::validation(
            field,
            format!("contains a control or invisible character at position {pos}"),
        ));
    }
    if value.trim() != value {
        return Err(Error::validation(
            field,
            "must not start or end with white space",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(identifier("h", "zhang.wei-2").is_ok());
        for bad in [
            "",
            "a",
            "Zhang",
            "-x",
            "a b",
            "x'; DROP TABLE principal;--",
            "张伟",
            "a\u{200B}b",
        ] {
            assert_eq!(
                identifier("h", bad).unwrap_err().code(),
                "validation",
                "{bad:?}"
            );
        }
        assert!(identifier("h", &"a".repeat(65)).is_err());
    }

    #[test]
    fn display_texts_accept_mixed_scripts_and_refuse_controls() {
        assert!(display_text("n", "张伟 Wei Zhang").is_ok());
        assert!(display_text("n", "Dev 👩\u{200D}💻").is_ok());
        for bad in [
            "",
            "   ",
            "a\u{0}b",
            "a\nb",
            "a\u{202E}b",
            " lead",
            &"长".repeat(201),
        ] {
            assert!(display_text("n", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn parser_messages_are_escaped() {
        assert_eq!(escape_message("bad \u{202E}x\n"), "bad \\u{202e}x\\u{a}");
        assert_eq!(escape_message(&"y".repeat(400)).chars().count(), 301);
    }

    #[test]
    fn printable_escapes_and_truncates() {
        assert_eq!(printable("a\nb"), "a\\u{a}b");
        assert_eq!(printable(&"x".repeat(100)).chars().count(), 41);
    }
}
