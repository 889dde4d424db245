//! Content (CON-1..CON-8). This module grows with the content issue; today it
//! holds the compliance checker (CON-3, `compliance`) and content items with
//! their versions and lifecycle (CON-1, CON-2, `items.rs`).

pub mod compliance;
mod items;

pub(crate) use items::on_review;
pub use items::{ContentItem, ContentKind, ContentState, ContentVersion, NewContent};
