/*
 * jwtguard.h: the C interface of jwtguard, a JWT access-token verifier (compact JWS:
 * RS256 and ES256 by default; RS384/512, PS256/384/512, ES384, ES512, EdDSA, Ed25519
 * and, with symmetric keys, HS256/384/512 when the policy allows them) with Azure API
 * Management validate-jwt claim rules.
 *
 * Typical use: build one jwtguard_verifier at start-up and share it between threads:
 * the policy of your API (jwtguard_policy_builder_*), then its key sources
 * (jwtguard_verifier_builder_*: key sets you load, JWK set URLs, OpenID discovery URLs),
 * each bound to the issuers its keys may sign for, and optionally a verified-token
 * cache (jwtguard_verifier_builder_set_cache). For each request call
 * jwtguard_verifier_verify with the bearer token and the current time, read what you
 * need from the verified token (jwtguard_token_*) and free it. The library does no
 * I/O: when a source needs its keys fetched, jwtguard_verifier_start_fetch names the
 * URL, and your HTTP client answers with jwtguard_verifier_offer or
 * jwtguard_verifier_fetch_failed. Keys you load yourself (jwtguard_keyset_new) are a
 * source too: jwtguard_verifier_builder_add_keys, replaced later with
 * jwtguard_verifier_set_keys.
 *
 * Claims as text. A valid signature proves who issued a token, not that its contents
 * are safe: providers sign what users typed. The text accessors (jwtguard_token_kid,
 * jwtguard_token_claim_string, _subject, _issuer, _audience) return
 * JWTGUARD_CLAIM_UNSAFE and write nothing for a value holding a control character
 * (CR, LF, NUL, ... after JSON unescaping) and for an array whose joined text would be
 * ambiguous (an element holding the separator, or several elements and no separator),
 * so what they write is always exactly what the token says and safe in an HTTP header
 * or a log line. jwtguard_token_claim_json returns the raw JSON text of any claim.
 *
 * CONVENTIONS (they apply to every function below)
 *
 * Results. A fallible function returns a jwtguard_result: JWTGUARD_OK (0) or why it
 * failed. Codes 1-999 are the core's reasons, with the same names and numbers in every
 * jwtguard layer; codes from 1000 are about how the function was called.
 * jwtguard_result_name() and jwtguard_result_message() render any code. Outputs are
 * written through out-parameters; an output handle is set to NULL and an output number
 * to 0 whenever the function does not return JWTGUARD_OK.
 *
 * Pointers. A NULL where a pointer is required returns JWTGUARD_NULL_PARAMETER; it is
 * never dereferenced. Any other pointer must be valid as the function documents: a
 * handle returned by this library and not yet freed; an input of `len` readable bytes;
 * an out-parameter writable for its type. A length is trusted once its pointer is
 * non-NULL. An input (pointer, length) pair may be NULL with length 0: that is the
 * empty string.
 *
 * Strings. Text inputs are (pointer, length) pairs of UTF-8 and need not be
 * NUL-terminated; text that is not UTF-8 is JWTGUARD_INVALID_PARAMETER. A list of
 * strings is an array of jwtguard_slice with its length.
 *
 * Output buffers (buf, cap, out_len). When the value exists, *out_len is set to its
 * length in bytes, without a terminating NUL. If cap > *out_len, the value and a NUL
 * are written to buf. Otherwise the function returns JWTGUARD_BUFFER_TOO_SMALL and
 * writes nothing to buf: call it again with a buffer of *out_len + 1 bytes. buf may be
 * NULL only when cap is 0 (a size query). out_len may be NULL (then a too-small buffer
 * cannot tell the size needed); it is 0 when the value does not exist. A text value
 * never holds a NUL byte (see Claims as text), so strlen() of it is *out_len.
 *
 * Detail buffers (detail, detail_cap). Optional: NULL or a capacity of 0 means no
 * detail. Receives a NUL-terminated human-readable message, truncated to fit: "" on
 * success, else "Reason: the rule that failed (claim `name`)". It never contains key
 * material, token bytes or signatures; it is safe to log.
 *
 * Ownership. Every handle returned by a *_new, *_build, *_clone or *verify* function
 * belongs to the caller and must be released exactly once with the matching *_free
 * function, which ignores NULL. Every const char * a function returns is a static
 * string (jwtguard_version, jwtguard_result_name, jwtguard_token_alg, ...): never
 * free it.
 * Inputs are copied or only read during the call: the caller keeps ownership of
 * everything it passes in.
 *
 * Thread safety. jwtguard_keyset and jwtguard_policy are immutable once created and
 * reference counted: share one handle between any number of threads, and call *_clone
 * and *_free from any thread. To rotate keys, load a new key set and swap the pointer
 * your requests clone from; requests holding the old set keep it until they free it.
 * A jwtguard_token owns a copy of the verified header and payload, borrows nothing
 * (the token bytes, key set and policy may be freed while it lives), and is immutable:
 * it may be read from several threads. A jwtguard_verifier may be shared by any
 * number of threads (it locks internally, never during a signature check; its keys
 * may be replaced with jwtguard_verifier_set_keys while others verify). A
 * jwtguard_policy_builder or jwtguard_verifier_builder must be used by one thread at a
 * time.
 *
 * Panics. No Rust panic crosses this interface: an internal error returns
 * JWTGUARD_PANIC (NULL or 0 from functions that return a pointer or a size). Memory
 * exhaustion aborts the process, as it does in Rust.
 */

#ifndef JWTGUARD_H
#define JWTGUARD_H

/* Generated by cbindgen from the Rust sources in ffi-c/src and ffi-c/cbindgen.toml.
 * Do not edit: change the sources, then run
 *   JWTGUARD_BLESS=1 cargo test -p jwtguard-ffi --test header header_is_current */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__GNUC__) || defined(__clang__)
#define JWTGUARD_MUST_USE __attribute__((warn_unused_result))
#else
#define JWTGUARD_MUST_USE
#endif

/**
 * The major version of the header (the library's package version): compare with
 * `jwtguard_version()` to detect a header and a library of different releases.
 */
#define JWTGUARD_VERSION_MAJOR 0

/**
 * The minor version of the header.
 */
#define JWTGUARD_VERSION_MINOR 1

/**
 * The patch version of the header.
 */
#define JWTGUARD_VERSION_PATCH 0

/**
 * `jwtguard_keyset_new_with_options()` flag: also accept odd RSA public exponents from
 * 3 up (legal, but a sign of unusual, possibly hand-made keys).
 */
#define JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT 1

/**
 * `jwtguard_keyset_new_with_options()` flag: load symmetric `"kty":"oct"` keys (HMAC
 * secrets for HS256/384/512; at least 32, 48 or 64 bytes).
 *
 * Security contract: an HMAC key is a shared secret — whoever holds it can mint
 * tokens this set accepts. Set this flag only for a document of secrets you control
 * (e.g. the inline symmetric keys of an APIM policy, from
 * `jwtguard_apim_policy_inline_jwks()` with `JWTGUARD_APIM_KEYS_SYMMETRIC`), never for
 * an identity provider's published JWK set: a provider never publishes secrets, and an
 * `oct` key slipped into its document must not become a way to forge tokens. Without
 * the flag an `oct` key is skipped as `JWTGUARD_KEY_UNSUPPORTED` (a set of only `oct`
 * keys is `JWTGUARD_KEY_SET_NO_USABLE_KEY`). With it, symmetric keys still load only in
 * a set of their own (in a set that also holds asymmetric keys they are skipped as
 * `JWTGUARD_KEY_UNSUPPORTED`), verify only HS* tokens, and only under a policy that
 * allows `JWTGUARD_ALG_HS*` (the default policy does not).
 */
#define JWTGUARD_KEYSET_ALLOW_SYMMETRIC 2

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: RS256 (RSASSA-PKCS1-v1_5, SHA-256).
 * The `JWTGUARD_ALG_*` bits are stable: each keeps its value, new algorithms get new bits.
 */
#define JWTGUARD_ALG_RS256 (1 << 0)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: ES256 (ECDSA P-256, SHA-256).
 */
#define JWTGUARD_ALG_ES256 (1 << 1)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: RS384 (RSASSA-PKCS1-v1_5, SHA-384).
 */
#define JWTGUARD_ALG_RS384 (1 << 2)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: RS512 (RSASSA-PKCS1-v1_5, SHA-512).
 */
#define JWTGUARD_ALG_RS512 (1 << 3)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: PS256 (RSASSA-PSS, SHA-256, MGF1
 * SHA-256, 32-byte salt).
 */
#define JWTGUARD_ALG_PS256 (1 << 4)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: PS384 (RSASSA-PSS, SHA-384, MGF1
 * SHA-384, 48-byte salt).
 */
#define JWTGUARD_ALG_PS384 (1 << 5)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: PS512 (RSASSA-PSS, SHA-512, MGF1
 * SHA-512, 64-byte salt).
 */
#define JWTGUARD_ALG_PS512 (1 << 6)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: ES384 (ECDSA P-384, SHA-384).
 */
#define JWTGUARD_ALG_ES384 (1 << 7)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: EdDSA with Ed25519 (`kty` `OKP`).
 */
#define JWTGUARD_ALG_EDDSA (1 << 8)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: HS256 (HMAC SHA-256). Verifies only
 * with symmetric keys, which load only with `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`.
 */
#define JWTGUARD_ALG_HS256 (1 << 9)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: HS384 (HMAC SHA-384); see
 * `JWTGUARD_ALG_HS256`.
 */
#define JWTGUARD_ALG_HS384 (1 << 10)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: HS512 (HMAC SHA-512); see
 * `JWTGUARD_ALG_HS256`.
 */
#define JWTGUARD_ALG_HS512 (1 << 11)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: ES512 (ECDSA P-521, SHA-512).
 */
#define JWTGUARD_ALG_ES512 (1 << 12)

/**
 * `jwtguard_policy_builder_set_algorithms()` flag: Ed25519 (RFC 9864's fully specified
 * name for EdDSA with Ed25519; the same keys as `JWTGUARD_ALG_EDDSA`).
 */
#define JWTGUARD_ALG_ED25519 (1 << 13)

/**
 * The algorithms the default policy allows: RS256 and ES256.
 */
#define JWTGUARD_ALG_SET_DEFAULT (JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256)

/**
 * Every asymmetric algorithm: `JWTGUARD_ALG_RS256` to `JWTGUARD_ALG_EDDSA`,
 * `JWTGUARD_ALG_ES512` and `JWTGUARD_ALG_ED25519` (RS*, PS*, ES*, EdDSA, Ed25519), what
 * an identity provider's public keys verify.
 */
#define JWTGUARD_ALG_SET_ASYMMETRIC 12799

/**
 * `JWTGUARD_ALG_HS256`, `JWTGUARD_ALG_HS384` and `JWTGUARD_ALG_HS512`: verified only
 * with symmetric keys (shared secrets, see `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`).
 */
#define JWTGUARD_ALG_SET_SYMMETRIC 3584

/**
 * Longest URL a source accepts, configured or discovered, in bytes: a buffer of
 * `JWTGUARD_MAX_URL_LEN + 1` bytes always holds a URL from
 * `jwtguard_verifier_start_fetch()`.
 */
#define JWTGUARD_MAX_URL_LEN 2048

/**
 * `flags` bit: allow `http://` source URLs to `localhost`, `127.x.x.x` or `[::1]`.
 */
#define JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK (1 << 16)

/**
 * Bytes of a source's shared record.
 */
#define JWTGUARD_SHARED_STATE_LEN 64

