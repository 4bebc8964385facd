#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| civic_digest_fuzz::checks::extract_html(data));
