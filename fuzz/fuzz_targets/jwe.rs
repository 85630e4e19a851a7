#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jwtguard_fuzz_harness::jwe(data));