/**
 * How often a request waiting for another process's fetch looks again, in
 * milliseconds (that process cannot wake it).
 */
#define JWTGUARD_SHARED_POLL_MS 100

/**
 * `jwtguard_apim_policy_from_xml_with_options()` flag: turn unknown attributes and
 * elements into notes instead of refusing the document.
 */
#define JWTGUARD_APIM_ALLOW_UNKNOWN 1

/**
 * `jwtguard_apim_policy_from_xml_with_options()` flag: a policy that names no audience
 * waives the audience check (APIM's behaviour) instead of being refused.
 */
#define JWTGUARD_APIM_ALLOW_ANY_AUDIENCE 2

/**
 * `jwtguard_apim_policy_from_xml_with_options()` flag: a policy with no issuer listed
 * or derivable waives the issuer check instead of being refused.
 */
#define JWTGUARD_APIM_ALLOW_ANY_ISSUER 4

/**
 * `jwtguard_apim_policy_from_xml_with_options()` flag: a multi-tenant policy
 * (`tenant-id="common"` or `"organizations"`, or such a discovery URL) accepts the tokens
 * of every tenant instead of being refused when no allowed tenant is given.
 */
#define JWTGUARD_APIM_ALLOW_ANY_TENANT 8

/**
 * `jwtguard_apim_policy_kind()`: the document held a `<validate-jwt>` policy.
 */
#define JWTGUARD_APIM_VALIDATE_JWT 1

/**
 * `jwtguard_apim_policy_kind()`: the document held a `<validate-azure-ad-token>` policy.
 */
#define JWTGUARD_APIM_VALIDATE_AZURE_AD_TOKEN 2

/**
 * `jwtguard_apim_policy_inline_jwks()`: the inline RSA keys (`<key n="..." e="..."/>`),
 * for `jwtguard_keyset_new()`.
 */
#define JWTGUARD_APIM_KEYS_ASYMMETRIC 1

/**
 * `jwtguard_apim_policy_inline_jwks()`: the inline symmetric keys (`<key>base64</key>`,
 * HMAC secrets), for `jwtguard_keyset_new_with_options()` with
 * `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`.
 */
#define JWTGUARD_APIM_KEYS_SYMMETRIC 2

/**
 * What a jwtguard function returns: `JWTGUARD_OK` (0) or why it failed.
 *
 * Codes 1 to 999 are the core's reasons, with the same names and numbers in every
 * jwtguard layer (Rust, C, nginx, Python); they never change meaning and retired codes
 * are never reused. Codes from 1000 are about how a function was called.
 * `jwtguard_result_name()` and `jwtguard_result_message()` render any code.
 */
enum jwtguard_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * Success.
     */
    JWTGUARD_OK = 0,
    /**
     * No token was supplied (empty input).
     */
    JWTGUARD_TOKEN_NOT_PRESENT = 1,
    /**
     * The token is longer than the configured maximum; nothing else was examined.
     */
    JWTGUARD_TOKEN_TOO_LARGE = 2,
    /**
     * Not a well-formed compact JWS: segment count, base64url, or JSON of header/payload.
     */
    JWTGUARD_TOKEN_MALFORMED = 3,
    /**
     * The header asks for a feature jwtguard refuses (`crit`, `b64`, `zip`, `enc`,
     * embedded `jwk`, `jku`, `x5u`).
     */
    JWTGUARD_TOKEN_HEADER_UNSUPPORTED = 4,
    /**
     * The header's `alg` is not one jwtguard implements (including `none`).
     */
    JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED = 5,
    /**
     * The header's `alg` is implemented but the policy does not allow it.
     */
    JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED = 6,
    /**
     * No key in the key set matches the token's `kid`/`x5t` (refresh the key set).
     */
    JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND = 7,
    /**
     * The key named by the token cannot be used with the token's `alg`.
     */
    JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH = 8,
    /**
     * The signature does not verify.
     */
    JWTGUARD_TOKEN_SIGNATURE_INVALID = 9,
    /**
     * A registered claim has the wrong JSON type or an out-of-range value
     * (`exp`/`nbf`/`iat` not a NumericDate, `aud` not a string or array of strings, ...).
     */
    JWTGUARD_TOKEN_CLAIM_MALFORMED = 10,
    /**
     * The policy requires `exp` and the token has none.
     */
    JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING = 11,
    /**
     * `exp <= now - clock_skew`.
     */
    JWTGUARD_TOKEN_EXPIRED = 12,
    /**
     * `nbf > now + clock_skew`.
     */
    JWTGUARD_TOKEN_NOT_YET_VALID = 13,
    /**
     * No audience in the token is allowed by the policy.
     */
    JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED = 14,
    /**
     * The token's issuer is not allowed by the policy (or not the signing key's issuer).
     */
    JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED = 15,
    /**
     * A claim the policy requires is absent.
     */
    JWTGUARD_TOKEN_CLAIM_NOT_FOUND = 16,
    /**
     * A required claim is present but its value is not allowed.
     */
    JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED = 17,
    /**
     * The policy lists token types (`typ`, e.g. RFC 9068's `at+jwt`) and the token's
     * header names none of them, or has no `typ`.
     */
    JWTGUARD_TOKEN_TYPE_NOT_ALLOWED = 18,
    /**
     * An encrypted token (JWE) could not be decrypted: no decryption key has its
     * `kid`, or the key, the tag, the padding or the key wrap did not check out (one
     * reason and detail for all of these, so the answer is no oracle).
     */
    JWTGUARD_TOKEN_DECRYPTION_FAILED = 19,
    /**
     * The key set is not valid JSON of the expected shape.
     */
    JWTGUARD_KEY_SET_MALFORMED = 100,
    /**
     * The key set is over the size or key-count limit.
     */
    JWTGUARD_KEY_SET_TOO_LARGE = 101,
    /**
     * The key set holds no key jwtguard can verify with.
     */
    JWTGUARD_KEY_SET_NO_USABLE_KEY = 102,
    /**
     * Two usable keys share one `kid`, or a usable key shares its `kid` with a key that
     * failed to load (which of them the provider signs with is unknown).
     */
    JWTGUARD_KEY_SET_DUPLICATE_KID = 103,
    /**
     * A key member is missing, of the wrong type, or not valid base64.
     */
    JWTGUARD_KEY_MALFORMED = 104,
    /**
     * A key's type, curve, `use`, `key_ops` or `alg` makes it unusable for verification
     * (also: a symmetric `oct` key when the key options do not allow symmetric keys,
     * or beside asymmetric keys).
     */
    JWTGUARD_KEY_UNSUPPORTED = 105,
    /**
     * An RSA modulus shorter than 2048 bits, or an HMAC key shorter than its hash
     * output (RFC 7518 §3.2: 32, 48, 64 bytes).
     */
    JWTGUARD_KEY_TOO_SMALL = 106,
    /**
     * An RSA modulus longer than 8192 bits, or an HMAC key longer than 256 bytes.
     */
    JWTGUARD_KEY_TOO_LARGE = 107,
    /**
     * An RSA public exponent that is even, 1, too small or too large.
     */
    JWTGUARD_KEY_EXPONENT_INVALID = 108,
    /**
     * Key material that is not a valid public key (EC point not on the curve, ...).
     */
    JWTGUARD_KEY_INVALID = 109,
    /**
     * The policy is inconsistent or over capacity.
     */
    JWTGUARD_POLICY_INVALID = 200,
    /**
     * A required pointer argument is NULL (or a NULL pointer came with a non-zero length).
     */
    JWTGUARD_NULL_PARAMETER = 1000,
    /**
     * An argument is invalid: text that is not UTF-8, an unknown enum or flag value, a
     * length over `PTRDIFF_MAX`, a misaligned pointer, an index out of range.
     */
    JWTGUARD_INVALID_PARAMETER = 1001,
    /**
     * The output buffer is too small: nothing was written, `*out_len` holds the length
     * needed (without the terminating NUL).
     */
    JWTGUARD_BUFFER_TOO_SMALL = 1002,
    /**
     * The verified token has no such claim (or header parameter).
     */
    JWTGUARD_CLAIM_NOT_PRESENT = 1003,
    /**
     * The claim's JSON type cannot be returned by this function.
     */
    JWTGUARD_CLAIM_WRONG_TYPE = 1004,
    /**
     * An internal error (a Rust panic) was caught at the C boundary; outputs are unset.
     */
    JWTGUARD_PANIC = 1005,
    /**
     * The claim (or `kid`) is not exported as text: it holds a control character (CR,
     * LF, NUL, ...), or a joined array would be ambiguous (an element holds the
     * separator). Such a value must never reach an HTTP header or a log line; its raw
     * JSON text is still available from `jwtguard_token_claim_json()`.
     */
    JWTGUARD_CLAIM_UNSAFE = 1006,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum jwtguard_result jwtguard_result;
#else
typedef uint32_t jwtguard_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Which document a fetch is for.
 */
enum jwtguard_fetch_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    /**
     * No fetch (the value written when none is claimed).
     */
    JWTGUARD_FETCH_NONE = 0,
    /**
     * An OpenID Connect configuration document.
     */
    JWTGUARD_FETCH_OPENID_CONFIGURATION = 1,
    /**
     * A JWK set.
     */
    JWTGUARD_FETCH_JWKS = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum jwtguard_fetch_kind jwtguard_fetch_kind;
#else
typedef uint32_t jwtguard_fetch_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What to do with the version a key file has now (`jwtguard_key_file_watch_change`).
 */
typedef enum jwtguard_file_change {
    /**
     * The version loaded: nothing to read.
     */
    JWTGUARD_FILE_UNCHANGED = 0,
    /**
     * Another version, or none loaded yet: read and load it.
     */
    JWTGUARD_FILE_CHANGED = 1,
    /**
     * The version loaded, loaded in the second it was last modified: read it once
     * more, in case it was rewritten within that second.
     */
    JWTGUARD_FILE_READ_AGAIN = 2,
} jwtguard_file_change;

/**
 * A translated APIM validation policy (opaque): the core policy plus the settings of
 * the HTTP binding.
 *
 * Immutable after creation: the accessors may be called from several threads at once.
 * Free it with `jwtguard_apim_policy_free()`; policies returned by
 * `jwtguard_apim_policy_policy()` are separate references and outlive it.
 *
 * Security contract: the core policy (`jwtguard_apim_policy_policy()`) holds every
 * rule of the document that decides whether a token is accepted, the client
 * application check of `<client-application-ids>` included, so a verifier built with
 * it applies the whole policy. The other accessors are the binding's settings: where
 * to read the token, how to answer a rejection, where the keys are.
 */
typedef struct jwtguard_apim_policy jwtguard_apim_policy;

/**
 * Private keys that decrypt encrypted tokens (opaque; immutable and reference
 * counted like `jwtguard_keyset`).
 *
 * Security contract (the core's `jwe` module): RSA keys with every CRT member and at
 * least 2048 bits, EC keys on P-256 or P-384 whose `x`/`y` are `d`'s public key, and
 * `oct` keys of 16, 24, 32, 48 or 64 bytes, each with `use` `enc` when it has a `use`;
 * the first key that is not refuses the whole set. Key bytes are wiped when the last
 * reference is freed; the JSON the caller passed is the caller's to wipe. A verifier
 * given these keys (`jwtguard_verifier_builder_set_decryption_keys()`) decrypts compact
 * JWE tokens whose content is a signed JWT, then verifies that JWT under its policy.
 */
typedef struct jwtguard_decryption_keys jwtguard_decryption_keys;

