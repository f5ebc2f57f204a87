//! Reads `src/k8s/builtin.yaml` (every Kubernetes fact the tool relies on) with
//! the tool's own serde types, so a broken table fails the build with its line,
//! and writes it as JSON for the binary to embed: loading JSON costs microseconds
//! per run, reading the YAML took millions of instructions.

#[path = "src/k8s/schema.rs"]
#[allow(dead_code)]
mod schema;

fn main() {
    println!("cargo:rerun-if-changed=src/k8s/builtin.yaml");
    println!("cargo:rerun-if-changed=src/k8s/schema.rs");
    let yaml = std::fs::read_to_string("src/k8s/builtin.yaml").expect("src/k8s/builtin.yaml");
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    let file: schema::File = serde_saphyr::from_str_with_options(&yaml, options)
        .unwrap_or_else(|e| panic!("src/k8s/builtin.yaml: {e}"));
    let json = serde_json::to_string(&file).expect("the table serializes");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("builtin.json"), json).expect("write builtin.json");
}
