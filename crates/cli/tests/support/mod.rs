//! What the CLI's tests share: running the built `tailor` binary.

use std::process::{Command, Output};

/// `tailor` with `args`, run to completion.
pub(crate) fn tailor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tailor"))
        .args(args)
        .output()
        .expect("run tailor")
}