/**
 * The watch over one key file (opaque; `jwtguard_key_file_watch_new`, `_free`).
 */
typedef struct jwtguard_key_file_watch jwtguard_key_file_watch;

/**
 * A set of validated verification keys (opaque).
 *
 * Immutable after creation and reference counted: one handle may be used by any
 * number of threads at once, and `jwtguard_keyset_clone()` / `jwtguard_keyset_free()`
 * may be called from any thread. To rotate keys, load a new set and swap your pointer;
 * requests that cloned the old handle keep using it until they free it.
 */
typedef struct jwtguard_keyset jwtguard_keyset;

/**
 * A validated verification policy (opaque).
 *
 * Immutable after `jwtguard_policy_builder_build()` and reference counted: one handle
 * may be used by any number of threads at once; clone and free it from any thread.
 */
typedef struct jwtguard_policy jwtguard_policy;

/**
 * Collects the rules of a policy (opaque). Not synchronized: use it from one thread at
 * a time. Every setter copies its arguments. A setter that fails (NULL or invalid
 * argument) also makes every later `jwtguard_policy_builder_build()` fail with the
 * same code, so an ignored error can never yield a more permissive policy.
 */
typedef struct jwtguard_policy_builder jwtguard_policy_builder;

/**
 * A verified token (opaque): its signature verified and its claims satisfied the
 * policy.
 *
 * It owns a copy of the decoded header and payload: it does not borrow the token
 * bytes, the verifier, its key sets or its policy, which may be freed while it lives.
 * Immutable: the accessors may be called from several threads at once. Free it with
 * `jwtguard_token_free()`.
 */
typedef struct jwtguard_token jwtguard_token;

/**
 * Verifies tokens against ordered key sources under one policy, with an optional
 * verified-token cache (opaque; thread-safe: any number of threads may call any
 * `jwtguard_verifier_*` function on one handle at once).
 *
 * Security contract (decided by the core, the same in every jwtguard layer):
 * - key selection searches every source in order: a `kid` names the first usable key
 *   carrying it; a token naming no key is tried against at most 4 keys;
 * - a source's keys verify only tokens of the issuers the source is bound to (its
 *   own list, the discovered issuer of an OpenID source, or, when added without
 *   issuers, any issuer the policy allows): with several providers, give each
 *   source its issuers, so one provider's keys never verify another's tokens;
 * - the cache answers only for the exact token bytes, from the time the token
 *   verified to the earlier of its `exp` and that time plus the TTL (a clock stepped
 *   back is a miss), and empties itself when any source's keys change.
 *
 * Fetching: the library never does I/O. Ask `jwtguard_verifier_start_fetch()` what
 * to fetch (a cold source, an hourly refresh, a retry after a failure, an unknown
 * `kid`: one fetch at a time per source), GET the URL, and answer with
 * `jwtguard_verifier_offer()` (the body of a 200 response) or
 * `jwtguard_verifier_fetch_failed()` (anything else, including an aborted request).
 */
typedef struct jwtguard_verifier jwtguard_verifier;

/**
 * Collects the sources and settings of a verifier (opaque; one thread at a time).
 * `jwtguard_verifier_builder_build()` consumes it; free it with
 * `jwtguard_verifier_builder_free()` only if it is never built. A call that fails
 * (a NULL or invalid argument, a URL the core refuses) also makes every later
 * `jwtguard_verifier_builder_build()` fail with the same code, so an ignored error
 * never yields a verifier with a source missing.
 */
typedef struct jwtguard_verifier_builder jwtguard_verifier_builder;

/**
 * A borrowed UTF-8 string: `len` bytes at `data`, not necessarily NUL-terminated.
 * `data` may be NULL when `len` is 0.
 */
typedef struct jwtguard_slice {
    /**
     * The bytes.
     */
    const char *data;
    /**
     * Their number.
     */
    size_t len;
} jwtguard_slice;

/**
 * How the values of a required claim must match: `JWTGUARD_MATCH_ALL` or
 * `JWTGUARD_MATCH_ANY`. Any other value is `JWTGUARD_INVALID_PARAMETER`.
 */
typedef uint32_t jwtguard_match;

/**
 * Where an APIM policy reads the token from (`jwtguard_apim_policy_token_source()`):
 * one of the `JWTGUARD_TOKEN_SOURCE_*` values. A binding must not fall back to another
 * place when the token is absent there (that is `JWTGUARD_TOKEN_NOT_PRESENT`).
 */
typedef uint32_t jwtguard_token_source;

/**
 * What tells one version of a file from another, from `stat` (`st_mtim` and
 * `st_size`, `st_ino` as `id`; `mtime_nsec` 0 where the system has no nanoseconds).
 */
typedef struct jwtguard_file_version {
    /**
     * Modification time, Unix seconds.
     */
    int64_t mtime;
    /**
     * Its nanoseconds.
     */
    int64_t mtime_nsec;
    /**
     * Size in bytes.
     */
    uint64_t size;
    /**
     * File identity (inode).
     */
    uint64_t id;
} jwtguard_file_version;

/**
 * Every listed value must be present in the claim (APIM's default).
 */
#define JWTGUARD_MATCH_ALL 0

/**
 * At least one listed value must be present in the claim.
 */
#define JWTGUARD_MATCH_ANY 1

/**
 * The value of the named header. For the `Authorization` header (compare names
 * case-insensitively) the value is `scheme token`: check the scheme when
 * `jwtguard_apim_policy_require_scheme()` names one, and remove it. For any other
 * header the whole value is the token.
 */
#define JWTGUARD_TOKEN_SOURCE_HEADER 1

/**
 * What follows the last space of the named header's value (the whole value when it has
 * no space): APIM's `token-value="@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(' ').Last())"`.
 */
#define JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD 2

/**
 * The named query parameter (case-sensitive name).
 */
#define JWTGUARD_TOKEN_SOURCE_QUERY 3

/**
 * The named cookie: the first `;`-separated, trimmed item of the `Cookie` header that
 * starts with `name=`, without that prefix (case-sensitive name).
 */
#define JWTGUARD_TOKEN_SOURCE_COOKIE 4

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Returns the library version, e.g. `"0.1.0"` (a static string: never free it).
 * The header's `JWTGUARD_VERSION_MAJOR`, `_MINOR` and `_PATCH` give the version the
 * program was compiled against.
 */
const char *jwtguard_version(void);

/**
 * Returns the name of the signature backend this library was built with: `"aws-lc"`
 * (AWS-LC, the default build) or `"portable"` (pure Rust). Both give the same verdict
 * on every input; they differ in speed. A static string: never free it.
 */
const char *jwtguard_backend(void);

/**
 * Returns the stable name of a result code, e.g. `"TokenExpired"` (the core's reason
 * name for codes below 1000), `"Ok"` for 0, `"NullParameter"`, ...; `"Unknown"` for a
 * code that is not a `jwtguard_result`. The string is static: never free it.
 *
 * Takes any integer (a `jwtguard_result` converts implicitly), so a code read from a
 * log or a newer library version is safe to pass.
 */
const char *jwtguard_result_name(uint32_t result);

/**
 * Returns a static one-line, human-readable message for a result code, e.g.
 * `"token has expired"`; `"unknown result code"` for a code that is not a
 * `jwtguard_result`. Never free it. For the precise rule that failed, use the detail
 * buffer of the function that returned the code.
 */
const char *jwtguard_result_message(uint32_t result);

/**
 * Loads a JWK set (`{"keys":[...]}`) or a single JWK with the default options (odd RSA
 * exponents from 65537 only, no symmetric keys; documents up to 256 KiB).
 *
 * Keys of a kind jwtguard cannot verify with (other `kty` or curves, `use: enc`, ...)
 * are skipped; keys of a supported kind that fail validation are skipped and
 * remembered (see `jwtguard_keyset_rejected()`), so a token naming one gets that key's
 * precise reason. A set with no usable key, or two usable keys sharing a `kid`, fails.
 *
 * On success `*out` receives a new handle (free it with `jwtguard_keyset_free()`); on
 * failure `*out` is set to NULL and the result is a `JWTGUARD_KEY_*` /
 * `JWTGUARD_KEY_SET_*` reason. Use `jwtguard_keyset_new_with_options()` for a detail
 * message.
 *
 * # Safety
 * `jwks` is NULL (only with `jwks_len` 0) or points to `jwks_len` readable bytes;
 * `out` is NULL or valid for writing one pointer.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_keyset_new(const uint8_t *jwks,
                                    size_t jwks_len,
                                    const struct jwtguard_keyset **out);

/**
 * Like `jwtguard_keyset_new()`, with options and a detail buffer.
 *
 * - `flags`: 0 or a mask of `JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT` and
 *   `JWTGUARD_KEYSET_ALLOW_SYMMETRIC` (read its security contract). Unknown bits are
 *   `JWTGUARD_INVALID_PARAMETER`.
 * - `max_len`: longest accepted document in bytes; 0 means the default (256 KiB).
 *   A longer document is `JWTGUARD_KEY_SET_TOO_LARGE` before any byte is read.
 * - `detail` (optional): receives `""` on success, else the precise rule that failed,
 *   e.g. `"KeySetMalformed: invalid JSON syntax"`.
 *
 * # Safety
 * As `jwtguard_keyset_new()`; `detail` is NULL or valid for writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_keyset_new_with_options(const uint8_t *jwks,
                                                 size_t jwks_len,
                                                 uint32_t flags,
                                                 size_t max_len,
                                                 const struct jwtguard_keyset **out,
                                                 char *detail,
                                                 size_t detail_cap);

/**
 * Returns another reference to the same key set (the reference count goes up), for
 * a request or thread that must keep the set alive while the owner may swap it. Free
 * each reference once with `jwtguard_keyset_free()`. Returns the same pointer, or NULL
 * when `keys` is NULL.
 *
 * # Safety
 * `keys` is NULL or a live key set handle.
 */
JWTGUARD_MUST_USE
const struct jwtguard_keyset *jwtguard_keyset_clone(const struct jwtguard_keyset *keys);

/**
 * Releases one reference to a key set; the keys are freed with the last reference.
 * NULL is ignored. The handle must not be used after this call.
 *
 * # Safety
 * `keys` is NULL or a live key set handle that the caller owns.
 */
void jwtguard_keyset_free(const struct jwtguard_keyset *keys);

/**
 * Returns the number of usable keys in the set (at least 1 for a loaded set), or 0
 * when `keys` is NULL.
 *
 * # Safety
 * `keys` is NULL or a live key set handle.
 */
size_t jwtguard_keyset_len(const struct jwtguard_keyset *keys);

/**
 * Returns the number of keys the document held that could not be used (for logs; see
 * `jwtguard_keyset_rejected()`), or 0 when `keys` is NULL.
 *
 * # Safety
 * `keys` is NULL or a live key set handle.
 */
size_t jwtguard_keyset_rejected_len(const struct jwtguard_keyset *keys);

