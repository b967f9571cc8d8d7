//! `tailor`: the command line over Tailor's crates. `check` validates a config, `train`
//! turns event logs into a publishable model, `eval` measures the edge's ranking offline,
//! `report` compares the arms of experiments and writes the bandit's next split.

mod args;
mod chart;
mod check;
mod eval;
mod publish;
mod rankers;
mod report;
mod train;

use std::process::ExitCode;

const USAGE: &str = "usage:
  tailor check <config.json>
  tailor train --log <files...> [--import <files...>] --catalogue <files...> --out <dir>
               [--version v] [--neighbours K] [--shards N]
  tailor eval --interactions <file> [--protocol leave-last-out|session] [--k 10]
              [--json out.json] [--markdown out.md]
  tailor report --log <files... or -> [--config config.json] [--control ARM]
                [--markdown out.md] [--json out.json] [--svg out.svg]
                [--metric click-through|goal:<name>] [--write-weights <dir>] [--version v]
                [--floor 0.01] [--burn-in 100] [--seed 0]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let outcome = match command.as_str() {
        "check" => return check::run(rest),
        "train" => args::Args::parse(rest).and_then(|a| train::run(&a)),
        "eval" => args::Args::parse(rest).and_then(|a| eval::run(&a)),
        "report" => args::Args::parse(rest).and_then(|a| report::run(&a)),
        _ => Err(format!("unknown command '{command}'")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tailor {command}: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}
