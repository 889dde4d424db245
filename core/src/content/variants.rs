//! Title and copy A/B variants recorded on an item (CON-8): number-style
//! ("3 个理由…") versus question-style ("为什么…？") titles, and copy
//! variants, each checked by the compliance scanner before it is recorded,
//! with the impressions and clicks each variant earned.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::compliance::Scanner;
use super::items::{ContentState, load as load_item, validate_body};
use crate::access::{Permission, named_enum};
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::policy::Severity;
use crate::{Attempt, Engine, store, validate};

/// Most variants of one kind on one item.
const MAX_VARIANTS: usize = 26;

named_enum! {
    /// What a variant replaces.
    VariantKind, "kind" {
        /// The title.
        Title => "title",
        /// The copy (body or a part of it).
        Copy => "copy",
    }
}

named_enum! {
    /// How a variant is written (CON-8).
    VariantStyle, "style" {
        /// Leads with a number ("3 个理由", "TOP 5").
        Number => "number",
        /// Asks a question ("为什么…？").
        Question => "question",
        /// Neither.
        Plain => "plain",
    }
}

impl VariantStyle {
    /// The style a text is written in: a question when it ends with a
    /// question mark or a question particle, else a number when it holds a
    /// digit (ASCII, full-width or Chinese numerals up to 十), else plain.
    pub fn of(text: &str) -> VariantStyle {
        let t = text.trim_end();
        if t.ends_with(['?', '？']) || t.ends_with('吗') || t.ends_with('呢') {
            VariantStyle::Question
        } else if t
            .chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            || t.chars().any(|c| "一二三四五六七八九十".contains(c))
        {
            VariantStyle::Number
        } else {
            VariantStyle::Plain
        }
    }
}

/// A recorded variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentVariant {
    /// Identifier.
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// Title or copy.
    pub kind: VariantKind,
    /// Number, question or plain.
    pub style: VariantStyle,
    /// `A`, `B`, … in order of recording, per kind.
    pub label: String,
    /// The text.
    pub text: String,
    /// Who recorded it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Impressions reported so far.
    pub impressions: u64,
    /// Clicks reported so far.
    pub clicks: u64,
}

impl ContentVariant {
    /// Clicks per impression, once there are impressions.
    pub fn click_rate(&self) -> Option<f64> {
        (self.impressions > 0).then(|| self.clicks as f64 / self.impressions as f64)
    }
}

/// Input for a variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVariant {
    /// Title or copy.
    pub kind: VariantKind,
    /// The text.
    pub text: String,
    /// The style; detected from the text when `None`.
    pub style: Option<VariantStyle>,
}

