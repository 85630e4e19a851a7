//! A freestanding consumer of jwtguard-core: no `std`, panic=abort, and no heap unless
//! the `default-algorithms` feature (RSA) asks for one. `main.c` runs the host build;
//! `wasm.mjs` runs the WebAssembly build.
#![no_std]

use jwtguard_core::{verify, KeyOptions, KeySet, Policy};

#[cfg(feature = "default-algorithms")]
mod arena;

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

/// What a firmware prepares once, at start-up, and keeps: the key set and the policy.
pub struct Prepared {
    keys: KeySet,
    policy: Policy,
}

fn prepare() -> Result<Prepared, u32> {
    let keys = KeySet::from_json(JWK).map_err(|e| e.reason().code())?;
    let policy = Policy::builder().any_audience().issuer("joe").build().map_err(|e| e.reason().code())?;
    Ok(Prepared { keys, policy })
}

fn verify_prepared(prepared: &Prepared, now: u64) -> u32 {
    let mut scratch = [0u8; 512];
    match verify(TOKEN, &prepared.keys, &prepared.policy, now, &mut scratch) {
        Ok(_) => 0,
        Err(e) => e.reason().code(),
    }
}

/// Prepares the RFC 7515 A.3 key and a policy, then verifies its token at `now`;
/// returns 0 or the reason code.
#[no_mangle]
pub extern "C" fn jwtguard_nostd_check(now: u64) -> u32 {
    match prepare() {
        Ok(prepared) => verify_prepared(&prepared, now),
        Err(code) => code,
    }
}

/// Bytes (and alignment) of the storage `jwtguard_nostd_prepare` fills.
#[no_mangle]
pub extern "C" fn jwtguard_nostd_prepared_size() -> usize {
    core::mem::size_of::<Prepared>()
}

/// Alignment of that storage.
#[no_mangle]
pub extern "C" fn jwtguard_nostd_prepared_align() -> usize {
    core::mem::align_of::<Prepared>()
}

/// Prepares the key set and policy into `out` (see `jwtguard_nostd_prepared_size`) as
/// a firmware fills its static storage: the key set is loaded in place, never built on
/// the stack and copied. Returns 0 or the reason code.
///
/// # Safety
/// `out` is valid for writes of `jwtguard_nostd_prepared_size()` bytes, aligned to
/// `jwtguard_nostd_prepared_align()`, and holds no `Prepared` yet.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_nostd_prepare(out: *mut Prepared) -> u32 {
    let policy = match Policy::builder().any_audience().issuer("joe").build() {
        Ok(policy) => policy,
        Err(e) => return e.reason().code(),
    };
    // SAFETY: the caller guarantees `out` is valid and aligned for a `Prepared`; after
    // the write it holds one, so the reference is to an initialised value.
    let prepared = unsafe {
        out.write(Prepared { keys: KeySet::new(), policy });
        &mut *out
    };
    match prepared.keys.load_json_with(JWK, &KeyOptions::default()) {
        Ok(()) => 0,
        Err(e) => e.reason().code(),
    }
}

/// Verifies the RFC 7515 A.3 token at `now` with what `jwtguard_nostd_prepare` made.
///
/// # Safety
/// `prepared` was filled by a successful `jwtguard_nostd_prepare`.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_nostd_verify(prepared: *const Prepared, now: u64) -> u32 {
    // SAFETY: the caller guarantees `prepared` holds a `Prepared`.
    verify_prepared(unsafe { &*prepared }, now)
}