/**
 * Describes rejected key number `index` (0-based, below
 * `jwtguard_keyset_rejected_len()`): `*reason` receives why it was rejected (e.g.
 * `JWTGUARD_KEY_TOO_SMALL`) and `kid` its `kid` under the buffer convention (`""` when
 * it had no readable one; at most 128 bytes). `*reason` is written whenever `index` is
 * in range, even if `kid` is too small (it is `JWTGUARD_OK` otherwise). An index out
 * of range is `JWTGUARD_INVALID_PARAMETER`.
 *
 * # Safety
 * `keys` is NULL or a live key set handle; `reason` is NULL or valid for writing one
 * `jwtguard_result`; `kid`/`kid_cap`/`kid_len` follow the buffer convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_keyset_rejected(const struct jwtguard_keyset *keys,
                                         size_t index,
                                         jwtguard_result *reason,
                                         char *kid,
                                         size_t kid_cap,
                                         size_t *kid_len);

/**
 * Loads decryption keys from a JWK set (`{"keys":[...]}`) or a single JWK with private
 * members (at most 256 KiB, 32 keys). On success `*out` receives a new handle (free it
 * with `jwtguard_decryption_keys_free()`); on failure `*out` is NULL, the result is a
 * `JWTGUARD_KEY_*` / `JWTGUARD_KEY_SET_*` reason and `detail` (optional) names the
 * rule, e.g. `"KeyTooSmall: an RSA decryption key is shorter than 2048 bits"`.
 *
 * # Safety
 * `jwks` is NULL (only with `jwks_len` 0) or points to `jwks_len` readable bytes; `out`
 * is NULL or valid for writing one pointer; `detail` is NULL or valid for writing
 * `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_decryption_keys_new(const uint8_t *jwks,
                                             size_t jwks_len,
                                             const struct jwtguard_decryption_keys **out,
                                             char *detail,
                                             size_t detail_cap);

/**
 * Releases one reference to decryption keys; the keys are wiped and freed with the
 * last reference (a verifier built with them holds its own). NULL is ignored.
 *
 * # Safety
 * `keys` is NULL or a live handle that the caller owns.
 */
void jwtguard_decryption_keys_free(const struct jwtguard_decryption_keys *keys);

/**
 * The number of keys, or 0 when `keys` is NULL.
 *
 * # Safety
 * `keys` is NULL or a live handle.
 */
size_t jwtguard_decryption_keys_len(const struct jwtguard_decryption_keys *keys);

/**
 * Starts a policy with the defaults: no audience or issuer yet (one of each, or the
 * explicit waiver, is required by `jwtguard_policy_builder_build()`), `exp` required,
 * no clock skew, RS256 and ES256 allowed, 16 KiB maximum token length, no kid-miss
 * fallback, keys' own `issuer` enforced. Free it with `jwtguard_policy_builder_free()`.
 * Returns NULL only if an internal error occurred.
 */
JWTGUARD_MUST_USE
struct jwtguard_policy_builder *jwtguard_policy_builder_new(void);

/**
 * Frees a builder. NULL is ignored. Policies built from it are not affected.
 *
 * # Safety
 * `builder` is NULL or a live builder handle that is not used again.
 */
void jwtguard_policy_builder_free(struct jwtguard_policy_builder *builder);

/**
 * Allows tokens whose `aud` (a string, or any element of an array) equals `audience`
 * exactly (case-sensitive, after JSON unescaping). May be called repeatedly; any listed
 * audience suffices. Typically the backend application's client id or App ID URI.
 *
 * # Safety
 * `builder` is NULL or a live builder handle; `audience` is NULL (only with length 0)
 * or points to `audience_len` readable bytes.
 */
jwtguard_result jwtguard_policy_builder_add_audience(struct jwtguard_policy_builder *builder,
                                                     const char *audience,
                                                     size_t audience_len);

/**
 * Waives the audience check. Only for tokens whose audience is checked elsewhere.
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_any_audience(struct jwtguard_policy_builder *builder);

/**
 * Allows tokens whose `iss` equals `issuer` exactly. May be called repeatedly.
 *
 * # Safety
 * `builder` is NULL or a live builder handle; `issuer` is NULL (only with length 0) or
 * points to `issuer_len` readable bytes.
 */
jwtguard_result jwtguard_policy_builder_add_issuer(struct jwtguard_policy_builder *builder,
                                                   const char *issuer,
                                                   size_t issuer_len);

/**
 * Waives the issuer check (a key's own `issuer`, when it has one, still applies).
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_any_issuer(struct jwtguard_policy_builder *builder);

/**
 * Names no issuer and takes them from the verifier's key sources instead, as API
 * Management does with an OpenID configuration: every source added to a
 * `jwtguard_verifier_builder` with this policy must be bound to issuers of its own
 * (an OpenID source without `issuers`: its discovered issuer; or a list); adding one
 * that is not fails with `JWTGUARD_POLICY_INVALID`. Issuers added as well still apply.
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_issuers_from_sources(struct jwtguard_policy_builder *builder);

/**
 * Adds a required claim (APIM `<required-claims>`): claim `name` must be present and,
 * when `n_values` > 0, hold the listed values as `match_mode` says (`JWTGUARD_MATCH_ALL` or
 * `JWTGUARD_MATCH_ANY`). A string claim is split by `separator` (1 to 16 bytes of
 * UTF-8, e.g. `" "` for `scp` or `", "`; NULL or length 0 keeps it whole), an array is
 * taken element by element, numbers and booleans compare by their JSON text (`42`,
 * `true`). Rules are checked in the order they were added.
 *
 * `values` may be NULL when `n_values` is 0 (presence only). An unknown `match_mode` or
 * text that is not UTF-8 is `JWTGUARD_INVALID_PARAMETER`; an empty name or a separator
 * longer than 16 bytes makes `jwtguard_policy_builder_build()` fail (`POLICY_INVALID`).
 *
 * # Safety
 * `builder` is NULL or a live builder handle; `name` and `separator` are each NULL (only
 * with length 0) or point to that many readable bytes; `values` is NULL (only with
 * `n_values` 0) or points to `n_values` readable `jwtguard_slice`s, each valid as that
 * type describes.
 */
jwtguard_result jwtguard_policy_builder_add_required_claim(struct jwtguard_policy_builder *builder,
                                                           const char *name,
                                                           size_t name_len,
                                                           const struct jwtguard_slice *values,
                                                           size_t n_values,
                                                           jwtguard_match match_mode,
                                                           const char *separator,
                                                           size_t separator_len);

/**
 * Same as `jwtguard_policy_builder_add_required_claim()`, with a fallback claim: where the
 * token has no claim `name`, the rule checks claim `fallback` instead (NULL or length 0:
 * none). APIM's client-application check is one: `azp` in v2.0 Microsoft Entra tokens,
 * `appid` in v1.0 tokens. Failures name `name`.
 *
 * # Safety
 * As `jwtguard_policy_builder_add_required_claim()`; `fallback` is NULL (only with
 * `fallback_len` 0) or points to `fallback_len` readable bytes.
 */
jwtguard_result jwtguard_policy_builder_add_required_claim_or(struct jwtguard_policy_builder *builder,
                                                              const char *name,
                                                              size_t name_len,
                                                              const struct jwtguard_slice *values,
                                                              size_t n_values,
                                                              jwtguard_match match_mode,
                                                              const char *separator,
                                                              size_t separator_len,
                                                              const char *fallback,
                                                              size_t fallback_len);

/**
 * Allows tokens whose header `typ` is `token_type`, compared as RFC 7515 media types
 * (ASCII case-insensitive, `application/` optional): `at+jwt` for RFC 9068 access
 * tokens, which tells them from ID tokens of the same issuer and audience. May be
 * called repeatedly; any listed type suffices. With none (the default) `typ` is not
 * checked; a token whose `typ` is not listed fails with `JWTGUARD_TOKEN_TYPE_NOT_ALLOWED`.
 *
 * # Safety
 * `builder` is NULL or a live builder handle; `token_type` is NULL (only with length 0)
 * or points to `token_type_len` readable bytes.
 */
jwtguard_result jwtguard_policy_builder_add_token_type(struct jwtguard_policy_builder *builder,
                                                       const char *token_type,
                                                       size_t token_type_len);

/**
 * Allows tokens of Microsoft Entra tenant `tenant_id` (compared ASCII case-insensitively
 * with the token's `tid`) where a multi-tenant issuer such as
 * `https://login.microsoftonline.com/{tenantid}/v2.0` matched. May be called repeatedly.
 * A policy with a multi-tenant issuer needs at least one allowed tenant, or
 * `jwtguard_policy_builder_any_tenant()`, else `build` fails (`POLICY_INVALID`). Exact
 * issuers are not affected.
 *
 * # Safety
 * `builder` is NULL or a live builder handle; `tenant_id` is NULL (only with length 0)
 * or points to `tenant_id_len` readable bytes.
 */
jwtguard_result jwtguard_policy_builder_add_allowed_tenant(struct jwtguard_policy_builder *builder,
                                                           const char *tenant_id,
                                                           size_t tenant_id_len);

/**
 * Lets a multi-tenant issuer accept the tokens of every tenant: only for an application
 * any organization may sign in to, whose own code decides per tenant (`tid`).
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_any_tenant(struct jwtguard_policy_builder *builder);

/**
 * Seconds of tolerance for `exp` and `nbf` (default 0).
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_set_clock_skew(struct jwtguard_policy_builder *builder,
                                                       uint64_t seconds);

/**
 * Whether a token without `exp` is rejected (default true).
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_set_require_expiration_time(struct jwtguard_policy_builder *builder,
                                                                    bool required);

/**
 * The algorithms tokens may use, as a mask of `JWTGUARD_ALG_*` flags (default
 * `JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256`). A token's `alg` only selects among the
 * allowed algorithms that its key supports. Allow only what the issuer signs with; the
 * HMAC flags (`JWTGUARD_ALG_HS*`) only for a key set of shared secrets loaded with
 * `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`. Unknown bits are `JWTGUARD_INVALID_PARAMETER`; an
 * empty mask makes `build` fail (`POLICY_INVALID`).
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_set_algorithms(struct jwtguard_policy_builder *builder,
                                                       uint32_t algorithms);

/**
 * Returns the JOSE name of the algorithm of one `JWTGUARD_ALG_*` flag, e.g. `"RS256"`
 * for `JWTGUARD_ALG_RS256` (a static string: never free it); NULL when `flag` is 0,
 * holds several bits, or a bit no algorithm has. Calling it for each bit from
 * `1 << 0` to `1 << 31` lists every algorithm this library implements.
 */
const char *jwtguard_algorithm_name(uint32_t flag);

/**
 * Returns the `JWTGUARD_ALG_*` flag of the algorithm with the JOSE name `name`, compared
 * exactly (case-sensitive: `"RS256"`, `"EdDSA"`); 0 for any other text (`"none"`,
 * `"rs256"`, text that is not UTF-8, NULL with a non-zero length).
 *
 * # Safety
 * `name` is NULL (only with `name_len` 0) or points to `name_len` readable bytes.
 */
uint32_t jwtguard_algorithm_from_name(const char *name,
                                      size_t name_len);

/**
 * Longest accepted token in bytes (default 16384), checked before anything else; 0
 * makes `build` fail.
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_set_max_token_len(struct jwtguard_policy_builder *builder,
                                                          size_t max_token_len);

/**
 * When a token's `kid` names no key, try every compatible key instead of failing with
 * `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` (APIM's behaviour for inline issuer keys).
 * Default false.
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_set_kid_miss_fallback(struct jwtguard_policy_builder *builder,
                                                              bool enabled);

/**
 * Whether a key's own `issuer` member (Microsoft Entra publishes one, with
 * `{tenantid}` filled from the token's `tid`) must equal the token's `iss`. Default
 * true.
 *
 * # Safety
 * `builder` is NULL or a live builder handle.
 */
jwtguard_result jwtguard_policy_builder_set_check_key_issuer(struct jwtguard_policy_builder *builder,
                                                             bool enabled);

