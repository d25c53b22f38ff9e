//! `iamz demo`: runs the bundled examples listed in `examples/demo.json`,
//! printing each one's title, command and result.

use super::{bad_input, exit, Cli};
use crate::source::{member, JsonSource};
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct DemoArguments {
    /// The examples folder (default: `examples/` here, else the one beside
    /// the iamz sources).
    #[arg(long)]
    pub examples: Option<PathBuf>,
}

fn examples_folder(arguments: &DemoArguments) -> PathBuf {
    if let Some(folder) = &arguments.examples {
        return folder.clone();
    }
    let here = PathBuf::from("examples");
    if here.join("demo.json").is_file() {
        return here;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

pub fn run(arguments: &DemoArguments, out: &mut dyn Write) -> u8 {
    let folder = examples_folder(arguments);
    let manifest = folder.join("demo.json");
    let source = match JsonSource::load(&manifest) {
        Ok(source) => source,
        Err(error) => return bad_input(&error),
    };
    let steps = match &source.root.value {
        crate::policy::json::JsonValue::Array(steps) => steps,
        _ => {
            return bad_input(&format!(
                "{}: expected an array of steps",
                manifest.display()
            ))
        }
    };
    let mut failures = 0;
    for (index, step) in steps.iter().enumerate() {
        let path = format!("[{index}]");
        let read = || -> Result<(String, Vec<String>, u8), crate::source::InputError> {
            let members = source.object(step, &path, &["title", "args", "expect_exit"])?;
            let title = member(members, "title")
                .map(|node| source.string(node, "title").map(str::to_string))
                .transpose()?;
            let args = member(members, "args")
                .map(|node| source.string_list(node, &format!("{path}.args")))
                .transpose()?
                .unwrap_or_default();
            let expected = match member(members, "expect_exit") {
                Some(node) => source
                    .scalar_text(node, &format!("{path}.expect_exit"))?
                    .parse()
                    .unwrap_or(0),
                None => 0,
            };
            Ok((title.unwrap_or_default(), args, expected))
        };
        let (title, args, expected) = match read() {
            Ok(step) => step,
            Err(error) => return bad_input(&error),
        };
        // Paths in the manifest are relative to the examples folder (the
        // first argument is the subcommand, never a path).
        let resolved: Vec<String> = args
            .iter()
            .enumerate()
            .map(|(index, argument)| {
                let candidate = folder.join(argument);
                if index > 0 && !argument.starts_with('-') && candidate.exists() {
                    candidate.display().to_string()
                } else {
                    argument.clone()
                }
            })
            .collect();
        let _ = writeln!(out, "== {title}");
        let _ = writeln!(out, "$ iamz {}", args.join(" "));
        let cli = match Cli::try_parse_from(std::iter::once("iamz".to_string()).chain(resolved)) {
            Ok(cli) => cli,
            Err(error) => return bad_input(&error),
        };
        let code = super::run(cli.command, out);
        let verdict = if code == expected {
            "as expected"
        } else {
            "UNEXPECTED"
        };
        let _ = writeln!(out, "(exit {code}, {verdict})\n");
        if code != expected {
            failures += 1;
        }
    }
    if failures == 0 {
        let _ = writeln!(
            out,
            "demo: all {} examples behaved as expected",
            steps.len()
        );
        exit::HOLDS
    } else {
        let _ = writeln!(
            out,
            "demo: {failures} of {} examples did not behave as expected",
            steps.len()
        );
        exit::INCONCLUSIVE
    }
}
