//! The committed `include/jwtguard.h` must be exactly what cbindgen generates from the
//! current sources, and its result codes must be the library's.

use std::path::PathBuf;

use jwtguard::jwtguard_result;

const BLESS: &str = "JWTGUARD_BLESS=1 cargo test -p jwtguard-ffi --test header header_is_current";

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("include").join("jwtguard.h")
}

fn generate() -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut bytes = Vec::new();
    bindings.write(&mut bytes);
    String::from_utf8(bytes).expect("the header is UTF-8")
}

#[test]
fn header_is_current() {
    let generated = generate();
    let path = header_path();
    if std::env::var_os("JWTGUARD_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write include/jwtguard.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first = committed.lines().zip(generated.lines()).position(|(a, b)| a != b);
        panic!(
            "ffi-c/include/jwtguard.h is stale (first differing line: {}); regenerate it with\n    {BLESS}\nand commit it",
            first.map_or_else(|| "past the end of the shorter file".to_owned(), |n| (n + 1).to_string())
        );
    }
}

/// Every `JWTGUARD_X = N` the committed header declares is the library's result code
/// `JWTGUARD_X` with value N, and every result code is declared.
#[test]
fn header_declares_every_result_code() {
    let header = std::fs::read_to_string(header_path()).expect("include/jwtguard.h exists");
    let mut declared = Vec::new();
    let enum_body = header
        .lines()
        .skip_while(|line| !line.contains("enum jwtguard_result"))
        .take_while(|line| !line.starts_with('}'));
    for line in enum_body {
        let line = line.trim().trim_end_matches(',');
        let Some((name, value)) = line.split_once(" = ") else { continue };
        if !name.starts_with("JWTGUARD_") {
            continue;
        }
        let value: u32 = value.parse().unwrap_or_else(|_| panic!("{name}: value {value:?}"));
        let result = jwtguard_result::from_code(value).unwrap_or_else(|| panic!("{name} = {value} is not a result"));
        assert_eq!(format!("{result:?}"), name);
        declared.push(result);
    }
    assert_eq!(declared, jwtguard_result::ALL, "the header's enum lists every result code, in order");
}
