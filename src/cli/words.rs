//! The command line in the user's language: `--help` and usage errors worded from the
//! message catalogues (clap's own words are English).

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use super::Cli;
use crate::messages::{Catalogue, Lang};
use crate::msg;

/// Parses the command line; on `--help`, `--version` or a usage error, prints what to print
/// (in the language `--lang`, `DAFU_LANG` or the site's site.toml asks for) and gives the
/// exit code: 0 for help and version, 2 for a usage error.
pub fn parse(args: Vec<OsString>) -> Result<Cli, i32> {
    let args = help_subcommand(args);
    let cat = Catalogue::new(language(&args));
    let mut command = worded(Cli::command(), &cat, &[]);
    match command.try_get_matches_from_mut(&args) {
        Ok(matches) => Cli::from_arg_matches(&matches).map_err(|e| {
            eprintln!(
                "{}",
                cat.get(&msg!("cli-error-other", detail = e.to_string()))
            );
            2
        }),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                // Into a pipe that may close early (`dafu --help | head`): not a panic.
                use std::io::Write;
                let _ = write!(std::io::stdout(), "{e}");
                Err(0)
            }
            // `dafu` alone, or `dafu build` with what it requires missing: its help.
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
                eprint!("{}", command.render_help());
                Err(2)
            }
            _ => {
                eprintln!("{}", error_text(&e, &args, &command, &cat));
                Err(2)
            }
        },
    }
}

/// `dafu help [COMMAND]` as `dafu [COMMAND] --help` (clap's own `help` command is English).
fn help_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a == "--lang" || a == "--root" {
            i += 2;
        } else if a.to_str().is_some_and(|a| a.starts_with('-')) {
            i += 1;
        } else {
            if a == "help" {
                args.remove(i);
                args.push("--help".into());
            }
            break;
        }
    }
    args
}

/// The language asked for before the command line is parsed: `--lang`, `DAFU_LANG`, or the
/// site.toml of `--root` (or of the folder `dafu init` makes, or of the current folder).
fn language(args: &[OsString]) -> Lang {
    let value_of = |name: &str| {
        args.iter().enumerate().find_map(|(i, a)| {
            let a = a.to_str()?;
            match a.strip_prefix(name)? {
                "" => args.get(i + 1)?.to_str().map(str::to_string),
                rest => rest.strip_prefix('=').map(str::to_string),
            }
        })
    };
    let root = value_of("--root").unwrap_or_else(|| ".".into());
    Lang::choose(value_of("--lang").as_deref(), std::path::Path::new(&root))
}

/// `command` (a subcommand under `path`) with its texts from the catalogue: about, usage,
/// headings, every argument's help and value name, and help and version flags of its own.
fn worded(command: Command, cat: &Catalogue, path: &[&str]) -> Command {
    let name = command.get_name().to_string();
    let mut full: Vec<&str> = path.to_vec();
    full.push(&name);
    let is_top = path.is_empty();
    let mut command = command
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(cat.text("cli-arg-help")),
        );
    if is_top {
        command = command
            .about(cat.text("cli-about"))
            .disable_version_flag(true)
            .arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help(cat.text("cli-arg-version")),
            )
            .subcommand_value_name(cat.text("cli-value-command"));
    } else if let Some(about) = command_about(cat, &name) {
        command = command.about(about);
    }
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in &ids {
        let help = arg_help(cat, &name, id);
        let value = value_name(cat, id);
        command = command.mut_arg(id.as_str(), |mut a| {
            if let Some(h) = help.clone() {
                a = a.help(h);
            }
            // Defaults and choices are in the help text, in its words.
            if a.get_action().takes_values() {
                a = a.hide_default_value(true).hide_possible_values(true);
                if let Some(v) = value.clone() {
                    a = a.value_name(v);
                }
            }
            a
        });
    }
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in &subcommands {
        command = command.mut_subcommand(sub.as_str(), |s| worded(s, cat, &full));
    }
    let has_options = command.get_arguments().any(|a| !a.is_positional());
    let has_positionals = command.get_arguments().any(|a| a.is_positional());
    let usage = usage_line(&command, &full.join(" "), cat);
    let mut template = format!(
        "{{about-with-newline}}\n{}{{usage}}\n",
        cat.text("cli-heading-usage")
    );
    if !subcommands.is_empty() {
        template.push_str(&format!(
            "\n{}\n{{subcommands}}\n",
            cat.text("cli-heading-commands")
        ));
    }
    if has_positionals {
        template.push_str(&format!(
            "\n{}\n{{positionals}}\n",
            cat.text("cli-heading-arguments")
        ));
    }
    if has_options {
        template.push_str(&format!(
            "\n{}\n{{options}}\n",
            cat.text("cli-heading-options")
        ));
    }
    command.override_usage(usage).help_template(template)
}