/**
 * Validates the collected rules and returns a policy in `*out` (free it with
 * `jwtguard_policy_free()`). The builder is not consumed: it can be changed and built
 * again, and must still be freed.
 *
 * Fails with `JWTGUARD_POLICY_INVALID` naming the first problem in `detail` (no
 * audience and no `any_audience`, no issuer and no `any_issuer`, an empty value, no
 * algorithm, too many entries, ...), or with the code of the first setter that failed
 * on this builder. On failure `*out` is set to NULL.
 *
 * # Safety
 * `builder` is NULL or a live builder handle; `out` is NULL or valid for writing one
 * pointer; `detail` is NULL or valid for writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_policy_builder_build(const struct jwtguard_policy_builder *builder,
                                              const struct jwtguard_policy **out,
                                              char *detail,
                                              size_t detail_cap);

/**
 * Returns another reference to the same policy (the reference count goes up). Free
 * each reference once with `jwtguard_policy_free()`. Returns the same pointer, or NULL
 * when `policy` is NULL.
 *
 * # Safety
 * `policy` is NULL or a live policy handle.
 */
JWTGUARD_MUST_USE
const struct jwtguard_policy *jwtguard_policy_clone(const struct jwtguard_policy *policy);

/**
 * Releases one reference to a policy; it is freed with the last reference. NULL is
 * ignored.
 *
 * # Safety
 * `policy` is NULL or a live policy handle that the caller owns and does not use again.
 */
void jwtguard_policy_free(const struct jwtguard_policy *policy);

/**
 * Frees a verified token. NULL is ignored.
 *
 * # Safety
 * `token` is NULL or a live token handle that is not used again (by any thread).
 */
void jwtguard_token_free(struct jwtguard_token *token);

/**
 * Returns the algorithm the signature was verified with, as its JOSE name: a static
 * string such as `"RS256"`, `"PS256"` or `"EdDSA"` (never free it); NULL when `token`
 * is NULL.
 *
 * # Safety
 * `token` is NULL or a live token handle.
 */
const char *jwtguard_token_alg(const struct jwtguard_token *token);

/**
 * Copies the header's `kid` (unescaped) under the buffer convention;
 * `JWTGUARD_CLAIM_NOT_PRESENT` when the token has none.
 *
 * # Safety
 * `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_kid(const struct jwtguard_token *token,
                                   char *buf,
                                   size_t cap,
                                   size_t *out_len);

/**
 * Copies claim `name` as text under the buffer convention: a string unescaped; a
 * number or boolean as its JSON text (`42`, `1.5`, `true`); an array of those with
 * its elements joined by `separator` (e.g. `","`, or `" "` for `scp`-style output).
 * `JWTGUARD_CLAIM_NOT_PRESENT` when absent; `JWTGUARD_CLAIM_WRONG_TYPE` for an
 * object, `null`, or an array holding one of those or a nested array (use
 * `jwtguard_token_claim_json()` for those).
 *
 * The text is safe to put in an HTTP header or a log line, or it is not given:
 * `JWTGUARD_CLAIM_UNSAFE` (nothing written) when the value holds a control character
 * (CR, LF, NUL, tab, DEL: a signed `name` of `"Alice\r\nX-Admin: true"` must not
 * become a header), when an array element holds the separator (`["a,b"]` and
 * `["a","b"]` must not both give `a,b`), or when two or more elements would be joined
 * with an empty separator (NULL with length 0).
 *
 * # Safety
 * `token` is NULL or a live token handle; `name` and `separator` are NULL (only with
 * length 0) or point to that many readable bytes; `buf`/`cap`/`out_len` follow the
 * buffer convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_claim_string(const struct jwtguard_token *token,
                                            const char *name,
                                            size_t name_len,
                                            const char *separator,
                                            size_t separator_len,
                                            char *buf,
                                            size_t cap,
                                            size_t *out_len);

/**
 * Reads claim `name` as an integer into `*out` (0 unless `JWTGUARD_OK`). Only a JSON
 * integer that fits in `int64_t` is accepted (`1.0`, `1e3`, strings and other types
 * are `JWTGUARD_CLAIM_WRONG_TYPE`); `JWTGUARD_CLAIM_NOT_PRESENT` when absent.
 *
 * # Safety
 * `token` is NULL or a live token handle; `name` is NULL (only with length 0) or
 * points to `name_len` readable bytes; `out` is NULL or valid for writing one
 * `int64_t`.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_claim_int(const struct jwtguard_token *token,
                                         const char *name,
                                         size_t name_len,
                                         int64_t *out);

/**
 * Copies the raw JSON text of claim `name` under the buffer convention, exactly as
 * the token has it (escapes intact): `"a\/b"` with its quotes for a string, `[1,2]`,
 * `{"a":1}`, `42`, `true`, `null`. `JWTGUARD_CLAIM_NOT_PRESENT` when absent.
 *
 * # Safety
 * `token` is NULL or a live token handle; `name` is NULL (only with length 0) or
 * points to `name_len` readable bytes; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_claim_json(const struct jwtguard_token *token,
                                          const char *name,
                                          size_t name_len,
                                          char *buf,
                                          size_t cap,
                                          size_t *out_len);

/**
 * Copies the subject (`sub`, unescaped) under the buffer convention.
 * `JWTGUARD_CLAIM_NOT_PRESENT` when absent, `JWTGUARD_CLAIM_WRONG_TYPE` when not a
 * string.
 *
 * # Safety
 * `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_subject(const struct jwtguard_token *token,
                                       char *buf,
                                       size_t cap,
                                       size_t *out_len);

/**
 * Copies the issuer (`iss`, unescaped) under the buffer convention.
 * `JWTGUARD_CLAIM_NOT_PRESENT` when absent (possible only under `any_issuer`).
 *
 * # Safety
 * `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_issuer(const struct jwtguard_token *token,
                                      char *buf,
                                      size_t cap,
                                      size_t *out_len);

/**
 * Copies the audience (`aud`: a string, or an array's elements joined with `","`)
 * under the buffer convention. `JWTGUARD_CLAIM_NOT_PRESENT` when absent (possible only
 * under `any_audience`).
 *
 * # Safety
 * `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_audience(const struct jwtguard_token *token,
                                        char *buf,
                                        size_t cap,
                                        size_t *out_len);

/**
 * Reads the expiration time (`exp`, Unix seconds, a fraction rounded down) into `*out`
 * (0 unless `JWTGUARD_OK`). `JWTGUARD_CLAIM_NOT_PRESENT` when the token has no `exp`
 * (possible only when the policy does not require one).
 *
 * # Safety
 * `token` is NULL or a live token handle; `out` is NULL or valid for writing one
 * `uint64_t`.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_token_expiration(const struct jwtguard_token *token,
                                          uint64_t *out);

/**
 * Starts a verifier for `policy` (the policy is shared, not copied: the handle may be
 * freed afterwards). Returns NULL when `policy` is NULL or a panic was caught.
 *
 * # Safety
 * `policy` is NULL or a live policy handle.
 */
JWTGUARD_MUST_USE
struct jwtguard_verifier_builder *jwtguard_verifier_builder_new(const struct jwtguard_policy *policy);

/**
 * Frees a builder that was not built. NULL is ignored.
 *
 * # Safety
 * `builder` is NULL or a live builder handle that is not used again.
 */
void jwtguard_verifier_builder_free(struct jwtguard_verifier_builder *builder);

/**
 * Adds a key set given by the caller (replace it later with
 * `jwtguard_verifier_set_keys()`, e.g. when a key file changed). `issuers` (an array
 * of `n_issuers` strings, each may hold `{tenantid}`) binds its keys to those issuers;
 * `n_issuers` 0 lets them sign for any issuer the policy allows: only for keys that
 * are not one provider's. `*source_index` (optional) receives the source's index
 * (sources are numbered from 0 in the order they are added).
 *
 * # Safety
 * `builder` is NULL or a live builder handle used by no other thread; `keys` is NULL
 * or a live key set handle; `issuers` is NULL (only with `n_issuers` 0) or points to
 * `n_issuers` `jwtguard_slice`s, each valid as that type describes; `source_index` is
 * NULL or writable.
 */
jwtguard_result jwtguard_verifier_builder_add_keys(struct jwtguard_verifier_builder *builder,
                                                   const struct jwtguard_keyset *keys,
                                                   const struct jwtguard_slice *issuers,
                                                   size_t n_issuers,
                                                   size_t *source_index);

/**
 * Adds keys fetched from a JWK set URL (`https`; plain `http` only to a loopback
 * host, with `JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK` in `flags`; at most
 * `JWTGUARD_MAX_URL_LEN` bytes, no spaces or control characters: otherwise
 * `JWTGUARD_POLICY_INVALID`). `flags` also takes the `JWTGUARD_KEYSET_*` flags for
 * loading the fetched sets. Issuers and `*source_index` as for
 * `jwtguard_verifier_builder_add_keys()`.
 *
 * # Safety
 * As `jwtguard_verifier_builder_add_keys()`; `url` is NULL (only with `url_len` 0) or
 * points to `url_len` readable bytes.
 */
jwtguard_result jwtguard_verifier_builder_add_jwks_url(struct jwtguard_verifier_builder *builder,
                                                       const char *url,
                                                       size_t url_len,
                                                       const struct jwtguard_slice *issuers,
                                                       size_t n_issuers,
                                                       uint32_t flags,
                                                       size_t *source_index);

/**
 * Adds keys found through an OpenID Connect configuration document (its `jwks_uri`
 * is fetched next). With `n_issuers` 0 the keys sign only for the document's own
 * `issuer`; with issuers, only for those. URL and flags as for
 * `jwtguard_verifier_builder_add_jwks_url()`.
 *
 * # Safety
 * As `jwtguard_verifier_builder_add_jwks_url()`.
 */
jwtguard_result jwtguard_verifier_builder_add_openid_config(struct jwtguard_verifier_builder *builder,
                                                            const char *url,
                                                            size_t url_len,
                                                            const struct jwtguard_slice *issuers,
                                                            size_t n_issuers,
                                                            uint32_t flags,
                                                            size_t *source_index);

/**
 * The time from a successful fetch to the next one (seconds; default 3600), for the
 * fetching sources added after this call. 0 is `JWTGUARD_POLICY_INVALID`, and,
 * like any failed call on the builder, makes `jwtguard_verifier_builder_build()`
 * fail too.
 *
 * # Safety
 * `builder` is NULL or a live builder handle used by no other thread.
 */
jwtguard_result jwtguard_verifier_builder_set_refresh_interval(struct jwtguard_verifier_builder *builder,
                                                               uint64_t seconds);

/**
 * Remembers up to `capacity` verified tokens (0: no cache, the default), each for at
 * most `ttl_seconds` (at least 1; `jwtguard_default_cache_ttl()` is the usual value)
 * and never past its `exp`. A later call replaces an earlier one. A `capacity` above 0
 * with `ttl_seconds` 0 makes `jwtguard_verifier_builder_build()` fail
 * (`JWTGUARD_POLICY_INVALID`).
 *
 * # Safety
 * `builder` is NULL or a live builder handle used by no other thread.
 */
jwtguard_result jwtguard_verifier_builder_set_cache(struct jwtguard_verifier_builder *builder,
                                                    size_t capacity,
                                                    uint64_t ttl_seconds);

/**
 * Decrypts encrypted tokens (compact JWE whose content is a signed JWT) with `keys`
 * before verifying that JWT under the policy, as API Management's `<decryption-keys>`
 * does. The keys are shared, not copied: the handle may be freed afterwards. Without
 * decryption keys an encrypted token is `JWTGUARD_TOKEN_MALFORMED`. A library built
 * without the `aws-lc` feature has no decryption keys to give. A failure here also
 * makes `jwtguard_verifier_builder_build()` fail with the same code.
 *
 * # Safety
 * `builder` is NULL or a live builder handle used by no other thread; `keys` is NULL or
 * a live decryption keys handle.
 */
