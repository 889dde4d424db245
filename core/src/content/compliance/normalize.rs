//! Text normalization for matching, with a map back to the original.
//!
//! Every character is folded the same way for terms and for text: traditional
//! to simplified (char for char, by a table built once from `fast2s`), NFKC (full-width forms, compatibility
//! ideographs, circled digits), lower case; everything that is not a letter or
//! a digit (spaces, punctuation, emoji, zero-width and bidi characters) is
//! dropped, so characters inserted between those of a term do not hide it.

use unicode_normalization::UnicodeNormalization;

/// Normalized text and the map back to the original.
///
/// The map is a list of segments rather than an entry per byte: most
/// characters keep their UTF-8 length when folded (an ideograph stays 3 bytes,
/// ASCII stays 1), so a run of them maps byte for byte with one constant
/// offset. A new segment starts after a dropped character or at a fold that
/// changes length (full-width forms, expansions), which in ordinary Chinese
/// copy means about one per punctuation mark.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    pub text: String,
    segments: Vec<Segment>,
}

/// Normalized bytes from `norm` on come from original bytes from `orig` on:
/// byte for byte when `linear`, else all from the one character at `orig`.
#[derive(Debug, Clone, Copy)]
struct Segment {
    norm: u32,
    orig: u32,
    linear: bool,
}

impl Normalized {
    fn segment(&self, b: usize) -> Segment {
        let i = self
            .segments
            .partition_point(|s| s.norm as usize <= b)
            .saturating_sub(1);
        self.segments[i]
    }

    /// Byte span `[start, end)` of `original` covered by normalized bytes
    /// `[from, to)` (`from < to`, both on character boundaries).
    pub(crate) fn original_span(&self, original: &str, from: usize, to: usize) -> (usize, usize) {
        let s = self.segment(from);
        let start = if s.linear {
            s.orig as usize + (from - s.norm as usize)
        } else {
            s.orig as usize
        };
        let last = to - 1;
        let s = self.segment(last);
        let end = if s.linear {
            // The last byte of a same-length fold is the last byte of the
            // original character.
            s.orig as usize + (last - s.norm as usize) + 1
        } else {
            let at = s.orig as usize;
            at + original[at..].chars().next().map_or(0, char::len_utf8)
        };
        (start, end)
    }

    /// Append original bytes `at..` as `bytes` of the same length.
    fn push_linear(&mut self, at: usize, bytes: &str) {
        let n = self.text.len();
        let continues = self.segments.last().is_some_and(|s| {
            s.linear && at.wrapping_sub(s.orig as usize) == n.wrapping_sub(s.norm as usize)
        });
        if !continues {
            self.segments.push(Segment {
                norm: to_u32(n),
                orig: to_u32(at),
                linear: true,
            });
        }
        self.text.push_str(bytes);
    }

    /// Append the fold of the character at `at` whose length differs from it.
    fn push_fixed(&mut self, at: usize, folded: &str) {
        if folded.is_empty() {
            return;
        }
        self.segments.push(Segment {
            norm: to_u32(self.text.len()),
            orig: to_u32(at),
            linear: false,
        });
        self.text.push_str(folded);
    }
}

/// Offsets are kept as u32; texts are cut below 4 GiB before they get here.
fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
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

/// Ideographs U+3400..U+9FFF that are their own simplified form, one bit
/// each (3.4 KB, stays in cache): the common case skips the table.
fn t2s_identity() -> &'static [u64] {
    static BITS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    BITS.get_or_init(|| {
        let table = t2s_table();
        let mut bits = vec![0u64; table.len().div_ceil(64)];
        for (i, c) in table.iter().enumerate() {
            if *c as u32 == T2S_BASE + i as u32 {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
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

/// The code point of the 3-byte UTF-8 sequence at `b[i..i + 3]` if it is a
/// CJK ideograph that folds to itself.
#[inline]
fn identity_ideograph(b: &[u8], i: usize, bits: &[u64]) -> bool {
    let Some(&[b0, b1, b2]) = b.get(i..i + 3).and_then(|s| <&[u8; 3]>::try_from(s).ok()) else {
        return false;
    };
    if b0 & 0xF0 != 0xE0 {
        return false;
    }
    let cp = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
    if !(T2S_BASE..T2S_END).contains(&cp) {
        return false;
    }
    let k = (cp - T2S_BASE) as usize;
    bits[k / 64] >> (k % 64) & 1 == 1
}

/// Normalize `text` for matching.
pub(crate) fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        segments: Vec::with_capacity(text.len() / 24 + 1),
    };
    let bytes = text.as_bytes();
    let bits = t2s_identity();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_lowercase() || b.is_ascii_digit() {
                // A run of ASCII that folds to itself, copied at once.
                let start = i;
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_lowercase() || bytes[i].is_ascii_digit())
                {
                    i += 1;
                }
                out.push_linear(start, &text[start..i]);
            } else {
                if b.is_ascii_uppercase() {
                    let lower = [b.to_ascii_lowercase()];
                    out.push_linear(i, std::str::from_utf8(&lower).unwrap_or_default());
                }
                i += 1;
            }
            continue;
        }
        if identity_ideograph(bytes, i, bits) {
            // A run of ideographs that are already simplified, copied at once.
            let start = i;
            i += 3;
            while identity_ideograph(bytes, i, bits) {
                i += 3;
            }
            out.push_linear(start, &text[start..i]);
            continue;
        }
        let c = text[i..].chars().next().unwrap_or_default();
        push_folded(&mut out, i, c);
        i += c.len_utf8();
    }
    out
}