/// `command`'s usage (`dafu build [选项]`), `name` being its full name.
fn usage_line(command: &Command, name: &str, cat: &Catalogue) -> String {
    let mut usage = name.to_string();
    if command.get_arguments().any(|a| !a.is_positional()) {
        usage.push_str(&format!(" [{}]", cat.text("cli-value-options")));
    }
    if command.has_subcommands() {
        usage.push_str(&format!(" <{}>", cat.text("cli-value-command")));
    }
    for a in command.get_positionals() {
        let v = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| a.get_id().to_string());
        let many = matches!(a.get_action(), ArgAction::Append);
        usage.push_str(&format!(" <{v}>{}", if many { "..." } else { "" }));
    }
    usage
}

fn command_about(cat: &Catalogue, name: &str) -> Option<String> {
    Some(match name {
        "build" => cat.text("cli-cmd-build"),
        "serve" => cat.text("cli-cmd-serve"),
        "check" => cat.text("cli-cmd-check"),
        "init" => cat.text("cli-cmd-init"),
        "new" => cat.text("cli-cmd-new"),
        "import" => cat.text("cli-cmd-import"),
        _ => return None,
    })
}

/// The help of argument `id` of `command` (`help` and `version` are made with theirs).
fn arg_help(cat: &Catalogue, command: &str, id: &str) -> Option<String> {
    Some(match (command, id) {
        (_, "lang") => cat.text("cli-arg-lang"),
        ("import", "root") => cat.text("cli-arg-root-import"),
        (_, "root") => cat.text("cli-arg-root"),
        (_, "output") => cat.text("cli-arg-output"),
        (_, "base_url") => cat.text("cli-arg-base-url"),
        ("build", "drafts") => cat.text("cli-arg-drafts-build"),
        ("serve", "drafts") => cat.text("cli-arg-drafts-serve"),
        ("check", "drafts") => cat.text("cli-arg-drafts-check"),
        (_, "no_cache") => cat.text("cli-arg-no-cache"),
        ("serve", "timings") => cat.text("cli-arg-timings-serve"),
        (_, "timings") => cat.text("cli-arg-timings"),
        (_, "bind") => cat.text("cli-arg-bind"),
        (_, "port") => cat.text("cli-arg-port"),
        (_, "open") => cat.text("cli-arg-open"),
        (_, "poll") => cat.text("cli-arg-poll"),
        (_, "allow_host") => cat.text("cli-arg-allow-host"),
        (_, "files_in_memory") => cat.text("cli-arg-files-in-memory"),
        (_, "dir") => cat.text("cli-arg-dir"),
        (_, "kind") => cat.text("cli-arg-kind"),
        (_, "number") => cat.text("cli-arg-number"),
        (_, "title") => cat.text("cli-arg-title"),
        (_, "session") => cat.text("cli-arg-session"),
        (_, "department") => cat.text("cli-arg-department"),
        (_, "representatives") => cat.text("cli-arg-representative"),
        (_, "date") => cat.text("cli-arg-date"),
        (_, "paths") => cat.text("cli-arg-paths"),
        (_, "to") => cat.text("cli-arg-to"),
        (_, "dry_run") => cat.text("cli-arg-dry-run"),
        (_, "force") => cat.text("cli-arg-force"),
        _ => return None,
    })
}

/// What an argument's value is called in help and usage.
fn value_name(cat: &Catalogue, id: &str) -> Option<String> {
    Some(match id {
        "root" | "output" | "to" | "dir" => cat.text("cli-value-folder"),
        "base_url" => cat.text("cli-value-url"),
        "bind" => cat.text("cli-value-address"),
        "port" => cat.text("cli-value-port"),
        "allow_host" => cat.text("cli-value-host"),
        "files_in_memory" => "MB".into(),
        "lang" => "zh|en".into(),
        "kind" => "proposal|suggestion".into(),
        "number" => cat.text("cli-value-number"),
        "title" | "session" | "department" | "representatives" => cat.text("cli-value-text"),
        "date" => "YYYY-MM-DD".into(),
        "paths" => cat.text("cli-value-letters"),
        _ => return None,
    })
}

