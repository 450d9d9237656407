// Rebuild when any file of the embedded theme changes, is added or is removed.
fn main() {
    println!("cargo:rerun-if-changed=theme");
}