jwtguard_result jwtguard_verifier_builder_set_decryption_keys(struct jwtguard_verifier_builder *builder,
                                                              const struct jwtguard_decryption_keys *keys);

/**
 * Builds the verifier and frees the builder (also on failure). On success `*out`
 * receives the handle (free it with `jwtguard_verifier_free()`); otherwise `*out` is
 * NULL and the result (with `detail`) names the problem: the first failure of a call
 * on the builder, or e.g. no source at all.
 *
 * # Safety
 * `builder` is NULL or a live builder handle not used again; `out` is NULL or
 * writable; `detail` is NULL or valid for writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_builder_build(struct jwtguard_verifier_builder *builder,
                                                struct jwtguard_verifier **out,
                                                char *detail,
                                                size_t detail_cap);

/**
 * Frees a verifier. NULL is ignored. Tokens it returned stay valid.
 *
 * # Safety
 * `verifier` is NULL or a live verifier handle that no thread uses again.
 */
void jwtguard_verifier_free(struct jwtguard_verifier *verifier);

/**
 * Verifies a JWT access token (compact JWS; the algorithms the policy allows, RS256
 * and ES256 by default, see `jwtguard_policy_builder_set_algorithms()`) at `now` (Unix
 * seconds, from the caller's clock): from the cache when it verified before, else in
 * full: the signature with a key of the sources, then every rule of the policy.
 * `*cache_hit` (optional) tells which.
 *
 * Checks run in a fixed order (size, format, header, algorithm, key, signature,
 * payload JSON, claim rules), so a forged token always reports the signature or
 * format, never a claim. On success returns `JWTGUARD_OK` and `*out` receives a new
 * token handle (free it with `jwtguard_token_free()`); otherwise `*out` is set to NULL
 * and the result is the reason. `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` for an
 * unknown `kid` also makes fetching sources want a refetch (at most once per 5
 * minutes): call `jwtguard_verifier_start_fetch()`, and after the fetch verify again;
 * with keys of your own, replace them (`jwtguard_verifier_set_keys()`) and retry once.
 *
 * `token` is the bare token (no `Bearer ` prefix, no whitespace); NULL with
 * `token_len` 0 is `JWTGUARD_TOKEN_NOT_PRESENT`. A `token_len` over the policy's
 * maximum is `JWTGUARD_TOKEN_TOO_LARGE` without any byte being read. `detail`
 * (optional) receives `""` on success, else the precise rule, e.g.
 * ``"TokenClaimValueNotAllowed: a required claim does not have an allowed value
 * (claim `scp`)"``.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `token` is NULL (only with `token_len` 0) or
 * points to `token_len` readable bytes; `out` is NULL or writable; `cache_hit` is
 * NULL or writable; `detail` is NULL or valid for writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_verify(const struct jwtguard_verifier *verifier,
                                         const uint8_t *token,
                                         size_t token_len,
                                         uint64_t now,
                                         struct jwtguard_token **out,
                                         bool *cache_hit,
                                         char *detail,
                                         size_t detail_cap);

/**
 * True when a source wants a fetch at `now` (none is under way for it). False for a
 * NULL handle.
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
bool jwtguard_verifier_wants_fetch(const struct jwtguard_verifier *verifier,
                                   uint64_t now);

/**
 * Claims the next due fetch (one at a time per source). Returns true when one was
 * claimed, with `*source`, `*kind`, the URL in `url` (NUL-terminated) and its length
 * in `*url_len`: the caller must then GET the URL and answer with
 * `jwtguard_verifier_offer()` or `jwtguard_verifier_fetch_failed()` (a claimed fetch
 * not answered within 30 s counts as failed).
 *
 * Returns false, with `*source` 0, `*kind` `JWTGUARD_FETCH_NONE` and `*url_len` 0,
 * when no fetch is due. `url_cap` must exceed `JWTGUARD_MAX_URL_LEN` whatever the
 * URL (`char url[JWTGUARD_MAX_URL_LEN + 1]` always fits): with a smaller buffer nothing
 * is claimed, false is returned and `*url_len` is `JWTGUARD_MAX_URL_LEN` when a fetch
 * is due (0 otherwise). A NULL or misaligned `verifier`, `source`, `kind` or
 * `url_len` also returns false, claiming nothing. URLs are checked by the core:
 * `https` (or loopback `http` when allowed), no spaces or control characters.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `source`, `kind` and `url_len` are NULL or
 * writable; `url` is NULL or valid for writing `url_cap` bytes.
 */
JWTGUARD_MUST_USE
bool jwtguard_verifier_start_fetch(const struct jwtguard_verifier *verifier,
                                   uint64_t now,
                                   size_t *source,
                                   jwtguard_fetch_kind *kind,
                                   char *url,
                                   size_t url_cap,
                                   size_t *url_len);

/**
 * Answers `source`'s claimed fetch with the body of a successful (200) response. A
 * document that does not load (not a key set, no usable key, no `issuer` or an
 * unacceptable `jwks_uri` in a configuration) is an error (`detail` says which) and
 * counts as a failed fetch: the source keeps its last good keys and retries later, as
 * it does after invalid arguments. `*key_count` (optional) receives the number of
 * usable keys taken (0 for a configuration document, and on failure). An unknown
 * `source` is `JWTGUARD_INVALID_PARAMETER`.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `body` is NULL (only with `body_len` 0) or
 * points to `body_len` readable bytes; `key_count` is NULL or writable; `detail` is
 * NULL or valid for writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_offer(const struct jwtguard_verifier *verifier,
                                        size_t source,
                                        const uint8_t *body,
                                        size_t body_len,
                                        uint64_t now,
                                        size_t *key_count,
                                        char *detail,
                                        size_t detail_cap);

/**
 * `source`'s claimed fetch failed (an error status, a connection failure, an aborted
 * or truncated response): the source keeps its keys and retries after a back-off
 * (10 s, doubling, at most 300 s). NULL and unknown sources are ignored.
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
void jwtguard_verifier_fetch_failed(const struct jwtguard_verifier *verifier,
                                    size_t source,
                                    uint64_t now);

/**
 * Replaces the keys of a source added with `jwtguard_verifier_builder_add_keys()`
 * (e.g. a key file that changed); the cache empties itself. The key set is shared,
 * not copied. `JWTGUARD_INVALID_PARAMETER` for an unknown index,
 * `JWTGUARD_POLICY_INVALID` for a source that fetches its keys.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `keys` is NULL or a live key set handle.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_set_keys(const struct jwtguard_verifier *verifier,
                                           size_t source,
                                           const struct jwtguard_keyset *keys);

/**
 * Whether a fetch claimed with `jwtguard_verifier_start_fetch()` is still under way
 * at `now` (answered neither way, and claimed less than 30 s ago). A request that got
 * `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` meanwhile (a cold start, a rotation) may
 * wait for it and verify again; the timeout bounds the wait. False for NULL.
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
bool jwtguard_verifier_fetch_in_flight(const struct jwtguard_verifier *verifier,
                                       uint64_t now);

/**
 * How many fetches (`jwtguard_verifier_start_fetch()` claims) one verification may
 * make before it gives the verdict with the keys there are: two per fetching source
 * (an OpenID configuration and the keys it names), so a cold start loads every source
 * and a request never fetches in a loop. 0 for NULL.
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
size_t jwtguard_verifier_fetches_per_verification(const struct jwtguard_verifier *verifier);

/**
 * The earliest time (Unix seconds) a source may want a fetch, for timers:
 * `UINT64_MAX` when no source fetches (or `verifier` is NULL).
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
uint64_t jwtguard_verifier_next_fetch_at(const struct jwtguard_verifier *verifier);

/**
 * Number of usable keys `source` holds now (0 before its first fetch, for an unknown
 * index, or a NULL handle).
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
size_t jwtguard_verifier_source_key_count(const struct jwtguard_verifier *verifier,
                                          size_t source);

/**
 * The issuer `source`'s OpenID configuration document named, under the buffer
 * convention (`""` and `*out_len` 0 for a source that is not OpenID or has loaded no
 * document yet; a discovered issuer is never empty), and in `*trusted` whether a
 * token of that issuer can pass both the issuers `source` is bound to and the
 * policy's issuers (a `{tenantid}` template counts when a tenant fills it). `false`
 * means the configuration and the provider disagree: log it (once per fetch) so a
 * person can fix either; verdicts stay as strict as configured. The issuer holds no
 * control characters (the core refuses such a document).
 *
 * # Safety
 * `verifier` is NULL or a live handle; `trusted` and `out_len` are NULL or writable;
 * `buf` is NULL (only with `cap` 0) or valid for writing `cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_discovered_issuer(const struct jwtguard_verifier *verifier,
                                                    size_t source,
                                                    bool *trusted,
                                                    char *buf,
                                                    size_t cap,
                                                    size_t *out_len);

/**
 * Entries in the verifier's cache (0 without one, or for NULL).
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
size_t jwtguard_verifier_cache_len(const struct jwtguard_verifier *verifier);

/**
 * The default failure text of an API gateway answering 401, as Azure API Management
 * words it: `"Unauthorized. Access token is missing or invalid."` (static; never free).
 */
const char *jwtguard_default_failed_message(void);

/**
 * The default number of entries of a verified-token cache (1024).
 */
size_t jwtguard_default_cache_size(void);

/**
 * The default time, in seconds, a cached token is trusted without re-verification (300).
 */
uint64_t jwtguard_default_cache_ttl(void);

/**
 * Whether a request must sync `source` with its shared record (load, operation,
 * save, under the caller's lock) before it claims a fetch: `stamp` (the last one
 * published, read without the lock) differs from the last this handle saw, a fetch is
 * due by the schedule it last saw, or an unknown `kid` it met is not shared yet. False
 * for NULL, an unknown index, or a source with fixed keys.
 *
 * # Safety
 * `verifier` is NULL or a live handle.
 */
bool jwtguard_verifier_sync_due(const struct jwtguard_verifier *verifier,
                                size_t source,
                                uint64_t stamp,
                                uint64_t now);

