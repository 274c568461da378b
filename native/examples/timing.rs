//! Rough per-line timing of the core without Python (tables from Rust's own Unicode data).
use std::time::Instant;

fn main() {
    let core = _native::features::Core::new(_native::tables::Tables::for_examples());
    for line in ["Hello world this is a sentence.", "Hello world this is a sentence", "xx",
                 "今天下午3点20分 发布于 2024-05-06 Posted Mar 3, 2024 by someone at 12:30"] {
        let n = 200_000;
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(core.line_features(std::hint::black_box(line)));
        }
        println!("{:>8.3} us  {line}", start.elapsed().as_secs_f64() / n as f64 * 1e6);
    }
}
