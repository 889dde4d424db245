//! The compliance checker (CON-3, core's `content::compliance`): the
//! module-level `checkText`, `checkTexts` and `checkTextsAsync` (the shipped
//! term pack, no database), the same three on an `Engine` (its policy's
//! company terms and exceptions), and the `Finding` they return.
//!
//! Offsets. Core reports every span twice: in Unicode scalar values and in
//! UTF-16 code units. A JS string is indexed in UTF-16 code units, so `start`
//! and `end` are core's UTF-16 offsets (`text.slice(f.start, f.end) ===
//! f.matched`), and `codePointStart` / `codePointEnd` its scalar offsets
//! (indexes into `Array.from(text)`).
//!
//! Texts cross as UTF-16, exactly as JS holds them. A JS string may hold a
//! lone surrogate (an emoji cut in half by `slice`); core reads it as U+FFFD,
//! which is also one scalar and one UTF-16 unit, so no offset moves, and
//! `matched` is cut from the JS string's own code units, so it is the span as
//! written even then.
//!
//! As in core, the rest of content lives beside: items, their versions,
//! lifecycle and derivatives (CON-1, CON-2, CON-8) in `content/items.rs`; the
//! pre-publish checklist (CON-4, CON-5) in `content/checklist.rs`; the asset
//! library (CON-6) in `content/assets.rs`; the publishing plan, hot dates and
//! themes (CON-7, CON-8) in `content/plan.rs`; A/B variants (CON-8) in
//! `content/variants.rs`.

mod assets;
mod checklist;
mod items;
mod plan;
mod variants;

use brandrail::content::compliance;
use brandrail::policy::Severity;
use napi::bindgen_prelude::{
    Array, AsyncTask, FromNapiValue, TypeName, Unknown, Utf16String, ValidateNapiValue,
};
use napi::{Env, JsValue, Status, ValueType, check_status, sys};
use napi_derive::napi;

use crate::convert::{number, type_name};
use crate::engine::{Background, Engine};
use crate::error::OrThrow;

/// One thing the compliance checker found in a text: what would get the copy
/// fined (or must not be published), where, why, and what to write instead.
#[napi(object, object_from_js = false)]
pub struct Finding {
    /// Stable id of the rule: the term's id in the shipped pack (`'ABS-001'`),
    /// `'PII-PHONE'`, `'PII-ID'`, `'PII-EMAIL'`, `'PII-CARD'`, `'PLACEHOLDER'`,
    /// or `'CUSTOM-n'` for the n-th of the policy's `compliance.custom_terms`.
    pub rule_id: String,
    /// Category id: `'absolute'`, `'authority'`, `'medical'`, `'health_food'`,
    /// `'cosmetics'`, `'finance_guarantee'`, `'education_guarantee'`, …,
    /// `'personal_data'`, `'placeholder'`, or a company term's own category.
    pub category: String,
    /// `'block'` stops publication; `'warn'` needs a human look.
    #[napi(ts_type = "'block' | 'warn'")]
    pub severity: String,
    /// The canonical term (simplified Chinese, e.g. `'国家级'` for a match on
    /// `'國家級'`), or the kind of personal data or placeholder.
    pub term: String,
    /// The span of the text that matched, as written (evasions included:
    /// `'最\u200b佳'`, `'ＮＯ．１'`). Always `text.slice(start, end)`.
    pub matched: Utf16String,
    /// Start of the match in the JS string (UTF-16 code units), for
    /// `text.slice`, `setSelectionRange` and editor ranges.
    pub start: f64,
    /// End (exclusive) of the match in the JS string (UTF-16 code units).
    pub end: f64,
    /// Start in Unicode code points (an index into `Array.from(text)`), as
    /// the Python and Rust APIs count.
    pub code_point_start: f64,
    /// End (exclusive) in Unicode code points.
    pub code_point_end: f64,
    /// The law or rule, e.g. `'《广告法》第九条第（三）项…'`.
    pub legal_basis: String,
    /// What to write instead.
    pub suggestion: String,
}

impl Finding {
    /// Core's finding in `text`, with `matched` cut from the JS code units.
    fn new(f: compliance::Finding, text: &Text) -> Finding {
        let matched = text
            .units
            .get(f.utf16_start..f.utf16_end)
            .map_or_else(|| f.matched.encode_utf16().collect(), <[u16]>::to_vec);
        Finding::with_matched(f, matched)
    }

