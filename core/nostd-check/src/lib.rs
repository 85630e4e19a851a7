//! A freestanding consumer of jwtguard-core: no `std`, no `alloc`, panic=abort.
//! `main.c` links the resulting static library and runs it.
#![no_std]

use jwtguard_core::{verify, KeySet, Policy};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

/// The precompiled `core` of stable Rust references the unwinding personality even
/// under panic=abort; nothing here unwinds, so it is never called.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// RFC 7515 Appendix A.3: the ES256 example key and token.
const JWK: &[u8] = br#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
const TOKEN: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

/// Verifies the RFC 7515 A.3 token at `now`; returns 0 or the reason code.
#[no_mangle]
pub extern "C" fn jwtguard_nostd_check(now: u64) -> u32 {
    let mut scratch = [0u8; 512];
    let keys = match KeySet::from_json(JWK) {
        Ok(k) => k,
        Err(e) => return e.reason().code(),
    };
    let policy = match Policy::builder().any_audience().issuer("joe").build() {
        Ok(p) => p,
        Err(e) => return e.reason().code(),
    };
    match verify(TOKEN, &keys, &policy, now, &mut scratch) {
        Ok(_) => 0,
        Err(e) => e.reason().code(),
    }
}
