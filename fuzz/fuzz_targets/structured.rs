#![no_main]

libfuzzer_sys::fuzz_target!(|input: jwtguard_fuzz_harness::StructuredToken| {
    jwtguard_fuzz_harness::structured(&input)
});