/// Characters that fold to nothing, without asking Unicode: spaces,
/// punctuation and format characters of the general-punctuation block, CJK
/// punctuation and brackets, full- and half-width punctuation, variation
/// selectors and pictographic emoji. (Everything else takes the slow path;
/// enclosed alphanumerics and ideographs, which do fold to letters, digits or
/// ideographs, are not listed.) Ordinary copy has one of these every few
/// characters.
#[inline]
fn dropped(c: char) -> bool {
    matches!(c,
        '\u{2000}'..='\u{206F}'
        | '\u{3000}'..='\u{3004}'
        | '\u{3008}'..='\u{3020}'
        | '\u{3030}'
        | '\u{3036}'..='\u{3037}'
        | '\u{303D}'..='\u{303F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{1F300}'..='\u{1FAFF}')
}

/// Fold one character (not ASCII, not an already simplified ideograph).
fn push_folded(out: &mut Normalized, at: usize, c: char) {
    if dropped(c) {
        return;
    }
    if is_cjk(c) {
        // A traditional ideograph, usually folded to another of 3 bytes.
        let mut buf = [0u8; 4];
        let s = simplified(c);
        if s.len_utf8() == c.len_utf8() {
            out.push_linear(at, s.encode_utf8(&mut buf));
        } else {
            out.push_fixed(at, s.encode_utf8(&mut buf));
        }
        return;
    }
    let mut folded = String::new();
    for d in std::iter::once(c).nfkc() {
        if d.is_ascii() {
            if d.is_ascii_alphanumeric() {
                folded.push(d.to_ascii_lowercase());
            }
        } else if is_cjk(d) {
            // A compatibility ideograph folds to a unified one, which may be
            // traditional: convert it too.
            folded.push(simplified(d));
        } else if d.is_alphanumeric() {
            folded.extend(d.to_lowercase());
        }
    }
    if folded.len() == c.len_utf8() && folded.chars().count() == 1 {
        out.push_linear(at, &folded);
    } else {
        out.push_fixed(at, &folded);
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

    /// The span of every normalized character maps back to exactly the
    /// original character it came from, whatever mix of runs and folds.
    #[test]
    fn spans_map_back_character_by_character() {
        let original = "Ａb最\u{200B}佳，療效ﬁ①x 🎉 OK好";
        let n = normalize(original);
        assert_eq!(n.text, "ab最佳疗效fi1xok好");
        let mut got = Vec::new();
        for (at, c) in n.text.char_indices() {
            let (s, e) = n.original_span(original, at, at + c.len_utf8());
            got.push(&original[s..e]);
        }
        assert_eq!(
            got,
            [
                "Ａ", "b", "最", "佳", "療", "效", "ﬁ", "ﬁ", "①", "x", "O", "K", "好"
            ]
        );
        let at = n.text.find("最佳").unwrap();
        assert_eq!(n.original_span(original, at, at + 6), (4, 13));
        let at = n.text.find("fi1x").unwrap();
        let (s, e) = n.original_span(original, at, at + 4);
        assert_eq!(&original[s..e], "ﬁ①x");
    }

    /// Every character the fast path drops is one the full fold drops too.
    #[test]
    fn the_fast_drop_agrees_with_unicode() {
        let slow = |c: char| {
            std::iter::once(c)
                .nfkc()
                .any(|d| d.is_alphanumeric() || is_cjk(d))
        };
        for cp in (0x2000..0x2070)
            .chain(0x3000..0x3040)
            .chain(0xFE00..0xFF70)
            .chain(0x1F300..0x1FB00)
        {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if dropped(c) {
                assert!(!slow(c), "U+{cp:04X} folds to something");
            }
        }
        assert!(
            !dropped('\u{3005}')
                && !dropped('\u{3007}')
                && !dropped('\u{1F130}')
                && !dropped('\u{1F21A}')
        );
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
