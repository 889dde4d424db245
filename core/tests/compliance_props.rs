//! Property test of the compliance checker over hostile text (the fuzz target
//! of the content issue, run on stable Rust with proptest): mixed scripts,
//! full-width forms, traditional characters, emoji, zero-width and bidi
//! characters, control characters, digits and terms of the pack spliced in.
//! It never panics, and every finding's offsets lie on character boundaries
//! of the original and slice out exactly `matched`, in characters and in
//! UTF-16 units alike.

use brandrail::content::compliance::check_text;
use proptest::prelude::*;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("最佳".to_string()),
        Just("國家級".to_string()),
        Just("第一次".to_string()),
        Just("保本".to_string()),
        Just("13800138000".to_string()),
        Just("[具体]".to_string()),
        Just("ＮＯ．１".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{202E}".to_string()),
        Just("🎉".to_string()),
        Just("👩\u{200D}💻".to_string()),
        Just("\u{0}".to_string()),
        Just("a\u{301}".to_string()),
        any::<char>().prop_map(String::from),
        "[\\u{4e00}-\\u{9fff}]{1,4}",
        "[0-9 -]{1,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn findings_slice_the_original_exactly(pieces in prop::collection::vec(piece(), 0..40)) {
        let text: String = pieces.concat();
        let chars: Vec<char> = text.chars().collect();
        let units: Vec<u16> = text.encode_utf16().collect();
        for f in check_text(&text) {
            prop_assert!(f.start < f.end && f.end <= chars.len(), "{f:?}");
            prop_assert_eq!(chars[f.start..f.end].iter().collect::<String>(), f.matched.clone());
            prop_assert!(f.utf16_start < f.utf16_end && f.utf16_end <= units.len());
            prop_assert_eq!(String::from_utf16(&units[f.utf16_start..f.utf16_end]).unwrap(), f.matched);
        }
    }
}
