fn main() {
    println!("triage {}", env!("CARGO_PKG_VERSION"));
}
