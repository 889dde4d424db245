//! The scanner never panics on any UTF-8 input, and every finding's offsets
//! lie on character boundaries and slice the original text to `matched`, in
//! characters and in UTF-16 code units alike.

#![no_main]

use brandrail::content::compliance::check_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let chars: Vec<char> = text.chars().collect();
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut last = 0;
    for f in check_text(text) {
        assert!(f.start < f.end && f.end <= chars.len(), "{f:?}");
        assert!(f.start >= last || f.start < f.end, "ordered by position");
        last = f.start;
        let sliced: String = chars[f.start..f.end].iter().collect();
        assert_eq!(sliced, f.matched);
        let wide = String::from_utf16(&units[f.utf16_start..f.utf16_end]).expect("UTF-16 boundaries");
        assert_eq!(wide, f.matched);
    }
});
