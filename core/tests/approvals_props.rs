//! Property tests of the approval engine (APR-1, APR-3, APR-4) over random
//! sequences of decisions by random principals:
//! - an instance is never approved without every applicable stage's quorum;
//! - no principal decides twice on one instance unless the workflow allows it;
//! - a rejected (or returned) instance never ends approved without a resubmission;
//! - every refusal is a typed error and the audit chain stays valid.

use std::collections::HashSet;

use brandrail::approval::{
    ApprovalInstance, ApprovalState, Attachment, Decision, StageState, Subject, SubjectKind,
};
use brandrail::{Department, Engine, NewPrincipal, Policy};
use proptest::prelude::*;

const PEOPLE: &[(&str, Department, &[&str])] = &[
    ("sub.mit", Department::Marketing, &["marketing_staff"]),
    (
        "mk.head",
        Department::Marketing,
        &["marketing_staff", "supervisor"],
    ),
    (
        "mk.head2",
        Department::Marketing,
        &["marketing_staff", "supervisor"],
    ),
    ("br.one", Department::Brand, &["brand_staff"]),
    ("br.two", Department::Brand, &["brand_staff", "legal_staff"]),
    ("lg.one", Department::Legal, &["legal_staff"]),
    ("fi.one", Department::Finance, &["finance_staff"]),
    ("fi.two", Department::Finance, &["finance_staff"]),
    (
        "fi.three",
        Department::Finance,
        &["finance_staff", "executive"],
    ),
    (
        "ex.one",
        Department::Executive,
        &["executive", "supervisor"],
    ),
];

#[derive(Debug, Clone)]
enum Step {
    Approve(usize),
    Reject(usize),
    Return(usize),
    Resubmit,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..PEOPLE.len()).prop_map(Step::Approve),
        1 => (0..PEOPLE.len()).prop_map(Step::Reject),
        1 => (0..PEOPLE.len()).prop_map(Step::Return),
        1 => Just(Step::Resubmit),
    ]
}

fn engine() -> Engine {
    let e = Engine::in_memory().unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    for (h, d, roles) in PEOPLE {
        e.create_principal(
            "it.admin",
            NewPrincipal::new(*h, *h, *d).with_roles(roles.iter().copied()),
        )
        .unwrap();
    }
    // A quorum-2 workflow where one person may not fill two stages, and one where they may.
    let p = Policy::default_pack()
        .overlay_toml(
            "[approvals.workflows.quorum_strict]\ndescription = \"q\"\nsubject = \"document\"\n\
             [[approvals.workflows.quorum_strict.stages]]\nname = \"one\"\ndeciders = { roles = [\"brand_staff\", \"legal_staff\"] }\nquorum = 2\n\
             [[approvals.workflows.quorum_strict.stages]]\nname = \"two\"\ndeciders = { roles = [\"legal_staff\", \"finance_staff\"] }\nquorum = 2\n\
             [approvals.workflows.quorum_loose]\ndescription = \"q\"\nsubject = \"document\"\nallow_same_principal_multiple_stages = true\n\
             [[approvals.workflows.quorum_loose.stages]]\nname = \"one\"\ndeciders = { roles = [\"brand_staff\", \"legal_staff\"] }\nquorum = 2\n\
             [[approvals.workflows.quorum_loose.stages]]\nname = \"two\"\ndeciders = { roles = [\"legal_staff\", \"finance_staff\"] }\nquorum = 2\n",
        )
        .unwrap();
    e.replace_policy("ex.one", &p).unwrap();
    e
}

fn subject(workflow: &str, is_ad: bool, sensitive: bool) -> Subject {
    match workflow {
        "content_review" => Subject::new(SubjectKind::ContentVersion, "c-1", "文案")
            .with_attribute("is_ad", is_ad.to_string())
            .with_attribute("sensitive", sensitive.to_string()),
        "expense_reimbursement" => Subject::new(SubjectKind::ExpenseClaim, "e-1", "报销")
            .with_attachment(Attachment {
                kind: "invoice".into(),
                name: "inv.pdf".into(),
                sha256: "0f".repeat(32),
                amount: None,
            }),
        _ => Subject::new(SubjectKind::Document, "d-1", "制度"),
    }
}

fn people_of(inst: &ApprovalInstance, stage: usize) -> Vec<String> {
    inst.stages[stage]
        .approvals
        .iter()
        .flat_map(|a| std::iter::once(a.principal.clone()).chain(a.on_behalf_of.clone()))
        .collect()
}

fn check_invariants(inst: &ApprovalInstance, allow_multi: bool, sent_back_pending: bool) {
    for (i, st) in inst.stages.iter().enumerate() {
        let people = people_of(inst, i);
        let unique: HashSet<_> = people.iter().collect();
        assert_eq!(
            unique.len(),
            people.len(),
            "someone approved stage {} twice: {people:?}",
            st.name
        );
        assert!(
            !people.contains(&inst.submitter),
            "the submitter decided stage {}",
            st.name
        );
        if !allow_multi {
            for (j, _) in inst.stages.iter().enumerate().filter(|(j, _)| *j != i) {
                for p in people_of(inst, j) {
                    assert!(!people.contains(&p), "{p} filled two stages");
                }
            }
        }
    }
    if inst.state == ApprovalState::Approved {
        assert!(
            !sent_back_pending,
            "approved after a rejection without resubmission"
        );
        for st in &inst.stages {
            assert!(
                st.state == StageState::Skipped
                    || (st.state == StageState::Done && st.approvals.len() >= st.quorum as usize),
                "approved without quorum at {}: {st:?}",
                st.name
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn approvals_keep_quorum_separation_and_resubmission(
        workflow in prop::sample::select(vec!["content_review", "expense_reimbursement", "quorum_strict", "quorum_loose"]),
        is_ad in any::<bool>(),
        sensitive in any::<bool>(),
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let e = engine();
        let allow_multi = workflow == "quorum_loose";
        let mut inst = e.submit_approval("sub.mit", workflow, subject(workflow, is_ad, sensitive)).unwrap();
        let mut sent_back_pending = false;
        for s in steps {
            let result = match &s {
                Step::Approve(i) => {
                    let checklist = if inst.current_stage.as_deref() == Some("finance_check") {
                        vec!["authenticity".into(), "legality".into(), "completeness".into()]
                    } else {
                        Vec::new()
                    };
                    e.decide_approval(PEOPLE[*i].0, inst.id, Decision::Approve { comment: String::new(), checklist })
                }
                Step::Reject(i) => e.reject(PEOPLE[*i].0, inst.id, "不行"),
                Step::Return(i) => e.return_for_changes(PEOPLE[*i].0, inst.id, "请修改"),
                Step::Resubmit => e.resubmit_approval("sub.mit", inst.id, None),
            };
            match result {
                Ok(next) => {
                    match (&s, next.state) {
                        (Step::Reject(_) | Step::Return(_), _) => sent_back_pending = true,
                        (Step::Resubmit, _) => sent_back_pending = false,
                        _ => {}
                    }
                    inst = next;
                }
                Err(err) => {
                    // Refusals are typed and change nothing.
                    prop_assert!(
                        ["permission_denied", "separation_of_duties", "conflict", "validation"].contains(&err.code()),
                        "unexpected {err}"
                    );
                    prop_assert_eq!(&e.approval(inst.id).unwrap(), &inst);
                }
            }
            check_invariants(&inst, allow_multi, sent_back_pending);
        }
        prop_assert!(e.verify_audit().unwrap().ok);
        let history = e.approval_history(inst.id).unwrap();
        prop_assert_eq!(history.iter().map(|h| h.round).max().unwrap(), inst.round);
    }
}
