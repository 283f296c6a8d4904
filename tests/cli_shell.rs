//! Shell completions and the man page: generated from the same clap
//! definitions as `--help`, so every command and flag is in them.

mod support;

use support::{rcdk, root, text};

#[test]
fn completions_cover_every_command_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = rcdk(&root(), &["completions", shell]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{shell}: {stderr}");
        for word in ["synth", "diff", "deploy", "destroy", "against-git", "no-execute"] {
            assert!(stdout.contains(word), "{shell} completion lacks `{word}`");
        }
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = rcdk(&root(), &["completions", "tcsh"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("invalid value 'tcsh'"), "{stderr}");
}

#[test]
fn man_page_has_a_page_per_command() {
    let out = rcdk(&root(), &["man"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.starts_with(".ie \\n(.g .ds Aq"), "roff expected:\n{}", &stdout[..stdout.len().min(200)]);
    for title in [".TH rcdk 1", ".TH rcdk-synth 1", ".TH rcdk-diff 1", ".TH rcdk-deploy 1", ".TH rcdk-destroy 1"] {
        assert!(stdout.contains(title), "man page lacks `{title}`");
    }
    assert!(stdout.contains("against\\-stack"), "flags are documented");
}
