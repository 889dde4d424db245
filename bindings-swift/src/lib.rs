//! # brandrail for Swift and Kotlin
//!
//! The uniffi binding of the `brandrail` engine. It converts types and errors
//! and nothing else: every decision is made by the core crate, so an iOS or
//! Android app behaves exactly like the Python, Node and Rust hosts.
//!
//! The files mirror the core's modules: [`engine`] (the handle and its
//! options), [`access`] (principals, roles, media accounts), [`approval`]
//! (workflow instances, decisions, delegation, tasks), [`audit`] (the
//! hash-chained log, backups), [`content`] (content items, their versions
//! and lifecycle, derivatives; the compliance checker; the pre-publish
//! checklist, the asset library, the publishing plan with hot dates and
//! themes, A/B variants), [`crm`] (customers: ingest, masked reads, consent,
//! export and erasure; fuzzy duplicates and manual merges; interactions,
//! purchases and funnels; segments, personas, lifecycle stages and community
//! tiers; customer service tickets; public-opinion alerts and crisis cases;
//! RFM and customer value)
//! and [`policy`] (the policy document); [`error`] holds the one error
//! mapping.
//!
//! Times cross the boundary as `SystemTime` (Swift `Date`, Kotlin
//! `java.time.Instant`), durations as `Duration` (Swift `TimeInterval`, Kotlin
//! `java.time.Duration`), calendar days (the publishing plan's, a theme's) as
//! `YYYY-MM-DD` strings (years 0000–9999), which neither `Date` nor `Instant`
//! represents without a time zone.

#![warn(missing_docs)]

/// Declares a fieldless uniffi enum mirroring a core enum: the enum, both
/// conversions (exhaustive matches, so a new core value fails to compile here),
/// an exported `as_str()` and, optionally, a `parse_…` function that uses the
/// core's parser (whose validation error lists the valid names).
macro_rules! mirror_enum {
    (
        $(#[$meta:meta])* $name:ident => $core:path
        { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }
        $($(#[$pmeta:meta])* fn $parse:ident;)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<$core> for $name {
            fn from(value: $core) -> Self {
                use $core as C;
                match value { $(C::$variant => $name::$variant),+ }
            }
        }

        impl From<$name> for $core {
            fn from(value: $name) -> Self {
                use $core as C;
                match value { $($name::$variant => C::$variant),+ }
            }
        }

        #[uniffi::export]
        impl $name {
            /// The stable name of this value, as used in policy documents,
            /// storage, error messages and the other bindings.
            pub fn as_str(&self) -> String {
                <$core>::from(*self).as_str().to_owned()
            }
        }

        $(
            $(#[$pmeta])*
            #[uniffi::export]
            pub fn $parse(name: &str) -> Result<$name, $crate::BrandrailError> {
                Ok(name.parse::<$core>()?.into())
            }
        )?
    };
}

pub mod access;
pub mod approval;
pub mod audit;
pub mod content;
pub mod crm;
pub mod engine;
pub mod error;
pub mod policy;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};

pub use error::BrandrailError;

uniffi::setup_scaffolding!("brandrail_mobile");

/// A core timestamp as a `SystemTime`.
///
/// Every time the core holds came from the host or the engine clock, so it
/// always fits a `SystemTime` on the platforms this library ships for (64-bit
/// seconds). Should one not fit, the Unix epoch is returned rather than
/// panicking across the FFI.
pub(crate) fn system_time(at: DateTime<Utc>) -> SystemTime {
    let secs = at.timestamp();
    let nanos = Duration::from_nanos(u64::from(at.timestamp_subsec_nanos()));
    let whole = Duration::from_secs(secs.unsigned_abs());
    let base = if secs >= 0 {
        UNIX_EPOCH.checked_add(whole)
    } else {
        UNIX_EPOCH.checked_sub(whole)
    };
    base.and_then(|t| t.checked_add(nanos))
        .unwrap_or(UNIX_EPOCH)
}

/// An optional core timestamp as an optional `SystemTime`.
pub(crate) fn system_time_opt(at: Option<DateTime<Utc>>) -> Option<SystemTime> {
    at.map(system_time)
}

/// A host timestamp as a core UTC time; a validation error naming `field` when
/// it lies outside the range the core can represent.
pub(crate) fn utc(field: &str, at: SystemTime) -> Result<DateTime<Utc>, BrandrailError> {
    let converted = match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs())
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, after.subsec_nanos())),
        Err(before) => {
            let before = before.duration();
            i64::try_from(before.as_secs())
                .ok()
                .and_then(|secs| DateTime::from_timestamp(-secs, 0))
                .and_then(|t| {
                    t.checked_sub_signed(TimeDelta::nanoseconds(i64::from(before.subsec_nanos())))
                })
        }
    };
    converted.ok_or_else(|| {
        brandrail::Error::Validation {
            field: field.to_owned(),
            message: "is outside the supported time range".to_owned(),
        }
        .into()
    })
}

