//! `data/` is built into the binary (`src/data.rs`): rebuild when it changes.
fn main() {
    println!("cargo:rerun-if-changed=data");
}
