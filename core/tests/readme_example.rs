//! core/README.md shows the Rust examples exactly as `examples/readme.rs`,
//! `examples/verifier.rs` and `examples/jwe.rs` compile them. (The project's front page shows parts of
//! `examples/readme.rs`; `scripts/check-docs.py` checks those.)

/// The text between the markers of example `name`.
fn example_body(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let example = std::fs::read_to_string(format!("{root}/examples/{name}.rs")).unwrap();
    example
        .split("// README example start\n")
        .nth(1)
        .and_then(|rest| rest.split("// README example end").next())
        .expect("markers in the example")
        .to_owned()
}

#[test]
fn readme_rust_examples_are_the_compiled_ones() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```rust\n").skip(1).filter_map(|rest| rest.split("```").next()).collect();
    assert_eq!(
        blocks.first().copied(),
        Some(example_body("readme").as_str()),
        "core/README.md differs from examples/readme.rs"
    );
    assert_eq!(
        blocks.get(1).copied(),
        Some(example_body("verifier").as_str()),
        "core/README.md differs from examples/verifier.rs"
    );
    assert_eq!(
        blocks.get(2).copied(),
        Some(example_body("jwe").as_str()),
        "core/README.md differs from examples/jwe.rs"
    );
}
