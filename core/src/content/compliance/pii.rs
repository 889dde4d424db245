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

/// A full-width ASCII form folded to ASCII (the ideographic space to a
/// space); anything else unchanged.
fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
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

/// A byte range `[start, end)`.
type Span = (usize, usize);

/// Byte ranges of `text` the patterns can match in, judged on characters
/// folded to ASCII: for the number patterns, runs of digits joined by at most
/// one '-' or ' ' holding at least 11 digits (a mobile number, the shortest),
/// with a '+' just before and an 'X' just after; for the e-mail pattern, the
/// characters an address can have around each '@'.
fn windows(text: &str) -> (Vec<Span>, Vec<Span>) {
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .map(|(i, c)| (i, fold_char(c)))
        .collect();
    let at = |k: usize| chars.get(k).map_or(text.len(), |(i, _)| *i);
    let ch = |k: usize| chars.get(k).map(|(_, c)| *c);
    let digit = |k: usize| ch(k).is_some_and(|c| c.is_ascii_digit());
    let mut numbers = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !digit(k) {
            k += 1;
            continue;
        }
        let start = k;
        let (mut digits, mut end) = (0, k);
        while k < chars.len() {
            if digit(k) {
                digits += 1;
                k += 1;
                end = k;
            } else if matches!(ch(k), Some('-' | ' ')) && digit(k + 1) {
                k += 1;
            } else {
                break;
            }
        }
        if digits >= 11 {
            let ws = if start > 0 && ch(start - 1) == Some('+') {
                start - 1
            } else {
                start
            };
            let we = if matches!(ch(end), Some('X' | 'x')) {
                end + 1
            } else {
                end
            };
            numbers.push((at(ws), at(we)));
        }
    }
    let local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    let mut emails: Vec<Span> = Vec::new();
    for (k, _) in chars.iter().enumerate().filter(|(_, (_, c))| *c == '@') {
        let mut s = k;
        while s > 0 && ch(s - 1).is_some_and(local) {
            s -= 1;
        }
        let mut e = k + 1;
        while ch(e).is_some_and(domain) {
            e += 1;
        }
        let (s, e) = (at(s), at(e));
        match emails.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => emails.push((s, e)),
        }
    }
    (numbers, emails)
}

/// A window of the original folded to ASCII, with the original byte offset
/// of every folded byte (and of the window's end).
struct Folded {
    text: String,
    origin: Vec<usize>,
}

fn fold_window(text: &str, ws: usize, we: usize) -> Folded {
    let mut out = Folded {
        text: String::with_capacity(we - ws),
        origin: Vec::with_capacity(we - ws + 1),
    };
    for (i, c) in text[ws..we].char_indices() {
        let f = fold_char(c);
        out.text.push(f);
        out.origin.extend(std::iter::repeat_n(ws + i, f.len_utf8()));
    }
    out.origin.push(we);
    out
}

/// Every personal-data span in `text`, ordered by start.
pub(crate) fn find(text: &str) -> Vec<PiiSpan> {
    // Every pattern needs a digit or an '@' (in either width); most copy has
    // few of them, so look before building anything.
    if !has_candidate(text.as_bytes()) {
        return Vec::new();
    }
    // A number must not run on into more digits on either side (in the
    // original, in either width).
    let is_digit = |c: char| fold_char(c).is_ascii_digit();
    let bounded = |s: usize, e: usize| {
        !text[..s].chars().next_back().is_some_and(is_digit)
            && !text[e..].chars().next().is_some_and(is_digit)
    };
    let p = patterns();
    let mut out: Vec<PiiSpan> = Vec::new();
    let taken = |out: &[PiiSpan], s: usize, e: usize| out.iter().any(|o| s < o.end && o.start < e);
    let (numbers, emails) = windows(text);
    // The patterns run only over the windows that could hold a match; the
    // rest of the text cannot, and most of it is words.
    for (ws, we) in numbers {
        let w = fold_window(text, ws, we);
        let span = |m: &regex::Match<'_>| (w.origin[m.start()], w.origin[m.end()]);
        for m in p.id.find_iter(&w.text) {
            let (start, end) = span(&m);
            if bounded(start, end) && id_checksum_ok(m.as_str()) {
                out.push(PiiSpan {
                    kind: PiiKind::IdNumber,
                    start,
                    end,
                });
            }
        }
        for m in p.phone.find_iter(&w.text) {
            let (start, end) = span(&m);
            if bounded(start, end) && !taken(&out, start, end) {
                out.push(PiiSpan {
                    kind: PiiKind::Phone,
                    start,
                    end,
                });
            }
        }
        for m in p.card.find_iter(&w.text) {
            let (start, end) = span(&m);
            let digits: Vec<u8> = m.as_str().bytes().filter(u8::is_ascii_digit).collect();
            if (16..=19).contains(&digits.len())
                && bounded(start, end)
                && luhn_ok(&digits)
                && !taken(&out, start, end)
            {
                out.push(PiiSpan {
                    kind: PiiKind::BankCard,
                    start,
                    end,
                });
            }
        }
    }
    for (ws, we) in emails {
        let w = fold_window(text, ws, we);
        for m in p.email.find_iter(&w.text) {
            out.push(PiiSpan {
                kind: PiiKind::Email,
                start: w.origin[m.start()],
                end: w.origin[m.end()],
            });
        }
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
    fn numbers_next_to_words_and_several_in_one_text() {
        assert_eq!(
            kinds("王先生+8613800138000，李女士 139 0013 8000；卡4111-1111-1111-1111号"),
            [
                (PiiKind::Phone, "+8613800138000".to_string()),
                (PiiKind::Phone, "139 0013 8000".to_string()),
                (PiiKind::BankCard, "4111-1111-1111-1111".to_string()),
            ]
        );
        assert_eq!(
            kinds("证件11010519491231002x。邮箱a@b.cn、c.d@e-f.com"),
            [
                (PiiKind::IdNumber, "11010519491231002x".to_string()),
                (PiiKind::Email, "a@b.cn".to_string()),
                (PiiKind::Email, "c.d@e-f.com".to_string()),
            ]
        );
        assert!(kinds("编号 1380013800 号").is_empty(), "ten digits");
        assert!(kinds("@@@ a@ @b.cn").is_empty());
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