    /// Core's finding in a text core holds (a stored version), which is valid
    /// UTF-8 throughout: its `matched` is the span as written.
    fn stored(f: compliance::Finding) -> Finding {
        let matched = f.matched.encode_utf16().collect();
        Finding::with_matched(f, matched)
    }

    fn with_matched(f: compliance::Finding, matched: Vec<u16>) -> Finding {
        Finding {
            rule_id: f.rule_id,
            category: f.category,
            severity: severity(f.severity).to_owned(),
            term: f.term,
            matched: matched.into(),
            start: number(f.utf16_start as u64),
            end: number(f.utf16_end as u64),
            code_point_start: number(f.start as u64),
            code_point_end: number(f.end as u64),
            legal_basis: f.legal_basis,
            suggestion: f.suggestion,
        }
    }

    /// Core's findings for each of `texts`, in order.
    fn all(found: Vec<Vec<compliance::Finding>>, texts: &[Text]) -> Vec<Vec<Finding>> {
        found
            .into_iter()
            .zip(texts)
            .map(|(found, text)| found.into_iter().map(|f| Finding::new(f, text)).collect())
            .collect()
    }
}

/// Core's severity as its policy-document name.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Block => "block",
        Severity::Warn => "warn",
    }
}

/// A JS string argument: its UTF-16 code units as written, and the same text
/// as UTF-8 for core (a lone surrogate as U+FFFD). Anything but a string
/// throws `'StringExpected'` naming what was passed instead.
pub struct Text {
    units: Vec<u16>,
    text: String,
}

impl Text {
    /// `value`, which must be a string; `at` names it in the error.
    ///
    /// # Safety
    /// `env` and `value` must be live handles of the current call.
    unsafe fn read(env: sys::napi_env, value: sys::napi_value, at: &str) -> napi::Result<Text> {
        // SAFETY: the caller's handles.
        let kind = unsafe { Unknown::from_napi_value(env, value) }?.get_type()?;
        if kind != ValueType::String {
            return Err(napi::Error::new(
                Status::StringExpected,
                format!("{at}expected a string, got {}", type_name(kind)),
            ));
        }
        let mut len = 0usize;
        // SAFETY: a null buffer asks for the length only.
        check_status!(unsafe {
            sys::napi_get_value_string_utf16(env, value, std::ptr::null_mut(), 0, &mut len)
        })?;
        // Room for the terminating NUL napi writes; the text itself may hold
        // NULs, so the written count, not the terminator, ends it.
        let mut units = vec![0u16; len + 1];
        let mut written = 0usize;
        // SAFETY: `units` has `len + 1` writable code units.
        check_status!(unsafe {
            sys::napi_get_value_string_utf16(
                env,
                value,
                units.as_mut_ptr(),
                units.len(),
                &mut written,
            )
        })?;
        units.truncate(written);
        let text = String::from_utf16_lossy(&units);
        Ok(Text { units, text })
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "string"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Text {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `read` checks the type and says what was passed instead.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        unsafe { Text::read(env, value, "text: ") }
    }
}

/// A JS array of strings, the batch argument. Not an array throws
/// `'ArrayExpected'`; an element that is not a string (a hole included)
/// throws `'StringExpected'` naming its index.
pub struct Texts(Vec<Text>);

impl Texts {
    /// The texts for core.
    fn strs(&self) -> Vec<&str> {
        self.0.iter().map(|t| t.text.as_str()).collect()
    }
}

impl TypeName for Texts {
    fn type_name() -> &'static str {
        "Array<string>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Texts {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `from_napi_value` checks the shape and names a bad element.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for Texts {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        let unknown = unsafe { Unknown::from_napi_value(env, value) }?;
        if !unknown.is_array()? {
            return Err(napi::Error::new(
                Status::ArrayExpected,
                format!(
                    "texts: expected an array of strings, got {}",
                    type_name(unknown.get_type()?)
                ),
            ));
        }
        // SAFETY: as above; checked to be an array.
        let array = unsafe { Array::from_napi_value(env, value) }?;
        // No capacity from `length`: a sparse `new Array(2 ** 32 - 1)` must
        // fail at its first hole, not allocate for four billion texts.
        let mut texts = Vec::new();
        for i in 0..array.len() {
            let at = format!("texts[{i}]: ");
            let element = array.get::<Unknown>(i)?.ok_or_else(|| {
                napi::Error::new(Status::StringExpected, format!("{at}is missing"))
            })?;
            // SAFETY: the element is a live value of this env.
            texts.push(unsafe { Text::read(env, element.raw(), &at) }?);
        }
        Ok(Texts(texts))
    }
}

