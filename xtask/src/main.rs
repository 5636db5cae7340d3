fn main() {
    println!("cargo xtask run | test | bench");
}