/// Every item converted with `From`: records out of the core, inputs into it.
pub(crate) fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

/// An optional host timestamp as an optional core UTC time.
pub(crate) fn utc_opt(
    field: &str,
    at: Option<SystemTime>,
) -> Result<Option<DateTime<Utc>>, BrandrailError> {
    at.map(|t| utc(field, t)).transpose()
}

/// A host calendar day, `YYYY-MM-DD` exactly (four-digit year, two-digit
/// month and day, ASCII digits), as a core date; a validation error naming
/// `field` otherwise. The message never quotes the value.
pub(crate) fn date(field: &str, text: &str) -> Result<NaiveDate, BrandrailError> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            brandrail::Error::Validation {
                field: field.to_owned(),
                message: "must be a calendar date written YYYY-MM-DD".to_owned(),
            }
            .into()
        })
}

/// A core calendar day as `YYYY-MM-DD`.
pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A validation error naming `field` unless every day of `days` has a
/// four-digit year, so that it crosses back as `YYYY-MM-DD`.
pub(crate) fn four_digit_years(field: &str, days: &[NaiveDate]) -> Result<(), BrandrailError> {
    if days.iter().all(|d| (0..=9999).contains(&d.year())) {
        return Ok(());
    }
    Err(brandrail::Error::Validation {
        field: field.to_owned(),
        message: "reaches beyond the years 0000-9999".to_owned(),
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_yyyy_mm_dd() {
        let d = date("from", "2026-11-04").unwrap();
        assert_eq!(date_text(d), "2026-11-04");
        assert_eq!(date_text(date("from", "0000-01-01").unwrap()), "0000-01-01");
        assert_eq!(date_text(date("from", "9999-12-31").unwrap()), "9999-12-31");
        for bad in [
            "",
            "2026-1-04",
            "2026-11-4",
            "26-11-04",
            "+2026-11-04",
            "2026/11/04",
            "2026-02-30",
            "2026-13-01",
            "2026-11-04 ",
            " 2026-11-04",
            "2026-11-04T00:00:00Z",
            "２０２６-11-04",
            "2026-11-0\u{0}",
            "2026\u{202E}-1-04",
            "20261104",
        ] {
            match date("from", bad) {
                Err(BrandrailError::Validation { field, detail }) => {
                    assert_eq!(field, "from");
                    assert!(!bad.is_empty() || detail.contains("YYYY-MM-DD"));
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn days_past_year_9999_do_not_cross() {
        let last = date("d", "9999-12-31").unwrap();
        assert!(four_digit_years("date", &[last]).is_ok());
        let next = last.succ_opt().unwrap();
        assert_eq!(
            four_digit_years("date", &[last, next]).unwrap_err().code(),
            "validation"
        );
    }

    #[test]
    fn times_round_trip_both_sides_of_the_epoch() {
        for text in [
            "2026-01-10T08:00:00.123456789Z",
            "1969-07-20T20:17:40.5Z",
            "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
        ] {
            let at: DateTime<Utc> = text.parse().unwrap();
            assert_eq!(utc("at", system_time(at)).unwrap(), at, "{text}");
        }
    }

    #[test]
    fn a_time_beyond_the_core_range_is_a_validation_error() {
        let far = UNIX_EPOCH + Duration::from_secs(400_000 * 366 * 86_400);
        let err = utc("as_of", far).unwrap_err();
        assert_eq!(err.code(), "validation");
    }
}
