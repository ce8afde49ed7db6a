// The bundled rubrics and demo data are compiled into the binary; rebuild when they change
// (a directory is scanned recursively, so new files count too).
fn main() {
    println!("cargo:rerun-if-changed=rubrics");
    println!("cargo:rerun-if-changed=submissions");
    println!("cargo:rerun-if-changed=demo-kent");
}
