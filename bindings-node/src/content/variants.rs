//! Title and copy A/B variants (core's `content::variants`, CON-8):
//! `addVariant`, `recordVariantResults` and `contentVariants` on an engine,
//! and the module-level `variantStyleOf`.
//!
//! Impressions and clicks are counters: given as a JS number (a safe
//! integer) or a `BigInt`, never negative; returned as numbers, exact up to
//! `Number.MAX_SAFE_INTEGER`.

use brandrail::content::VariantStyle;
use napi::Env;
use napi_derive::napi;

use crate::convert::{Count, Date, all, number, parse, whole};
use crate::engine::Engine;
use crate::error::{JsField, OrThrow};

/// A variant to record, for `addVariant`.
#[napi(object, object_to_js = false)]
pub struct NewVariant {
    /// What it replaces: the title, or (part of) the copy.
    #[napi(ts_type = "'title' | 'copy'")]
    pub kind: String,
    /// The text: a title variant is display text (1–200 characters, no
    /// control or invisible characters); copy follows the body's limits.
    pub text: String,
    /// How it is written; detected from the text when left out (see
    /// `variantStyleOf`).
    #[napi(ts_type = "'number' | 'question' | 'plain'")]
    pub style: Option<String>,
}

impl NewVariant {
    fn into_core(self) -> brandrail::Result<brandrail::content::NewVariant> {
        Ok(brandrail::content::NewVariant {
            kind: parse("kind", &self.kind)?,
            text: self.text,
            style: self
                .style
                .as_deref()
                .map(|s| parse("style", s))
                .transpose()?,
        })
    }
}

/// A recorded A/B variant of an item's title or copy.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ContentVariant {
    /// Identifier (a safe integer), for `recordVariantResults`.
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// Title or copy.
    #[napi(ts_type = "'title' | 'copy'")]
    pub kind: String,
    /// Number-style (`'3 个理由…'`), question-style (`'为什么…？'`) or plain.
    #[napi(ts_type = "'number' | 'question' | 'plain'")]
    pub style: String,
    /// `'A'`, `'B'`, … in order of recording, per kind.
    pub label: String,
    /// The text.
    pub text: String,
    /// Handle of who recorded it.
    pub created_by: String,
    /// When.
    pub created_at: Date,
    /// Impressions reported so far.
    pub impressions: f64,
    /// Clicks reported so far (never more than the impressions).
    pub clicks: f64,
    /// Clicks per impression, or `null` before any impression.
    pub click_rate: Option<f64>,
}

impl From<brandrail::content::ContentVariant> for ContentVariant {
    fn from(v: brandrail::content::ContentVariant) -> Self {
        ContentVariant {
            click_rate: v.click_rate(),
            id: v.id,
            item_id: v.item_id,
            kind: v.kind.as_str().to_owned(),
            style: v.style.as_str().to_owned(),
            label: v.label,
            text: v.text,
            created_by: v.created_by,
            created_at: v.created_at.into(),
            impressions: number(v.impressions),
            clicks: number(v.clicks),
        }
    }
}

/// The style a text is written in, as `addVariant` detects it: `'question'`
/// when it ends with a question mark (`?`, `？`) or particle (`吗`, `呢`),
/// else `'number'` when it holds a digit (ASCII, full-width, or a Chinese
/// numeral up to 十), else `'plain'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(
    strict,
    catch_unwind,
    ts_return_type = "'number' | 'question' | 'plain'"
)]
pub fn variant_style_of(text: String) -> &'static str {
    VariantStyle::of(&text).as_str()
}

#[napi]
impl Engine {
    /// Record an A/B variant of item `itemId`'s title or copy (CON-8; needs
    /// `content.edit`), labelled `'A'`, `'B'`, … per kind. Throws
    /// `'policy_violation'` (rule `'CON-3'`) when the compliance checker
    /// finds anything that blocks in the text, `'conflict'` once the item is
    /// published (or at 26 variants of a kind), `'not_found'` for an unknown
    /// item.
    #[napi(strict, catch_unwind)]
    pub fn add_variant(
        &self,
        env: &Env,
        actor: String,
        item_id: f64,
        variant: NewVariant,
    ) -> napi::Result<ContentVariant> {
        whole("itemId", item_id)
            .and_then(|id| Ok((id, variant.into_core()?)))
            .and_then(|(id, v)| self.inner.add_variant(&actor, id, v))
            .js_field()
            .map(ContentVariant::from)
            .or_throw(env)
    }

    /// Add reported `impressions` and `clicks` to variant `variantId` (needs
    /// `metrics.ingest`). Each is a whole number or a `BigInt`, not negative;
    /// anything else throws `'validation'` naming it, as does a total where
    /// clicks would exceed impressions or out of range.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, variantId: number, impressions: number | bigint, clicks: number | bigint"
    )]
    pub fn record_variant_results(
        &self,
        env: &Env,
        actor: String,
        variant_id: f64,
        impressions: Count,
        clicks: Count,
    ) -> napi::Result<ContentVariant> {
        whole("variantId", variant_id)
            .and_then(|id| {
                let impressions = impressions.to_u64("impressions")?;
                let clicks = clicks.to_u64("clicks")?;
                self.inner
                    .record_variant_results(&actor, id, impressions, clicks)
            })
            .map(ContentVariant::from)
            .or_throw(env)
    }

    /// The variants of item `itemId`, in the order they were recorded;
    /// throws `'not_found'` for an unknown item. Reads only; needs no
    /// principal.
    #[napi(strict, catch_unwind)]
    pub fn content_variants(&self, env: &Env, item_id: f64) -> napi::Result<Vec<ContentVariant>> {
        whole("itemId", item_id)
            .and_then(|id| self.inner.content_variants(id))
            .map(all)
            .or_throw(env)
    }
}
