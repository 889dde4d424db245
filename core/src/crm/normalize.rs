//! Cleaning of customer identities (CRM-1): full-width forms folded, spaces
//! and separators dropped, mainland mobile numbers with or without +86 / 0086,
//! e-mail addresses trimmed and lower-cased. A value that cannot be cleaned
//! into a valid one is refused with the reason, never guessed at.

use super::IdentityKind;

/// Full-width ASCII folded to ASCII, the ideographic space to a space.
fn fold(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A free-text profile value cleaned: full-width forms folded, the ends
/// trimmed.
pub(crate) fn text(value: &str) -> String {
    fold(value).trim().to_owned()
}

/// A birth date in its one stored form `YYYY-MM-DD`, from `1990-03-07`,
/// `1990/3/7`, `1990.03.07`, `19900307` or `1990年3月7日` (full-width digits
/// folded); a real date between 1900 and 2100.
pub(crate) fn birth_date(value: &str) -> Result<String, &'static str> {
    let folded = fold(value);
    let v = folded.trim().trim_end_matches('日');
    let parts: Vec<&str> = if v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()) {
        vec![&v[..4], &v[4..6], &v[6..]]
    } else {
        v.split(['-', '/', '.', '年', '月']).collect()
    };
    let [y, m, d] = parts[..] else {
        return Err("is not a date (YYYY-MM-DD)");
    };
    let num = |s: &str, max: usize| {
        (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else {
        return Err("is not a date (YYYY-MM-DD)");
    };
    let year = i32::try_from(y).map_err(|_| "is not a date (YYYY-MM-DD)")?;
    match chrono::NaiveDate::from_ymd_opt(year, m, d) {
        Some(date) if (1900..=2100).contains(&year) => Ok(date.format("%Y-%m-%d").to_string()),
        _ => Err("is not a real date between 1900 and 2100"),
    }
}

/// `value` of `kind` in its one stored form, or why it is not valid.
pub(crate) fn identity(kind: IdentityKind, value: &str) -> Result<String, &'static str> {
    let folded = fold(value);
    let v = folded.trim();
    if v.is_empty() {
        return Err("is empty");
    }
    if v.len() > 320 {
        return Err("is longer than 320 bytes");
    }
    match kind {
        IdentityKind::Phone => phone(v),
        IdentityKind::Email => email(v),
        IdentityKind::WechatOpenid | IdentityKind::WechatUnionid => {
            let ok = (10..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if ok {
                Ok(v.to_owned())
            } else {
                Err("is not a WeChat id (10–64 of A-Z a-z 0-9 _ -)")
            }
        }
        IdentityKind::MemberId | IdentityKind::PosCard => {
            let cleaned: String = v.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            let ok = (1..=64).contains(&cleaned.len())
                && cleaned.bytes().all(|b| b.is_ascii_alphanumeric());
            if ok {
                Ok(cleaned.to_ascii_uppercase())
            } else {
                Err("is not a card or member number (1–64 of A-Z 0-9)")
            }
        }
    }
}

fn phone(v: &str) -> Result<String, &'static str> {
    let mut digits = String::with_capacity(v.len());
    for (i, c) in v.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            '+' if i == 0 => {}
            _ => return Err("is not a phone number"),
        }
    }
    let national = if digits.len() == 15 && digits.starts_with("0086") {
        &digits[4..]
    } else if digits.len() == 13 && digits.starts_with("86") {
        &digits[2..]
    } else {
        &digits[..]
    };
    let b = national.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        Ok(national.to_owned())
    } else {
        Err("is not a mainland mobile number (11 digits from 13–19, +86 optional)")
    }
}

fn email(v: &str) -> Result<String, &'static str> {
    let lower = v.to_ascii_lowercase();
    let Some((local, domain)) = lower.split_once('@') else {
        return Err("is not an e-mail address");
    };
    let local_ok = (1..=64).contains(&local.len())
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let domain_ok = domain.contains('.')
        && domain.len() <= 253
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if local_ok && domain_ok {
        Ok(lower)
    } else {
        Err("is not an e-mail address")
    }
}

/// A cleaned value shown to someone without clearance: enough to recognise,
/// not enough to contact.
pub(crate) fn mask(kind: IdentityKind, v: &str) -> String {
    match kind {
        IdentityKind::Phone if v.len() == 11 => format!("{}****{}", &v[..3], &v[7..]),
        IdentityKind::Email => match v.split_once('@') {
            Some((l, d)) => format!("{}***@{d}", l.chars().next().unwrap_or('*')),
            None => "***".into(),
        },
        _ => {
            let n = v.chars().count();
            if n <= 4 {
                "****".into()
            } else {
                let tail: String = v.chars().skip(n - 2).collect();
                format!("{}***{tail}", v.chars().take(2).collect::<String>())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IdentityKind::*;

    #[test]
    fn phones_in_every_format() {
        for raw in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+8613800138000",
            "008613800138000",
            "8613800138000",
            "１３８００１３８０００",
            " (138) 0013-8000 ",
            "＋８６　１３８００１３８０００",
        ] {
            assert_eq!(identity(Phone, raw).as_deref(), Ok("13800138000"), "{raw}");
        }
        for bad in [
            "12800138000",
            "1380013800",
            "138001380000",
            "010-12345678",
            "13800138000x",
            "",
            "  ",
            "+1 555 0100",
            "138'; DROP TABLE customer;--",
        ] {
            assert!(identity(Phone, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_ids_and_cards() {
        assert_eq!(
            identity(Email, "  Li.Na+VIP@Example.COM ").as_deref(),
            Ok("li.na+vip@example.com")
        );
        assert_eq!(
            identity(Email, "ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ").as_deref(),
            Ok("li@example.com")
        );
        for bad in [
            "li",
            "li@",
            "@example.com",
            "li@example",
            "li na@example.com",
            "li@exa_mple.com",
            "li@-x.com",
        ] {
            assert!(identity(Email, bad).is_err(), "{bad}");
        }
        assert_eq!(
            identity(WechatOpenid, " oUpF8uMuAJO_M2pxb1Q9zNjWeS6o ").as_deref(),
            Ok("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        );
        assert!(identity(WechatUnionid, "short").is_err());
        assert_eq!(
            identity(MemberId, "vip-0012 345").as_deref(),
            Ok("VIP0012345")
        );
        assert_eq!(
            identity(PosCard, "６２２２ ０２００").as_deref(),
            Ok("62220200")
        );
        assert!(identity(PosCard, "62\u{202E}22").is_err());
    }

    #[test]
    fn birth_dates() {
        for ok in [
            "1990-03-07",
            "1990/3/7",
            "1990.03.07",
            "19900307",
            "1990年3月7日",
            "１９９０－０３－０７",
            " 1990-3-7 ",
        ] {
            assert_eq!(birth_date(ok).as_deref(), Ok("1990-03-07"), "{ok}");
        }
        for bad in [
            "",
            "1990",
            "1990-02-30",
            "1890-01-01",
            "90-03-07",
            "1990-3",
            "1990-03-07-01",
            "x990-03-07",
            "1990-003-07",
            "'; DROP TABLE customer; --",
            "1990-03-07\u{202E}",
        ] {
            assert!(birth_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn masks() {
        assert_eq!(mask(Phone, "13800138000"), "138****8000");
        assert_eq!(mask(Email, "li.na@example.com"), "l***@example.com");
        assert_eq!(mask(MemberId, "VIP0012345"), "VI***45");
        assert_eq!(mask(PosCard, "123"), "****");
    }
}
