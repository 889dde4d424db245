//! Input checks of approval calls: comments, subjects, and a subject's fit to
//! its workflow.

use super::{Subject, SubjectKind};
use crate::error::{Error, Result};
use crate::policy::{Policy, WorkflowDef};
use crate::validate;

/// Longest comment accepted, in characters.
const MAX_COMMENT_CHARS: usize = 2_000;
/// Most attributes a subject may carry.
const MAX_ATTRIBUTES: usize = 64;

pub(super) fn check_comment(comment: &str, required: bool) -> Result<()> {
    if required && comment.trim().is_empty() {
        return Err(Error::validation(
            "comment",
            "a rejection or return needs a comment",
        ));
    }
    let n = comment.chars().count();
    if n > MAX_COMMENT_CHARS {
        return Err(Error::validation(
            "comment",
            format!("must be at most {MAX_COMMENT_CHARS} characters, got {n}"),
        ));
    }
    if comment.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::validation("comment", "contains control characters"));
    }
    Ok(())
}

pub(super) fn check_subject(s: &Subject) -> Result<()> {
    if s.reference.trim().is_empty()
        || s.reference.len() > 128
        || s.reference.chars().any(char::is_control)
    {
        return Err(Error::validation(
            "subject.reference",
            "must be 1 to 128 bytes without control characters",
        ));
    }
    validate::display_text("subject.title", &s.title)?;
    if s.attributes.len() > MAX_ATTRIBUTES {
        return Err(Error::validation(
            "subject.attributes",
            format!(
                "at most {MAX_ATTRIBUTES} attributes, got {}",
                s.attributes.len()
            ),
        ));
    }
    for (k, v) in &s.attributes {
        let key_ok = !k.is_empty()
            && k.len() <= 64
            && k.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            return Err(Error::validation(
                "subject.attributes",
                format!(
                    "'{}' is not an attribute name (a-z, 0-9, _)",
                    validate::printable(k)
                ),
            ));
        }
        if v.chars().count() > 1_000 || v.chars().any(char::is_control) {
            return Err(Error::validation(
                format!("subject.attributes.{k}"),
                "must be at most 1000 characters without control characters",
            ));
        }
    }
    for (i, a) in s.attachments.iter().enumerate() {
        validate::identifier(&format!("subject.attachments[{i}].kind"), &a.kind)?;
        validate::display_text(&format!("subject.attachments[{i}].name"), &a.name)?;
        if a.sha256.len() != 64 || !a.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::validation(
                format!("subject.attachments[{i}].sha256"),
                "must be 64 hexadecimal characters",
            ));
        }
        if a.amount.is_some_and(|m| m.is_sign_negative()) {
            return Err(Error::validation(
                format!("subject.attachments[{i}].amount"),
                "must not be negative",
            ));
        }
    }
    Ok(())
}

/// Checks of a subject against the workflow it is submitted to.
pub(super) fn check_fit(
    policy: &Policy,
    def: &WorkflowDef,
    workflow: &str,
    s: &Subject,
) -> Result<()> {
    if s.kind != def.subject {
        return Err(Error::validation(
            "subject.kind",
            format!(
                "workflow '{workflow}' approves {}, not {}",
                def.subject, s.kind
            ),
        ));
    }
    for kind in &def.required_attachments {
        if !s.attachments.iter().any(|a| &a.kind == kind) {
            return Err(Error::validation(
                "subject.attachments",
                format!("workflow '{workflow}' needs at least one '{kind}' attachment"),
            ));
        }
    }
    if s.kind == SubjectKind::Decision {
        let matter = s.attributes.get("matter").map(String::as_str).unwrap_or("");
        if !policy
            .approvals
            .decision_layer_subjects
            .iter()
            .any(|m| m == matter)
        {
            return Err(Error::validation(
                "subject.attributes.matter",
                format!(
                    "'{}' is not one of: {}",
                    validate::printable(matter),
                    policy.approvals.decision_layer_subjects.join(", ")
                ),
            ));
        }
    }
    Ok(())
}
