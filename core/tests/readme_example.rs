//! README.md shows the Rust example exactly as `examples/readme.rs` compiles it.

#[test]
fn readme_rust_example_is_the_compiled_one() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/../README.md")).unwrap();
    let example = std::fs::read_to_string(format!("{root}/examples/readme.rs")).unwrap();
    let body = example
        .split("// README example start\n")
        .nth(1)
        .and_then(|rest| rest.split("// README example end").next())
        .expect("markers in examples/readme.rs");
    let block = readme.split("```rust\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a rust block");
    assert_eq!(block, body, "README's Rust example differs from core/examples/readme.rs");
}