/**
 * The name of `source`'s shared record under the buffer convention: sources of the
 * same name (in any verifier or process) fetch the same document on the same schedule
 * with the same options, so give them one record. `""` for a source with fixed keys.
 * Safe to log.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `out_len` is NULL or writable; `buf` is NULL
 * (only with `cap` 0) or valid for writing `cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_source_shared_name(const struct jwtguard_verifier *verifier,
                                                     size_t source,
                                                     char *buf,
                                                     size_t cap,
                                                     size_t *out_len);

/**
 * Under the caller's lock: takes `source`'s schedule from the shared record `state`
 * (`state_len` must be `JWTGUARD_SHARED_STATE_LEN`; zeroed or foreign bytes are no
 * record and change nothing). `*adopt` receives whether another process stored newer
 * documents: then call `jwtguard_verifier_adopt()` before giving up the lock.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `state` is NULL or points to `state_len`
 * readable bytes no other thread or process writes meanwhile (the caller's lock);
 * `adopt` is NULL or writable.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_load_shared(const struct jwtguard_verifier *verifier,
                                              size_t source,
                                              const uint8_t *state,
                                              size_t state_len,
                                              bool *adopt);

/**
 * Takes the documents another process stored for `source`: its last OpenID
 * configuration document (NULL with length 0 when none is stored, or for a source
 * that is not OpenID) and its last key set (likewise). The schedule does not change;
 * new keys empty the cache. A document that does not load changes nothing and is an
 * error (`detail` says which): the store does not hold what the fetching process
 * took.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `configuration` and `keys` are each NULL (only
 * with length 0) or point to as many readable bytes; `detail` is NULL or valid for
 * writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_adopt(const struct jwtguard_verifier *verifier,
                                        size_t source,
                                        const uint8_t *configuration,
                                        size_t configuration_len,
                                        const uint8_t *keys,
                                        size_t keys_len,
                                        char *detail,
                                        size_t detail_cap);

/**
 * Under the caller's lock: writes `source`'s schedule into the shared record `state`
 * (`state_len` must be `JWTGUARD_SHARED_STATE_LEN`). `*stamp` receives the record's
 * stamp (a new one when anything changed), for the caller to publish where other
 * processes read it without the lock. A source with fixed keys writes nothing.
 *
 * # Safety
 * `verifier` is NULL or a live handle; `state` is NULL or points to `state_len` bytes
 * readable and writable, which no other thread or process reads or writes meanwhile;
 * `stamp` is NULL or writable.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_verifier_save_shared(const struct jwtguard_verifier *verifier,
                                              size_t source,
                                              uint8_t *state,
                                              size_t state_len,
                                              uint64_t *stamp);

/**
 * Translates an APIM policy document with the strict defaults: unknown attributes and
 * elements are refused, an audience and an issuer are required, no named values.
 * Same as `jwtguard_apim_policy_from_xml_with_options()` with flags 0, no named values
 * and no allowed tenants; see there.
 *
 * # Safety
 * `xml` is NULL (only with `xml_len` 0) or points to `xml_len` readable bytes; `out`
 * is NULL or valid for writing one pointer; `detail` is NULL or valid for writing
 * `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_from_xml(const uint8_t *xml,
                                              size_t xml_len,
                                              struct jwtguard_apim_policy **out,
                                              char *detail,
                                              size_t detail_cap);

/**
 * Translates an APIM policy document (UTF-8, a byte-order mark allowed; at most 1 MiB):
 * a `<validate-jwt>` or `<validate-azure-ad-token>` element alone, in a `<fragment>`, or
 * inside a whole `<policies><inbound>...</inbound></policies>` document.
 *
 * - `flags`: 0 or a mask of `JWTGUARD_APIM_ALLOW_UNKNOWN`,
 *   `JWTGUARD_APIM_ALLOW_ANY_AUDIENCE`, `JWTGUARD_APIM_ALLOW_ANY_ISSUER`,
 *   `JWTGUARD_APIM_ALLOW_ANY_TENANT`; each relaxes one rule and leaves a note. Unknown
 *   bits are `JWTGUARD_INVALID_PARAMETER`.
 * - `named_value_names` / `named_value_values`: `n_named_values` pairs filling the
 *   document's `{{name}}` references (a reference without a value is refused). Values
 *   are never shown, whole or in part, in `detail` or in notes: jwtguard-policy quotes
 *   a value written with a reference as written (`{{name}}`), and its text is passed
 *   on unchanged. Both may be NULL when `n_named_values` is 0.
 * - `allowed_tenants`: `n_allowed_tenants` Microsoft Entra tenant IDs whose tokens a
 *   multi-tenant policy (`tenant-id="common"` / `"organizations"`, or such a discovery
 *   URL) accepts; such a policy without any, and without
 *   `JWTGUARD_APIM_ALLOW_ANY_TENANT`, is refused (`MissingAllowedTenants`). May be NULL
 *   when `n_allowed_tenants` is 0.
 *
 * On success `*out` receives a new handle (free it with `jwtguard_apim_policy_free()`).
 * A document that cannot be translated exactly is `JWTGUARD_POLICY_INVALID`, `*out` is
 * set to NULL and `detail` names the refusal and where it is, e.g.
 * `"PolicyInvalid: UnsignedTokensRefused at <validate-jwt> @require-signed-tokens
 * (line 1, column 1): ..."`: `require-signed-tokens="false"`, `<decryption-keys>`,
 * `certificate-id` keys, policy expressions other than the mapped `token-value` forms,
 * unknown attributes or elements, a missing audience, issuer or key source, an inline
 * key that `jwtguard_keyset_new()` would not load (e.g. an HMAC secret under 32 bytes:
 * `InvalidKey` naming the core's reason, `KeyTooSmall`), ... The
 * text never contains key material or named values' values. A document longer than
 * 1 MiB is refused before any byte is read.
 *
 * # Safety
 * `xml` is NULL (only with `xml_len` 0) or points to `xml_len` readable bytes;
 * `named_value_names` and `named_value_values` are NULL (only with `n_named_values` 0)
 * or point to `n_named_values` readable `jwtguard_slice`s each, and `allowed_tenants`
 * is NULL (only with `n_allowed_tenants` 0) or points to `n_allowed_tenants` of them,
 * each valid as that type describes; `out` is NULL or valid for writing one pointer;
 * `detail` is NULL or valid for writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_from_xml_with_options(const uint8_t *xml,
                                                           size_t xml_len,
                                                           uint32_t flags,
                                                           const struct jwtguard_slice *named_value_names,
                                                           const struct jwtguard_slice *named_value_values,
                                                           size_t n_named_values,
                                                           const struct jwtguard_slice *allowed_tenants,
                                                           size_t n_allowed_tenants,
                                                           struct jwtguard_apim_policy **out,
                                                           char *detail,
                                                           size_t detail_cap);

/**
 * Reads APIM named values kept as text, one `name=value` per line (the format of
 * `jwtguard-policy`'s `read_named_values`: names of ASCII letters, digits, `.`, `-`,
 * `_`, unique ignoring ASCII case; values trimmed of spaces and tabs, not empty, at most
 * 4096 bytes, no control characters but tab; blank lines and `#` lines skipped; at most
 * 1 MiB), for `jwtguard_apim_policy_from_xml_with_options()`.
 *
 * `*n_values` receives the number of named values; when they fit in `cap`,
 * `names[i]` and `values[i]` receive them in file order as slices of `text` (valid
 * while `text` is), else `JWTGUARD_BUFFER_TOO_SMALL` and nothing is written (call with
 * `cap` 0 to learn the count). Text that is not so is `JWTGUARD_POLICY_INVALID` with
 * `*n_values` 0, and `detail` names the line and the rule, e.g.
 * `"PolicyInvalid: InvalidNamedValues at the document (line 3, column 1): the line is
 * not name=value"`; it never shows a value or the text of a line.
 *
 * # Safety
 * `text` is NULL (only with `text_len` 0) or points to `text_len` readable bytes;
 * `names` and `values` are NULL (only with `cap` 0) or valid for writing `cap`
 * `jwtguard_slice`s each; `n_values` is NULL or valid for writing one `size_t`;
 * `detail` is NULL or valid for writing `detail_cap` bytes.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_named_values_read(const uint8_t *text,
                                                size_t text_len,
                                                struct jwtguard_slice *names,
                                                struct jwtguard_slice *values,
                                                size_t cap,
                                                size_t *n_values,
                                                char *detail,
                                                size_t detail_cap);

/**
 * Frees an APIM policy. NULL is ignored. References returned by
 * `jwtguard_apim_policy_policy()` are not affected.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle that is not used again (by any thread).
 */
void jwtguard_apim_policy_free(struct jwtguard_apim_policy *apim);

/**
 * Returns which policy the document held: `JWTGUARD_APIM_VALIDATE_JWT` or
 * `JWTGUARD_APIM_VALIDATE_AZURE_AD_TOKEN`; 0 when `apim` is NULL.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle.
 */
uint32_t jwtguard_apim_policy_kind(const struct jwtguard_apim_policy *apim);

/**
 * Returns a new reference to the core policy the document translates to, for
 * `jwtguard_verifier_builder_new()`: audiences, issuers, required claims, the client
 * application check of `validate-azure-ad-token`
 * (`<client-application-ids>`: the `azp` claim, or `appid` when the token has no
 * `azp`, must be listed; else `JWTGUARD_TOKEN_CLAIM_NOT_FOUND` or
 * `JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED`), clock skew, the `exp` rule, the
 * algorithms API Management accepts (RS256, RS512, PS256, ES256; HS256, HS384 and
 * HS512 too when the document has inline symmetric keys) and the kid-miss fallback
 * for inline keys. It is the whole token check. Release it with
 * `jwtguard_policy_free()`; it stays valid after `jwtguard_apim_policy_free()`. Every
 * call returns a reference to the same policy. Returns NULL when `apim` is NULL.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle.
 */
JWTGUARD_MUST_USE
const struct jwtguard_policy *jwtguard_apim_policy_policy(const struct jwtguard_apim_policy *apim);

/**
 * Where the token is read from: `*kind` receives a `JWTGUARD_TOKEN_SOURCE_*` value
 * (0 unless `JWTGUARD_OK`) and `name`, under the buffer convention, the header, query
 * parameter or cookie name. `*kind` is written even when `name` is too small.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `kind` is NULL or valid for writing one
 * `jwtguard_token_source`; `name`/`name_cap`/`name_len` follow the buffer convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_token_source(const struct jwtguard_apim_policy *apim,
                                                  jwtguard_token_source *kind,
                                                  char *name,
                                                  size_t name_cap,
                                                  size_t *name_len);

/**
 * Copies `require-scheme` (e.g. `"Bearer"`; compare case-insensitively with the
 * `Authorization` header's scheme) under the buffer convention; `""` (length 0) when the
 * policy sets none, or sets one APIM ignores (a token source other than the
 * `Authorization` header: a note says so).
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_require_scheme(const struct jwtguard_apim_policy *apim,
                                                    char *buf,
                                                    size_t cap,
                                                    size_t *out_len);

/**
 * Returns `failed-validation-httpcode`, the HTTP status of a rejection (100 to 599;
 * 401 when the policy does not set it); 0 when `apim` is NULL.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle.
 */
uint16_t jwtguard_apim_policy_failed_status(const struct jwtguard_apim_policy *apim);

/**
 * Copies `failed-validation-error-message`, the body of a rejection, under the buffer
 * convention. `*is_set` receives false when the policy sets none: APIM then answers
 * with a default text that depends on the failure (`"JWT not present."` when no token
 * was presented); the value is then `""`. An explicitly empty message is `*is_set`
 * true with `""`.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `is_set` is NULL or valid for writing
 * one `bool`; `buf`/`cap`/`out_len` follow the buffer convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_failed_message(const struct jwtguard_apim_policy *apim,
                                                    bool *is_set,
                                                    char *buf,
                                                    size_t cap,
                                                    size_t *out_len);

/**
 * Copies the body of a rejection for `result` under the buffer convention:
 * `failed-validation-error-message` when the policy sets one, else the text API
 * Management answers with for that failure: `"JWT not present."` for
 * `JWTGUARD_TOKEN_NOT_PRESENT`, `"JWT validation failed: <reason message>."` for the
 * other token results (e.g. `"JWT validation failed: token has expired."`). A result
 * that is not a token failure is `JWTGUARD_INVALID_PARAMETER`.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the
 * buffer convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_failure_message(const struct jwtguard_apim_policy *apim,
                                                     uint32_t result,
                                                     char *buf,
                                                     size_t cap,
                                                     size_t *out_len);

/**
 * Returns the number of OpenID Connect discovery documents (`<openid-config url>`; for
 * `validate-azure-ad-token`, the tenant's v2.0 document) whose `jwks_uri` keys the
 * caller must fetch and load; 0 when `apim` is NULL or the policy has only inline keys.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle.
 */
