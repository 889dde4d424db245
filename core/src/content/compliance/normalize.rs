//! Text normalization for matching, with a map back to the original.
//!
//! Every character is folded the same way for terms and for text: traditional
//! to simplified (char for char, by a table built once from `fast2s`), NFKC (full-width forms, compatibility
//! ideographs, circled digits), lower case; everything that is not a letter or
//! a digit (spaces, punctuation, emoji, zero-width and bidi characters) is
//! dropped, so characters inserted between those of a term do not hide it.

use unicode_normalization::UnicodeNormalization;

/// Normalized text and, for every byte of it, the byte offset in the original
/// of the character it came from.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    pub text: String,
    pub origin: Vec<u32>,
}

impl Normalized {
    /// Byte span `[start, end)` of `original` covered by normalized bytes
    /// `[from, to)`.
    pub(crate) fn original_span(&self, original: &str, from: usize, to: usize) -> (usize, usize) {
        let start = self.origin[from] as usize;
        let last = self.origin[to - 1] as usize;
        let len = original[last..].chars().next().map_or(0, char::len_utf8);
        (start, last + len)
    }
}

/// CJK unified ideographs (basic block and extension A): already NFKC-stable.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// First code point of the ideograph table.
const T2S_BASE: u32 = 0x3400;
/// One past its last.
const T2S_END: u32 = 0xA000;

/// Traditional → simplified for every ideograph U+3400..U+9FFF, built once
/// from `fast2s` char by char, so the hot loop is one table lookup.
fn t2s_table() -> &'static [char] {
    static TABLE: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (T2S_BASE..T2S_END)
            .map(|cp| {
                let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                let mut buf = [0u8; 4];
                let converted = fast2s::convert(c.encode_utf8(&mut buf));
                let mut chars = converted.chars();
                match (chars.next(), chars.next()) {
                    (Some(s), None) => s,
                    _ => c,
                }
            })
            .collect()
    })
}

fn simplified(c: char) -> char {
    let cp = c as u32;
    if (T2S_BASE..T2S_END).contains(&cp) {
        t2s_table()[(cp - T2S_BASE) as usize]
    } else {
        c
    }
}

/// Normalize `text` for matching.
pub(crate) fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        origin: Vec::with_capacity(text.len()),
    };
    for (at, c) in text.char_indices() {
        // Texts are far below 4 GiB (the bindings cap their size long before).
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        push_folded(&mut out, at, c);
    }
    out
}

fn push_char(out: &mut Normalized, index: u32, c: char) {
    out.text.push(c);
    out.origin.resize(out.text.len(), index);
}

fn push_folded(out: &mut Normalized, index: u32, c: char) {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            push_char(out, index, c.to_ascii_lowercase());
        }
        return;
    }
    if is_cjk(c) {
        push_char(out, index, simplified(c));
        return;
    }
    for d in std::iter::once(c).nfkc() {
        if d.is_ascii() {
            if d.is_ascii_alphanumeric() {
                push_char(out, index, d.to_ascii_lowercase());
            }
        } else if is_cjk(d) {
            // A compatibility ideograph folds to a unified one, which may be
            // traditional: convert it too.
            push_char(out, index, simplified(d));
        } else if d.is_alphanumeric() {
            for l in d.to_lowercase() {
                push_char(out, index, l);
            }
        }
    }
}

/// A term or exception in matching form.
pub(crate) fn normalize_term(term: &str) -> String {
    normalize(term).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_script_and_drops_noise() {
        let n = normalize("ＴＯＰ１ 最\u{200B}佳！療效 🎉 No.1");
        assert_eq!(n.text, "top1最佳疗效no1");
        // "最" starts at byte 9 of the original; "佳" ends at byte 18 (after
        // the 3-byte zero-width space).
        let original = "ＴＯＰ１ 最\u{200B}佳！療效 🎉 No.1";
        let at = n.text.find("最佳").unwrap();
        assert_eq!(n.original_span(original, at, at + "最佳".len()), (13, 22));
    }

    #[test]
    fn compatibility_forms() {
        assert_eq!(normalize("①②Ⅻ").text, "12xii");
        assert_eq!(normalize("\u{F9D4}").text, normalize("\u{502B}").text);
    }

    #[test]
    fn empty_and_noise_only() {
        assert!(normalize("").text.is_empty());
        assert!(normalize("  ！？🎉\u{202E}\u{0}").text.is_empty());
    }
}