/// A usage error as the user's language words it: what was wrong, a suggestion when clap
/// has one, the usage and where to read more.
fn error_text(e: &clap::Error, args: &[OsString], command: &Command, cat: &Catalogue) -> String {
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(other) => Some(other.to_string()),
        None => None,
    };
    let invalid = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let mut text = match e.kind() {
        ErrorKind::UnknownArgument => cat.get(&msg!("cli-error-unknown-argument", arg = invalid)),
        ErrorKind::InvalidSubcommand => cat.get(&msg!(
            "cli-error-unknown-command",
            command = context(ContextKind::InvalidSubcommand).unwrap_or_default()
        )),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            match context(ContextKind::ValidValue).filter(|v| !v.is_empty()) {
                Some(valid) => cat.get(&msg!(
                    "cli-error-invalid-choice",
                    arg = invalid,
                    value = value,
                    valid = valid
                )),
                None => cat.get(&msg!(
                    "cli-error-invalid-value",
                    arg = invalid,
                    value = value
                )),
            }
        }
        ErrorKind::MissingRequiredArgument => cat.get(&msg!("cli-error-missing", arg = invalid)),
        _ => {
            let detail = e.to_string();
            let first = detail.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            cat.get(&msg!("cli-error-other", detail = first.to_string()))
        }
    };
    let suggestion =
        context(ContextKind::SuggestedArg).or_else(|| context(ContextKind::SuggestedSubcommand));
    if let Some(s) = suggestion {
        text.push('\n');
        text.push_str(&cat.get(&msg!("cli-error-suggest", suggestion = s)));
    }
    // The subcommand the user was in, for its usage.
    let mut current = command.clone();
    let mut path = vec![current.get_name().to_string()];
    for a in args.iter().skip(1).filter_map(|a| a.to_str()) {
        match current.find_subcommand(a) {
            Some(sub) => {
                let sub = sub.clone();
                path.push(sub.get_name().to_string());
                current = sub;
            }
            None => continue,
        }
    }
    let usage = usage_line(&current, &path.join(" "), cat);
    text.push_str(&format!(
        "\n\n{}{usage}\n{}",
        cat.text("cli-heading-usage"),
        cat.get(&msg!("cli-error-more", command = path.join(" ")))
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn help_is_worded_in_the_language_asked_for() {
        for (lang, words) in [
            (Lang::Zh, ["用法：", "命令：", "选项：", "网站文件夹"]),
            (
                Lang::En,
                ["Usage: ", "Commands:", "Options:", "site folder"],
            ),
        ] {
            let cat = Catalogue::new(lang);
            let mut top = worded(Cli::command(), &cat, &[]);
            let help = top.render_help().to_string();
            assert!(help.contains(words[0]) && help.contains(words[1]), "{help}");
            let build = top.find_subcommand_mut("build").unwrap();
            let help = build.render_help().to_string();
            for w in &words[2..] {
                assert!(help.contains(w), "{lang:?}: {w} in\n{help}");
            }
            assert!(help.contains("dafu build ["), "{help}");
        }
        // Chinese help carries no English of clap's own.
        let cat = Catalogue::new(Lang::Zh);
        let mut top = worded(Cli::command(), &cat, &[]);
        let mut all = top.render_help().to_string();
        for sub in ["build", "serve", "check", "init", "new", "import"] {
            all.push_str(
                &top.find_subcommand_mut(sub)
                    .unwrap()
                    .render_help()
                    .to_string(),
            );
        }
        for english in [
            "Usage",
            "Options",
            "Commands",
            "Arguments",
            "Print help",
            "default:",
            "possible values",
        ] {
            assert!(!all.contains(english), "{english} in\n{all}");
        }
    }

    #[test]
    fn every_argument_has_its_own_help() {
        let cat = Catalogue::new(Lang::Zh);
        let top = worded(Cli::command(), &cat, &[]);
        for sub in top.get_subcommands() {
            assert!(sub.get_about().is_some(), "{}", sub.get_name());
            for a in sub.get_arguments() {
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                assert!(
                    help.chars().any(crate::search::tokenize::is_han),
                    "{} {}: {help}",
                    sub.get_name(),
                    a.get_id()
                );
            }
        }
    }

    #[test]
    fn the_language_is_found_before_parsing() {
        assert_eq!(
            language(&args(&["dafu", "--lang", "en", "build"])),
            Lang::En
        );
        assert_eq!(language(&args(&["dafu", "build", "--lang=zh"])), Lang::Zh);
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("site.toml"), "language = \"en\"\n").unwrap();
        let root = site.path().to_str().unwrap();
        if std::env::var_os("DAFU_LANG").is_none() {
            assert_eq!(
                language(&args(&["dafu", "build", "--root", root])),
                Lang::En
            );
        }
        assert_eq!(
            help_subcommand(args(&["dafu", "help", "build"])),
            args(&["dafu", "build", "--help"])
        );
        assert_eq!(
            help_subcommand(args(&["dafu", "--lang", "zh", "help"])),
            args(&["dafu", "--lang", "zh", "--help"])
        );
        assert_eq!(
            help_subcommand(args(&["dafu", "build", "help"])),
            args(&["dafu", "build", "help"]),
            "only in the command's place"
        );
    }

    #[test]
    fn usage_errors_say_what_was_wrong_in_chinese() {
        let cat = Catalogue::new(Lang::Zh);
        let command = worded(Cli::command(), &cat, &[]);
        let cases = [
            (vec!["dafu", "build", "--outptu", "x"], "--outptu"),
            (vec!["dafu", "biuld"], "biuld"),
            (vec!["dafu", "serve", "--port", "七"], "七"),
            (vec!["dafu", "new", "--kind", "letter"], "suggestion"),
            (vec!["dafu", "new", "--date", "2024-13-01"], "2024-13-01"),
            (vec!["dafu", "import"], "信件"),
        ];
        for (argv, shown) in cases {
            let argv = args(&argv);
            let e = command.clone().try_get_matches_from(&argv).unwrap_err();
            let text = error_text(&e, &argv, &command, &cat);
            assert!(text.contains(shown), "{text}");
            assert!(text.contains("用法："), "{text}");
            assert!(text.contains("--help"), "{text}");
            assert!(
                !text.contains("error:") && !text.contains("Usage"),
                "{text}"
            );
            assert!(!text.contains("（可用：）"), "{text}");
        }
    }
}
