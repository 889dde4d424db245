//! CON-3 through the Engine: the checker follows the policy in force.

use brandrail::content::compliance::check_text;
use brandrail::{Department, Engine, NewPrincipal, Policy};

#[test]
fn the_engine_checks_with_its_policy_and_follows_replacements() {
    let e = Engine::in_memory().unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("zhao.min", "Z", Department::Executive),
    )
    .unwrap();
    let copy = "品牌焕新，全网爆款，最佳口碑";
    assert_eq!(e.check_text(copy).unwrap(), check_text(copy));
    let before = e.check_text(copy).unwrap().len();
    let next = Policy::default_pack()
        .overlay_toml(
            "[compliance]\ncustom_terms = [{ term = \"爆款\", category = \"absolute\", severity = \"warn\", legal_basis = \"\", suggestion = \"热门\" }]\ncustom_exceptions = [\"最佳口碑\"]\n",
        )
        .unwrap();
    e.replace_policy("zhao.min", &next).unwrap();
    let after = e.check_text(copy).unwrap();
    assert_eq!(
        after.len(),
        before,
        "one finding added, one excepted: {after:?}"
    );
    assert!(
        after
            .iter()
            .any(|f| f.rule_id == "CUSTOM-1" && f.matched == "爆款")
    );
    assert!(!after.iter().any(|f| f.term == "最佳"));
    let many = e.check_texts(&[copy, "", "保本保息"]).unwrap();
    assert_eq!(many.len(), 3);
    assert_eq!(many[2][0].category, "finance_guarantee");
}
