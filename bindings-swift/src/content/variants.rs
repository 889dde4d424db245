//! Title and copy A/B variants recorded on an item (CON-8): number-style
//! ("3 个理由…") versus question-style ("为什么…？") titles, and copy variants,
//! each checked by the compliance checker before it is recorded, with the
//! impressions and clicks each earned.

use std::time::SystemTime;

use brandrail::content as core;

use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time};

mirror_enum! {
    /// What a variant replaces.
    VariantKind => brandrail::content::VariantKind {
        /// `title`: the title.
        Title,
        /// `copy`: the copy (the body or a part of it).
        Copy,
    }
    /// The variant kind with this stable name (`title`, `copy`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_variant_kind;
}

mirror_enum! {
    /// How a variant is written (CON-8).
    VariantStyle => brandrail::content::VariantStyle {
        /// `number`: leads with a number ("3 个理由", "TOP 5").
        Number,
        /// `question`: asks a question ("为什么…？").
        Question,
        /// `plain`: neither.
        Plain,
    }
    /// The variant style with this stable name (`number`, `question`,
    /// `plain`); a `Validation` error listing the valid names otherwise.
    fn parse_variant_style;
}

/// The style `text` is written in, as `addVariant` detects it when no style is
/// given: `question` when it ends with a question mark (`?`, `？`) or the
/// particle 吗 / 呢, else `number` when it holds a digit (ASCII, full-width,
/// or a Chinese numeral up to 十), else `plain`. Needs no engine.
#[uniffi::export]
pub fn variant_style_of(text: &str) -> VariantStyle {
    core::VariantStyle::of(text).into()
}

/// A recorded variant.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContentVariant {
    /// Identifier (for `recordVariantResults`).
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// Title or copy.
    pub kind: VariantKind,
    /// Number, question or plain.
    pub style: VariantStyle,
    /// `A`, `B`, … in the order recorded, per kind.
    pub label: String,
    /// The text.
    pub text: String,
    /// Handle of who recorded it.
    pub created_by: String,
    /// When it was recorded.
    pub created_at: SystemTime,
    /// Impressions reported so far.
    pub impressions: u64,
    /// Clicks reported so far (never more than `impressions`).
    pub clicks: u64,
    /// Clicks per impression (`clicks / impressions`), once there are
    /// impressions; `nil`/`null` before.
    pub click_rate: Option<f64>,
}

impl From<core::ContentVariant> for ContentVariant {
    fn from(v: core::ContentVariant) -> Self {
        let click_rate = v.click_rate();
        Self {
            id: v.id,
            item_id: v.item_id,
            kind: v.kind.into(),
            style: v.style.into(),
            label: v.label,
            text: v.text,
            created_by: v.created_by,
            created_at: system_time(v.created_at),
            impressions: v.impressions,
            clicks: v.clicks,
            click_rate,
        }
    }
}

/// Input for `addVariant`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewVariant {
    /// Title or copy.
    pub kind: VariantKind,
    /// The text: a title variant is display text (1–200 characters, no
    /// control or invisible characters); copy follows the body's limits
    /// (1 byte to 1 MiB, newlines and tabs allowed).
    pub text: String,
    /// The style; default `nil`/`null`: detected from the text
    /// (`variantStyleOf(text:)`).
    #[uniffi(default)]
    pub style: Option<VariantStyle>,
}

impl From<NewVariant> for core::NewVariant {
    fn from(v: NewVariant) -> Self {
        Self {
            kind: v.kind.into(),
            text: v.text,
            style: v.style.map(Into::into),
        }
    }
}

#[uniffi::export]
impl Engine {
    /// Record an A/B variant on item `itemId` (CON-8; needs `content.edit`),
    /// labelled `A`, `B`, … per kind (at most 26 of a kind). `PolicyViolation`
    /// (rule `CON-3`) when the compliance checker finds anything that blocks
    /// in the text; `Conflict` once the item is published, or with 26
    /// variants of the kind already; `Validation` (field `text`) for bad text;
    /// `NotFound` for an unknown item.
    pub fn add_variant(
        &self,
        actor: &str,
        item_id: i64,
        input: NewVariant,
    ) -> Result<ContentVariant, BrandrailError> {
        Ok(self
            .core()
            .add_variant(actor, item_id, input.into())?
            .into())
    }

    /// Add reported `impressions` and `clicks` to variant `variantId` (needs
    /// `metrics.ingest`). `Validation` naming `clicks` when the clicks would
    /// exceed the impressions, and `impressions` / `clicks` when a total would
    /// pass 2^63 - 1; `NotFound` (entity `variant`) for an unknown variant.
    pub fn record_variant_results(
        &self,
        actor: &str,
        variant_id: i64,
        impressions: u64,
        clicks: u64,
    ) -> Result<ContentVariant, BrandrailError> {
        Ok(self
            .core()
            .record_variant_results(actor, variant_id, impressions, clicks)?
            .into())
    }

    /// The variants of item `itemId`, in the order recorded; `NotFound` if
    /// there is no such item. Reads only.
    pub fn content_variants(&self, item_id: i64) -> Result<Vec<ContentVariant>, BrandrailError> {
        Ok(all(self.core().content_variants(item_id)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_enums_and_styles_are_the_cores() {
        for core in core::VariantKind::ALL {
            assert_eq!(VariantKind::from(*core).as_str(), core.as_str());
            assert_eq!(parse_variant_kind(core.as_str()).unwrap(), (*core).into());
        }
        for core in core::VariantStyle::ALL {
            assert_eq!(VariantStyle::from(*core).as_str(), core.as_str());
            assert_eq!(parse_variant_style(core.as_str()).unwrap(), (*core).into());
        }
        assert_eq!(
            variant_style_of("为什么早餐只要 3 分钟？"),
            VariantStyle::Question
        );
        assert_eq!(variant_style_of("3 个理由"), VariantStyle::Number);
        assert_eq!(variant_style_of("秋日早餐指南"), VariantStyle::Plain);
    }
}
