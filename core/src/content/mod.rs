//! Content (CON-1..CON-8):
//! - `compliance/` — the Advertising-Law checker (CON-3), usable without an engine;
//! - `items.rs` — items, versions and their lifecycle (CON-1, CON-2), derivatives (CON-8);
//! - `checklist.rs` — the pre-publish checklist (CON-4, CON-5), the gate of review,
//!   scheduling and publication;
//! - `assets.rs` — the asset library with UGC authorization and confidentiality
//!   labels (CON-6);
//! - `plan.rs` — the publishing plan, cadence caps, hot dates and themes (CON-7, CON-8);
//! - `variants.rs` — title and copy A/B variants (CON-8).

mod assets;
mod checklist;
pub mod compliance;
mod items;
mod plan;
mod variants;

pub use assets::{
    Asset, AssetFilter, AssetKind, AssetSource, AssetState, Confidentiality, NewAsset,
    UgcAuthorization,
};
pub use checklist::{CheckKind, ChecklistIssue, ChecklistReport, REQUIRED_FIELD_NAMES};
pub(crate) use items::on_review;
pub use items::{
    ContentDraft, ContentItem, ContentKind, ContentState, ContentVersion, NewContent,
    VersionDetails,
};
pub use plan::{
    HotDateOn, HotDateRule, NewTheme, PlanEntry, PlanIssue, PlanIssueKind, PublishingPlan, Theme,
    quarter, week_of,
};
pub use variants::{ContentVariant, NewVariant, VariantKind, VariantStyle};
