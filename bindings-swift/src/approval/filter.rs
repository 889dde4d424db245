//! Which approvals `Engine.approvals(filter:)` lists: "my requests", every
//! rejected one, one workflow's backlog, page by page.

use super::ApprovalState;

/// Filters for `approvals(filter:)`. Every field defaults to "any"; all set
/// filters must match. Results come newest first (highest id first).
///
/// A submitter or workflow that does not exist simply matches nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ApprovalFilter {
    /// Only approvals this principal submitted.
    #[uniffi(default)]
    pub submitter: Option<String>,
    /// Only approvals in this state.
    #[uniffi(default)]
    pub state: Option<ApprovalState>,
    /// Only approvals of this workflow.
    #[uniffi(default)]
    pub workflow: Option<String>,
    /// Only approvals with a smaller id: pass the last id of a page to get
    /// the next (older) one.
    #[uniffi(default)]
    pub before_id: Option<i64>,
    /// At most this many (default 100; larger values are capped at 10 000).
    /// `0` is a `Validation` error naming `limit`.
    #[uniffi(default)]
    pub limit: Option<u32>,
}

impl From<ApprovalFilter> for brandrail::ApprovalFilter {
    fn from(f: ApprovalFilter) -> Self {
        Self {
            submitter: f.submitter,
            state: f.state.map(Into::into),
            workflow: f.workflow,
            before_id: f.before_id,
            limit: f.limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reaches_the_core() {
        let filter = ApprovalFilter {
            submitter: Some("li.na".into()),
            state: Some(ApprovalState::Rejected),
            workflow: Some("content_review".into()),
            before_id: Some(41),
            limit: Some(20),
        };
        assert_eq!(
            brandrail::ApprovalFilter::from(filter),
            brandrail::ApprovalFilter {
                submitter: Some("li.na".into()),
                state: Some(brandrail::ApprovalState::Rejected),
                workflow: Some("content_review".into()),
                before_id: Some(41),
                limit: Some(20),
            }
        );
        assert_eq!(
            brandrail::ApprovalFilter::from(ApprovalFilter::default()),
            brandrail::ApprovalFilter::default()
        );
    }
}