impl Engine {
    /// Record an A/B variant on an item (CON-8; needs `content.edit`). A title
    /// variant is display text (≤ 200 characters); copy follows the body's
    /// limits. Refused with `policy_violation` (CON-3) when the compliance
    /// checker finds anything that blocks, and once the item is published.
    pub fn add_variant(
        &self,
        actor: &str,
        item_id: i64,
        input: NewVariant,
    ) -> Result<ContentVariant> {
        let scanner: std::sync::Arc<Scanner> = self.scanner()?;
        let target = item_id.to_string();
        self.mutate(
            actor,
            Permission::ContentEdit,
            Attempt::new("content.variant", "content", &target),
            |ctx| {
                match input.kind {
                    VariantKind::Title => validate::display_text("text", &input.text)?,
                    VariantKind::Copy => validate_body("text", &input.text)?,
                }
                let item = load_item(ctx, item_id)?;
                if matches!(
                    item.state,
                    ContentState::Published | ContentState::Retrospective
                ) {
                    return Err(Error::conflict(
                        "content",
                        target.clone(),
                        format!("is {}; variants are tested before publication", item.state),
                    ));
                }
                let blocking = scanner
                    .check(&input.text)
                    .iter()
                    .filter(|f| f.severity == Severity::Block)
                    .count();
                if blocking > 0 {
                    return Err(Error::PolicyViolation {
                        rule: "CON-3",
                        message: format!("the variant has {blocking} blocking compliance findings"),
                    });
                }
                let existing = store::content::variants(ctx.tx, item_id)?
                    .into_iter()
                    .filter(|v| v.kind == input.kind)
                    .count();
                if existing >= MAX_VARIANTS {
                    return Err(Error::conflict(
                        "content",
                        target.clone(),
                        format!("already has {MAX_VARIANTS} {} variants", input.kind),
                    ));
                }
                let label = char::from(b'A' + u8::try_from(existing).unwrap_or(25)).to_string();
                let mut v = ContentVariant {
                    id: 0,
                    item_id,
                    kind: input.kind,
                    style: input.style.unwrap_or_else(|| VariantStyle::of(&input.text)),
                    label,
                    text: input.text.clone(),
                    created_by: ctx.actor.handle.clone(),
                    created_at: ctx.now,
                    impressions: 0,
                    clicks: 0,
                };
                v.id = store::content::insert_variant(ctx.tx, &v)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "content.variant", "content", &target)
                        .after(&v)
                        .with_detail(format!(
                            "variant={} kind={} style={}",
                            v.label, v.kind, v.style
                        )),
                )?;
                Ok(v)
            },
        )
    }

    /// Add reported impressions and clicks to a variant (needs
    /// `metrics.ingest`); clicks never exceed impressions.
    pub fn record_variant_results(
        &self,
        actor: &str,
        variant_id: i64,
        impressions: u64,
        clicks: u64,
    ) -> Result<ContentVariant> {
        let target = variant_id.to_string();
        self.mutate(
            actor,
            Permission::MetricsIngest,
            Attempt::new("content.variant_results", "variant", &target),
            |ctx| {
                let before = store::content::variant(ctx.tx, variant_id)?
                    .ok_or_else(|| Error::not_found("variant", target.clone()))?;
                let mut after = before.clone();
                const LIMIT: u64 = i64::MAX as u64;
                after.impressions = before
                    .impressions
                    .checked_add(impressions)
                    .filter(|n| *n <= LIMIT)
                    .ok_or_else(|| Error::validation("impressions", "the total is out of range"))?;
                after.clicks = before
                    .clicks
                    .checked_add(clicks)
                    .filter(|n| *n <= LIMIT)
                    .ok_or_else(|| Error::validation("clicks", "the total is out of range"))?;
                if after.clicks > after.impressions {
                    return Err(Error::validation(
                        "clicks",
                        format!(
                            "{} clicks would exceed {} impressions",
                            after.clicks, after.impressions
                        ),
                    ));
                }
                store::content::update_variant_results(ctx.tx, &after)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "content.variant_results",
                        "variant",
                        &target,
                    )
                    .before(&before)
                    .after(&after)
                    .with_detail(format!("+{impressions} impressions +{clicks} clicks")),
                )?;
                Ok(after)
            },
        )
    }

    /// The variants of an item, in the order they were recorded.
    pub fn content_variants(&self, item_id: i64) -> Result<Vec<ContentVariant>> {
        self.read(|tx, _| {
            if store::content::item(tx, item_id)?.is_none() {
                return Err(Error::not_found("content", item_id.to_string()));
            }
            store::content::variants(tx, item_id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::VariantStyle;

    #[test]
    fn styles() {
        assert_eq!(
            VariantStyle::of("3 个理由让你爱上早餐"),
            VariantStyle::Number
        );
        assert_eq!(VariantStyle::of("５分钟搞定早餐"), VariantStyle::Number);
        assert_eq!(VariantStyle::of("三分钟早餐"), VariantStyle::Number);
        assert_eq!(
            VariantStyle::of("为什么 3 分钟就够？"),
            VariantStyle::Question
        );
        assert_eq!(VariantStyle::of("你吃早餐了吗"), VariantStyle::Question);
        assert_eq!(VariantStyle::of("Why breakfast? "), VariantStyle::Question);
        assert_eq!(VariantStyle::of("秋日早餐指南"), VariantStyle::Plain);
    }
}
