//! Regenerates the demo origin's photos (`cargo run --release --example make_demo_images`).
//! They are synthetic so the repository ships no third-party pictures.

use std::path::Path;
use tailor_testing::synthetic;

fn main() -> std::io::Result<()> {
    let dir = Path::new("demo/origin/photos");
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("harbour.jpg"),
        synthetic::jpeg(&synthetic::photo(1600, 1067, 42), 88),
    )?;
    for i in 1..=12u32 {
        let photo = synthetic::photo(900, 600, i * 7);
        std::fs::write(
            dir.join(format!("item-{i:02}.jpg")),
            synthetic::jpeg(&photo, 85),
        )?;
    }
    std::fs::write(
        dir.join("badge.png"),
        synthetic::png(&synthetic::with_alpha(400, 400)),
    )?;
    Ok(())
}