size_t jwtguard_apim_policy_openid_config_count(const struct jwtguard_apim_policy *apim);

/**
 * Copies discovery URL number `index` (0-based, in policy order, always `https`) under
 * the buffer convention. An index out of range is `JWTGUARD_INVALID_PARAMETER`.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_openid_config_url(const struct jwtguard_apim_policy *apim,
                                                       size_t index,
                                                       char *buf,
                                                       size_t cap,
                                                       size_t *out_len);

/**
 * Returns the number of issuers in the core policy that were not listed in `<issuers>`
 * but derived from a discovery URL (APIM reads them from the fetched document); 0 when
 * `apim` is NULL. A caller that fetches the discovery documents should check that each
 * document's `issuer` equals the derived one, and refuse the configuration otherwise.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle.
 */
size_t jwtguard_apim_policy_derived_issuer_count(const struct jwtguard_apim_policy *apim);

/**
 * Copies derived issuer number `index` (0-based) under the buffer convention: the
 * issuer when `url` is false, the discovery URL it follows from when `url` is true. An
 * index out of range is `JWTGUARD_INVALID_PARAMETER`.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_derived_issuer(const struct jwtguard_apim_policy *apim,
                                                    size_t index,
                                                    bool url,
                                                    char *buf,
                                                    size_t cap,
                                                    size_t *out_len);

/**
 * Copies the inline `<issuer-signing-keys>` of one kind as a JWK set document
 * (`{"keys":[...]}`) under the buffer convention; `""` (length 0) when the policy has
 * no inline key of that kind. `kind` is `JWTGUARD_APIM_KEYS_ASYMMETRIC` or
 * `JWTGUARD_APIM_KEYS_SYMMETRIC`; any other value is `JWTGUARD_INVALID_PARAMETER`.
 *
 * - Asymmetric: the RSA keys (`"kty":"RSA"`), ready for `jwtguard_keyset_new()`. With
 *   discovery URLs as well, put these keys and the fetched ones into one set.
 * - Symmetric: the HMAC secrets (`"kty":"oct"`), to load as a set of their own with
 *   `JWTGUARD_KEYSET_ALLOW_SYMMETRIC` (a set that also holds asymmetric keys skips
 *   them), never merged with fetched keys. The core policy allows HS256/384/512 only
 *   when the document has such keys. Treat this text as a secret: it is the only output
 *   that holds key material (wipe it once the set is loaded).
 *
 * A policy with both kinds needs both sets; a token is checked against the set of its
 * `alg`'s kind (a `kid` naming a key of the other set is not found in this one).
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_inline_jwks(const struct jwtguard_apim_policy *apim,
                                                 uint32_t kind,
                                                 char *buf,
                                                 size_t cap,
                                                 size_t *out_len);

/**
 * Copies the policy's `<decryption-keys>` as a JWK set document of `oct` keys
 * (`{"keys":[...]}`, each `<key>`'s base64 secret with its `id` as `kid`) under the
 * buffer convention, for `jwtguard_decryption_keys_new()`; `""` (length 0) when the
 * policy has none. Treat this text as a secret (wipe it once the keys are loaded).
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_decryption_jwks(const struct jwtguard_apim_policy *apim,
                                                     char *buf,
                                                     size_t cap,
                                                     size_t *out_len);

/**
 * Returns the number of notes: settings accepted without effect, defaults applied,
 * issuers derived from discovery URLs, policies beside the validation policy that were
 * not translated. 0 when `apim` is NULL.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle.
 */
size_t jwtguard_apim_policy_note_count(const struct jwtguard_apim_policy *apim);

/**
 * Copies note number `index` (0-based) as one line, `"<location>: <message>"` (e.g.
 * `"<validate-jwt> @output-token-variable-name (line 1, column 1): accepted, ..."`),
 * under the buffer convention. Safe to log. An index out of range is
 * `JWTGUARD_INVALID_PARAMETER`.
 *
 * # Safety
 * `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_apim_policy_note(const struct jwtguard_apim_policy *apim,
                                          size_t index,
                                          char *buf,
                                          size_t cap,
                                          size_t *out_len);

/**
 * Finds the access token in one piece of an HTTP request, the way Azure API Management
 * takes it from the token source `source` named `name` (see
 * `jwtguard_apim_policy_token_source`); `text` is the piece that source reads:
 *
 * - `JWTGUARD_TOKEN_SOURCE_HEADER`: the value of the first header named `name`. For
 *   `Authorization` (name compared case-insensitively) the value must start with
 *   `scheme` (compared case-insensitively; `""` is `Bearer`) after optional spaces and
 *   tabs, followed by at least one space or tab; the token is the rest. For another
 *   header the token is the whole value. Surrounding spaces and tabs are removed.
 * - `JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD`: the value of the first header named
 *   `name`; the token is what follows its last space.
 * - `JWTGUARD_TOKEN_SOURCE_QUERY`: the query string (without `?`); the token is the
 *   value of its first `name=value` item (name compared exactly), as written: decode
 *   it with `jwtguard_http_decode_token()` (see `jwtguard_token_source_is_url_encoded()`).
 * - `JWTGUARD_TOKEN_SOURCE_COOKIE`: the value of one `Cookie` header (try each in
 *   order); the token is the value of its first `;`-separated item, spaces and tabs
 *   removed, that starts with `name=` (name compared exactly).
 *
 * On `JWTGUARD_OK` the token is the `*out_len` bytes at `text + *out_offset` (it may be
 * empty: the token was named without a value). `JWTGUARD_TOKEN_NOT_PRESENT` when
 * `text` holds no token (another scheme, the scheme alone, no such item). The rules are
 * `jwtguard_policy::http::find_token`'s.
 *
 * # Safety
 * `name`, `scheme` and `text` follow the input convention; `out_offset` and `out_len`
 * are NULL or valid for writing one `size_t` each.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_http_find_token(jwtguard_token_source source,
                                         const char *name,
                                         size_t name_len,
                                         const char *scheme,
                                         size_t scheme_len,
                                         const uint8_t *text,
                                         size_t text_len,
                                         size_t *out_offset,
                                         size_t *out_len);

/**
 * Whether a token found in `source` is URL-encoded, so that it must go through
 * `jwtguard_http_decode_token()` before it is verified: true for
 * `JWTGUARD_TOKEN_SOURCE_QUERY` and `JWTGUARD_TOKEN_SOURCE_COOKIE` (as API Management
 * reads query parameters, and as clients encode them), false for headers and for a
 * value that is not a `JWTGUARD_TOKEN_SOURCE_*`. The rule is
 * `jwtguard_policy::http::TokenSourceKind::is_url_encoded`'s.
 */
bool jwtguard_token_source_is_url_encoded(jwtguard_token_source source);

/**
 * Percent-decodes a token read from a URL-encoded source (a query parameter, a
 * cookie) under the buffer convention (`cap` > `text_len` always suffices): each `%`
 * followed by two hex digits becomes the byte they name, every other byte is copied
 * (`+` too). `JWTGUARD_TOKEN_MALFORMED` when a `%` is not followed by two hex digits
 * (nothing is written). A compact JWS never holds `%`, so only what a client encoded
 * changes. The rules are `jwtguard_policy::http::percent_decode`'s.
 *
 * # Safety
 * `text` follows the input convention; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_http_decode_token(const uint8_t *text,
                                           size_t text_len,
                                           char *buf,
                                           size_t cap,
                                           size_t *out_len);

/**
 * Copies the value of the `WWW-Authenticate` header that answers a rejection for
 * `result` with HTTP status `status` under the buffer convention, e.g.
 * `Bearer realm="api", error="invalid_token", error_description="TokenExpired"`:
 * `Bearer`, then ` realm="<realm>"` when `realm` is not empty (copied as given), then,
 * unless `result` is `JWTGUARD_TOKEN_NOT_PRESENT`, `error="invalid_token"` (or
 * `"insufficient_scope"` when a 403 answers `JWTGUARD_TOKEN_CLAIM_NOT_FOUND` or
 * `JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED`, RFC 6750 section 3.1) and
 * `error_description="<jwtguard_result_name(result)>"` (`"Unknown"` for a code that is
 * not one of the core's reasons). The rules are `jwtguard_policy::http::challenge`'s.
 *
 * # Safety
 * `realm` follows the input convention; `buf`/`cap`/`out_len` follow the buffer
 * convention.
 */
JWTGUARD_MUST_USE
jwtguard_result jwtguard_http_challenge(uint32_t result,
                                        uint16_t status,
                                        const char *realm,
                                        size_t realm_len,
                                        char *buf,
                                        size_t cap,
                                        size_t *out_len);

/**
 * A watch that looks at the file every `interval_seconds` (the first time that long
 * after `now`; load the file yourself when you start, and say so with
 * `jwtguard_key_file_watch_loaded`). Free it with `jwtguard_key_file_watch_free`. NULL
 * only when a panic was caught.
 */
JWTGUARD_MUST_USE
struct jwtguard_key_file_watch *jwtguard_key_file_watch_new(uint64_t interval_seconds,
                                                            uint64_t now);

/**
 * Frees a watch. NULL is ignored.
 *
 * # Safety
 * `watch` is NULL or a live watch handle that is not used again.
 */
void jwtguard_key_file_watch_free(struct jwtguard_key_file_watch *watch);

/**
 * Looks at the file at least every `interval_seconds` from now on (the shortest
 * interval asked for wins: for a file several users share). NULL is ignored.
 *
 * # Safety
 * `watch` is NULL or a live watch handle no other thread uses during the call.
 */
void jwtguard_key_file_watch_shorten_interval(struct jwtguard_key_file_watch *watch,
                                              uint64_t interval_seconds);

/**
 * True when the file is to be looked at (`stat`) at `now`, which then counts as the
 * last look: at most once per interval, and at once after the clock stepped back.
 * False for NULL.
 *
 * # Safety
 * `watch` is NULL or a live watch handle no other thread uses during the call.
 */
bool jwtguard_key_file_watch_check_due(struct jwtguard_key_file_watch *watch,
                                       uint64_t now);

/**
 * What to do with `*version`, the version the file has now: any difference from the
 * version loaded (time to the nanosecond, size, identity) is a change.
 * `JWTGUARD_FILE_CHANGED` for NULL arguments (reading the file is the safe side).
 *
 * # Safety
 * `watch` is NULL or a live watch handle; `version` is NULL or points to a version.
 */
enum jwtguard_file_change jwtguard_key_file_watch_change(const struct jwtguard_key_file_watch *watch,
                                                         const struct jwtguard_file_version *version);

/**
 * `*version` (`fstat` of the file as it was read) was read and loaded at `now`. NULL
 * arguments are ignored.
 *
 * # Safety
 * `watch` is NULL or a live watch handle no other thread uses during the call;
 * `version` is NULL or points to a version.
 */
void jwtguard_key_file_watch_loaded(struct jwtguard_key_file_watch *watch,
                                    const struct jwtguard_file_version *version,
                                    uint64_t now);

/**
 * `*version` could not be read or did not load (keep the keys in use). True the first
 * time this version fails (log it at error level), false while it keeps failing (log
 * quieter). True for NULL arguments.
 *
 * # Safety
 * `watch` is NULL or a live watch handle no other thread uses during the call;
 * `version` is NULL or points to a version.
 */
bool jwtguard_key_file_watch_failed(struct jwtguard_key_file_watch *watch,
                                    const struct jwtguard_file_version *version);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* JWTGUARD_H */