/// Version of the term pack compiled into this build (e.g. `'2026.1'`): record
/// it next to stored check results to know which pack judged them.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi]
pub fn term_pack_version() -> String {
    compliance::Scanner::shipped().pack_version().to_owned()
}

/// Check `text` with the shipped term pack and the default settings (no
/// database, no company terms): absolute and superlative claims, medical,
/// financial and educational guarantees, false scarcity and urgency, and the
/// other Advertising-Law categories; unmasked personal data (phone, ID-card,
/// bank-card numbers, emails); placeholders (`[具体…]`, `TODO`, `XXX`).
/// Evasions still match: full-width forms, spaces, punctuation, emoji or
/// zero-width characters between the characters of a term, traditional
/// characters. Ordinary words (`最近`, `最后`, `第一次`, `第一季度`, …) do not
/// fire. Findings come in text order, with offsets into `text` as JS indexes
/// it: `text.slice(f.start, f.end) === f.matched`.
///
/// ```js
/// const { checkText } = require('brandrail')
/// checkText('本品是同类产品中的最佳选择')[0] // { ruleId: 'ABS-001', term: '最佳', start: 9, end: 11, … }
/// ```
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_args_type = "text: string")]
pub fn check_text(text: Text) -> Vec<Finding> {
    compliance::check_text(&text.text)
        .into_iter()
        .map(|f| Finding::new(f, &text))
        .collect()
}

/// `checkText` for many texts in one call: one array of findings per text,
/// in the order given. A value in `texts` that is not a string throws
/// `'StringExpected'` naming its index, and nothing is checked.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_args_type = "texts: Array<string>")]
pub fn check_texts(texts: Texts) -> Vec<Vec<Finding>> {
    Finding::all(compliance::check_texts(&texts.strs()), &texts.0)
}

/// `checkTexts` off the JS thread (on the libuv thread pool), for large
/// batches: the event loop keeps running while they are checked. The
/// texts are copied when called, so changing the array afterwards changes
/// nothing.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(
    strict,
    catch_unwind,
    ts_args_type = "texts: Array<string>",
    ts_return_type = "Promise<Array<Array<Finding>>>"
)]
pub fn check_texts_async(texts: Texts) -> AsyncTask<Background<Vec<Vec<Finding>>>> {
    AsyncTask::new(Background::new(move || {
        Ok(Finding::all(
            compliance::check_texts(&texts.strs()),
            &texts.0,
        ))
    }))
}

#[napi]
impl Engine {
    /// As the module-level `checkText`, with the policy in force: its
    /// `compliance.custom_terms` (rule ids `'CUSTOM-n'`) and
    /// `custom_exceptions` apply, and `block_placeholders` /
    /// `require_masked_personal_data` turn those checks on or off. Reads
    /// only; needs no principal.
    #[napi(strict, catch_unwind, ts_args_type = "text: string")]
    pub fn check_text(&self, env: &Env, text: Text) -> napi::Result<Vec<Finding>> {
        self.inner
            .check_text(&text.text)
            .map(|found| found.into_iter().map(|f| Finding::new(f, &text)).collect())
            .or_throw(env)
    }

    /// `checkText` with the policy in force for many texts in one call: one
    /// array of findings per text, in the order given.
    #[napi(strict, catch_unwind, ts_args_type = "texts: Array<string>")]
    pub fn check_texts(&self, env: &Env, texts: Texts) -> napi::Result<Vec<Vec<Finding>>> {
        self.inner
            .check_texts(&texts.strs())
            .map(|found| Finding::all(found, &texts.0))
            .or_throw(env)
    }

    /// `checkTexts` with the policy in force, off the JS thread, for large
    /// batches. Engine errors reject the promise.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "texts: Array<string>",
        ts_return_type = "Promise<Array<Array<Finding>>>"
    )]
    pub fn check_texts_async(&self, texts: Texts) -> AsyncTask<Background<Vec<Vec<Finding>>>> {
        AsyncTask::new(self.background(move |engine| {
            engine
                .check_texts(&texts.strs())
                .map(|found| Finding::all(found, &texts.0))
        }))
    }
}
