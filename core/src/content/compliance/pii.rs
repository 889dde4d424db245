//! Personal data inside content (CON-3, 002 §四(一): screenshots and copy must
//! mask it): mainland mobile numbers, 18-digit resident ID numbers with their
//! GB 11643 check digit, e-mail addresses and bank-card numbers (Luhn).

use std::sync::OnceLock;

use regex::Regex;

/// What kind of personal data a span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PiiKind {
    Phone,
    IdNumber,
    Email,
    BankCard,
}

/// A personal-data span, in bytes of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PiiSpan {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
}

struct Patterns {
    phone: Regex,
    id: Regex,
    email: Regex,
    card: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // Literal patterns, covered by tests: a failure here is a build defect.
        phone: Regex::new(r"(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]){8}").expect("phone pattern"),
        id: Regex::new(r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]")
            .expect("id pattern"),
        email: Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").expect("email pattern"),
        card: Regex::new(r"[0-9](?:[- ]?[0-9]){15,18}").expect("card pattern"),
    })
}

/// GB 11643-1999 check digit of an 18-character resident ID number.
fn id_checksum_ok(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = *b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    b[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

fn luhn_ok(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Full-width ASCII folded to ASCII, one char for one char, so char indexes
/// of the folded text are those of the original.
fn fold_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Whether `b` holds an ASCII digit or '@', or a full-width digit or '＠'
/// (U+FF10..U+FF19 and U+FF20: bytes EF BC 90..99 and EF BC A0). Branch-free
/// over blocks of 256 bytes so the compiler vectorizes it; stops at the first
/// block with a hit.
fn has_candidate(b: &[u8]) -> bool {
    let ascii = |x: u8| x.wrapping_sub(b'0') < 10 || x == b'@';
    let n = b.len();
    if n < 3 {
        return b.iter().any(|&x| ascii(x));
    }
    let (a0, a1, a2) = (&b[..n - 2], &b[1..n - 1], &b[2..]);
    let mut i = 0;
    while i < n - 2 {
        let e = (i + 256).min(n - 2);
        let hit =
            a0[i..e]
                .iter()
                .zip(&a1[i..e])
                .zip(&a2[i..e])
                .fold(false, |acc, ((&x, &y), &z)| {
                    acc | (x.wrapping_sub(b'0') < 10)
                        | (x == b'@')
                        | ((x == 0xEF) & (y == 0xBC) & ((z.wrapping_sub(0x90) < 10) | (z == 0xA0)))
                });
        if hit {
            return true;
        }
        i = e;
    }
    b[n - 2..].iter().any(|&x| ascii(x))
}

/// Every personal-data span in `text`, ordered by start.
pub(crate) fn find(text: &str) -> Vec<PiiSpan> {
    // Every pattern needs a digit or an '@' (in either width); most copy has
    // few of them, so look before building anything.
    if !has_candidate(text.as_bytes()) {
        return Vec::new();
    }
    // Full-width forms are folded to ASCII first; only then do offsets need a
    // map back to the original (folding changes widths, char for char).
    let wide = text
        .chars()
        .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}');
    let (folded, origin_at): (std::borrow::Cow<'_, str>, Option<Vec<u32>>) = if wide {
        let folded = fold_width(text);
        let mut origin_at = vec![0u32; folded.len() + 1];
        let mut original = text.char_indices().map(|(b, _)| b);
        for (b, c) in folded.char_indices() {
            let o = u32::try_from(original.next().unwrap_or(text.len())).unwrap_or(u32::MAX);
            for slot in &mut origin_at[b..b + c.len_utf8()] {
                *slot = o;
            }
        }
        origin_at[folded.len()] = u32::try_from(text.len()).unwrap_or(u32::MAX);
        (std::borrow::Cow::Owned(folded), Some(origin_at))
    } else {
        (std::borrow::Cow::Borrowed(text), None)
    };
    let original = |b: usize| origin_at.as_ref().map_or(b, |o| o[b] as usize);
    let folded: &str = &folded;
    let bytes = folded.as_bytes();
    // A number must not run on into more digits on either side.
    let bounded = |s: usize, e: usize| {
        (s == 0 || !bytes[s - 1].is_ascii_digit())
            && (e == bytes.len() || !bytes[e].is_ascii_digit())
    };
    let span = |kind, s: usize, e: usize| PiiSpan {
        kind,
        start: original(s),
        end: original(e),
    };
    let p = patterns();
    let mut out: Vec<PiiSpan> = Vec::new();
    for m in p.id.find_iter(folded) {
        if bounded(m.start(), m.end()) && id_checksum_ok(m.as_str()) {
            out.push(span(PiiKind::IdNumber, m.start(), m.end()));
        }
    }
    let taken = |out: &[PiiSpan], s: usize, e: usize| {
        let (s, e) = (original(s), original(e));
        out.iter().any(|o| s < o.end && o.start < e)
    };
    for m in p.phone.find_iter(folded) {
        if bounded(m.start(), m.end()) && !taken(&out, m.start(), m.end()) {
            out.push(span(PiiKind::Phone, m.start(), m.end()));
        }
    }
    for m in p.card.find_iter(folded) {
        let digits: Vec<u8> = m.as_str().bytes().filter(u8::is_ascii_digit).collect();
        if (16..=19).contains(&digits.len())
            && bounded(m.start(), m.end())
            && luhn_ok(&digits)
            && !taken(&out, m.start(), m.end())
        {
            out.push(span(PiiKind::BankCard, m.start(), m.end()));
        }
    }
    for m in p.email.find_iter(folded) {
        out.push(span(PiiKind::Email, m.start(), m.end()));
    }
    out.sort_by_key(|s| (s.start, s.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, String)> {
        find(text)
            .into_iter()
            .map(|s| (s.kind, text[s.start..s.end].to_owned()))
            .collect()
    }

    #[test]
    fn phones_ids_emails_cards() {
        assert_eq!(
            kinds("联系 13800138000 王经理"),
            [(PiiKind::Phone, "13800138000".to_string())]
        );
        assert_eq!(
            kinds("电话：+86 138-0013-8000。"),
            [(PiiKind::Phone, "+86 138-0013-8000".to_string())]
        );
        assert_eq!(
            kinds("１３８００１３８０００"),
            [(PiiKind::Phone, "１３８００１３８０００".to_string())]
        );
        // A valid ID (check digit X) and an invalid one.
        assert_eq!(
            kinds("身份证11010519491231002X"),
            [(PiiKind::IdNumber, "11010519491231002X".to_string())]
        );
        assert!(kinds("身份证110105194912310021").is_empty());
        assert_eq!(
            kinds("邮箱 Li.Na+vip@example.com.cn 咨询"),
            [(PiiKind::Email, "Li.Na+vip@example.com.cn".to_string())]
        );
        assert_eq!(
            kinds("卡号 4111 1111 1111 1111"),
            [(PiiKind::BankCard, "4111 1111 1111 1111".to_string())]
        );
    }

    #[test]
    fn full_width_digits_and_at_signs_are_candidates_full_width_colons_are_not() {
        assert_eq!(
            kinds("手机：１３８００１３８０００；"),
            [(PiiKind::Phone, "１３８００１３８０００".to_string())]
        );
        assert_eq!(
            kinds("邮箱：ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
            [(PiiKind::Email, "ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ".to_string())]
        );
        assert!(find("时间：上午十点；地点：门店？").is_empty());
    }

    #[test]
    fn masked_and_ordinary_numbers_do_not_fire() {
        for text in [
            "138****8000",
            "订单号 20261122000123456789",
            "价格 12800 元",
            "2026年11月22日",
            "电话 12345678901",
        ] {
            assert!(find(text).is_empty(), "{text}: {:?}", find(text));
        }
    }
}
