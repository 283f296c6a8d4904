//! Deploying to the right place with the right credentials, and leaving no
//! debris (issue 10, items 1, 2, 9): the real binary against moto_server.
//!
//! moto hands out credentials in the role's account when a profile assumes
//! a role (`role_arn` + `source_profile`), so a profile with a role in
//! account 222222222222 and environment keys in moto's default account
//! (123456789012) are two accounts.

#![cfg(feature = "aws")]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::moto::Moto;
use support::text;

const MOTO_ACCOUNT: &str = "123456789012";
const ROLE_ACCOUNT: &str = "222222222222";

/// A temp project: an app file (`account` pinned or not), an AWS config
/// file with a `deployer` profile that assumes a role in [`ROLE_ACCOUNT`],
/// and a credentials file with the keys of its `source` profile.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(account: Option<&str>) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        let pinned = account.map(|a| format!("    account: \"{a}\"\n")).unwrap_or_default();
        std::fs::write(
            dir.path().join("app.yaml"),
            format!(
                "stacks:\n  - name: trust\n    region: eu-west-1\n{pinned}    vpc:\n      cidr: 10.40.0.0/16\n      max_azs: 2\n      nat_gateways: 0\n"
            ),
        )
        .expect("write app");
        std::fs::write(
            dir.path().join("config"),
            format!(
                "[profile deployer]\nrole_arn = arn:aws:iam::{ROLE_ACCOUNT}:role/deployer\nsource_profile = source\nregion = eu-west-1\n"
            ),
        )
        .expect("write config");
        std::fs::write(
            dir.path().join("credentials"),
            "[source]\naws_access_key_id = sourcekey\naws_secret_access_key = sourcesecret\n",
        )
        .expect("write credentials");
        Project { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// `rcdk ARGS` against moto with the environment keys (moto's default
    /// account) and this project's config file.
    fn rcdk(&self, moto: &Moto, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rcdk"));
        moto.configure(&mut cmd);
        cmd.current_dir(self.path())
            .args(args)
            .env("NO_COLOR", "1")
            .env("AWS_CONFIG_FILE", self.config())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.path().join("credentials"))
            .envs(extra_env.iter().copied())
            .stdin(Stdio::null());
        cmd.output().expect("rcdk runs")
    }

    /// Whether moto has the stack `trust` in moto's default account (any
    /// status but DELETE_COMPLETE), read with rcdk's own adapter.
    fn stack_exists(&self, moto: &Moto) -> bool {
        for (k, v) in support::moto::FAKE_AWS_ENV {
            std::env::set_var(k, v);
        }
        let args = rcdk::cli::AwsArgs { region: None, profile: None, endpoint_url: Some(moto.url()) };
        let runtime = rcdk::aws::runtime().expect("runtime");
        runtime.block_on(async {
            let aws = rcdk::aws::Aws::connect(&args, Some("eu-west-1")).await.expect("session");
            let stack = aws.describe_stack("trust").await.expect("describe");
            stack.is_some_and(|s| s.status != "DELETE_COMPLETE")
        })
    }
}

/// An explicit --profile wins over AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
/// (the deploy header names the role's account), and a profile that does not
/// exist is exit 2 naming it and the files looked in, before any call.
#[test]
fn explicit_profile_wins_over_environment_keys() {
    let moto = Moto::start();
    let project = Project::new(None);

    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--no-execute"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains(&format!("Deploying to account {MOTO_ACCOUNT} in eu-west-1 via http://127.0.0.1:")), "{e}");

    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--no-execute", "--profile", "deployer"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains(&format!("Deploying to account {ROLE_ACCOUNT} in eu-west-1")), "the profile's role: {e}");

    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--no-execute", "--profile", "nope"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    let config = project.config().display().to_string();
    let credentials = project.path().join("credentials").display().to_string();
    assert!(
        e.contains(&format!("error: AWS profile `nope` (--profile) does not exist in {config} or {credentials}\n")),
        "{e}"
    );
    assert!(e.contains("help: the profiles defined there are: deployer, source"), "{e}");
    assert!(!e.contains("Deploying to account"), "nothing called: {e}");

    // Named by AWS_PROFILE: the same.
    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--no-execute"], &[("AWS_PROFILE", "gone")]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(e.contains("error: AWS profile `gone` (AWS_PROFILE) does not exist in"), "{e}");

    // The same for destroy and diff --against-stack.
    let out = project.rcdk(&moto, &["destroy", "app.yaml", "--stack", "trust", "--yes", "--profile", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    let out = project.rcdk(&moto, &["diff", "app.yaml", "--against-stack", "--profile", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
}

/// `account:` on a stack is checked before the first change set: another
/// account is exit 2 naming both, nothing created; the matching account
/// deploys. destroy and diff --against-stack check it too.
#[test]
fn pinned_account_is_checked_before_anything_is_created() {
    let moto = Moto::start();
    let project = Project::new(Some(ROLE_ACCOUNT));

    // Environment keys: moto's default account, not the pinned one.
    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--yes"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(
        e.contains(&format!(
            "error: stack `trust` is pinned to account {ROLE_ACCOUNT}, but the credentials in use belong to account {MOTO_ACCOUNT}"
        )),
        "{e}"
    );
    assert!(!e.contains("creating change set"), "nothing created: {e}");
    let unpinned = Project::new(None);
    let out = unpinned.rcdk(&moto, &["destroy", "app.yaml", "--stack", "trust", "--yes"], &[]);
    assert!(text(&out).0.contains("stack trust does not exist"), "{:?}", text(&out));

    // The role's profile: the right account, it deploys.
    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--yes", "--profile", "deployer"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(e.contains(&format!("Deploying to account {ROLE_ACCOUNT} in eu-west-1")), "{e}");
    assert!(o.contains("trust: CREATE_COMPLETE"), "{o}");

    // diff --against-stack and destroy with the wrong account: exit 2.
    let out = project.rcdk(&moto, &["diff", "app.yaml", "--against-stack"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(e.contains(&format!("pinned to account {ROLE_ACCOUNT}, but")), "{e}");
    let out = project.rcdk(&moto, &["destroy", "app.yaml", "--stack", "trust", "--yes"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{o}\n{e}");
    assert!(e.contains(&format!("belong to account {MOTO_ACCOUNT}")), "{e}");

    // With the profile, diff finds the deployed stack in the role's account.
    let out = project.rcdk(&moto, &["diff", "app.yaml", "--against-stack", "--profile", "deployer"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("No differences against deployed stacks"), "{o}");

    // A pinned account no credentials belong to, with the profile: refused too.
    let other = Project::new(Some("999999999999"));
    let out = other.rcdk(&moto, &["deploy", "app.yaml", "--yes", "--profile", "deployer"], &[]);
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!("pinned to account 999999999999, but profile `deployer` belong to account {ROLE_ACCOUNT}")),
        "{e}"
    );
}

/// Ctrl-C right after the change set was created (the hidden test hook acts
/// as the signal), and while it was being created (its ARN never seen):
/// exit 130, the change set and the REVIEW_IN_PROGRESS stack rcdk created
/// are deleted, and the report says so.
#[test]
fn interrupted_change_set_leaves_no_debris() {
    let moto = Moto::start();
    let project = Project::new(None);
    assert!(!project.stack_exists(&moto));
    for hook in ["after-create", "while-creating"] {
        let out = project.rcdk(&moto, &["deploy", "app.yaml", "--yes"], &[("RCDK_TEST_INTERRUPT", hook)]);
        let (o, e) = text(&out);
        assert_eq!(out.status.code(), Some(130), "{hook}: {o}\n{e}");
        assert!(e.contains("error: interrupted before any change set was executed"), "{hook}: {e}");
        assert!(
            e.contains("cleaned up trust: deleted change set rcdk-")
                && e.contains("and the REVIEW_IN_PROGRESS stack `trust`"),
            "{hook}: {e}"
        );
        assert!(!e.contains("left behind"), "{hook}: {e}");
        assert!(!project.stack_exists(&moto), "{hook}: the REVIEW_IN_PROGRESS stack is gone");
    }
}

/// Declining a change set: exit 1 (documented), the change set is deleted,
/// and so is the REVIEW_IN_PROGRESS stack when this run created it; an
/// existing stack is left as it was.
#[test]
fn declined_change_set_is_removed_with_the_stack_it_created() {
    let moto = Moto::start();
    let project = Project::new(None);
    let out = project.rcdk(&moto, &["deploy", "app.yaml"], &[("RCDK_TEST_ANSWER", "no")]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(e.contains("Execute change set rcdk-") && e.contains("on stack trust? [y/N] n"), "{e}");
    assert!(e.contains("error: stack `trust` not changed: the change set was not approved"), "{e}");
    assert!(e.contains("deleted change set rcdk-") && e.contains("and the REVIEW_IN_PROGRESS stack `trust`"), "{e}");
    assert!(!project.stack_exists(&moto), "nothing left");

    // An existing stack: declining an update deletes only the change set.
    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--yes"], &[]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let app = std::fs::read_to_string(project.path().join("app.yaml")).expect("read");
    std::fs::write(project.path().join("app.yaml"), app.replace("max_azs: 2", "max_azs: 3")).expect("write");
    let out = project.rcdk(&moto, &["deploy", "app.yaml"], &[("RCDK_TEST_ANSWER", "no")]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{o}\n{e}");
    assert!(e.contains("deleted change set rcdk-") && !e.contains("REVIEW_IN_PROGRESS stack"), "{e}");
    let out = project.rcdk(&moto, &["deploy", "app.yaml", "--yes"], &[]);
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{o}\n{e}");
    assert!(o.contains("trust: UPDATE_COMPLETE"), "the stack was kept and updates: {o}");

    // destroy names the account and region it deletes from (moto may end
    // with its known VPC DependencyViolation; see Moto::destroy).
    let out = project.rcdk(&moto, &["destroy", "app.yaml", "--stack", "trust", "--yes"], &[]);
    let (o, e) = text(&out);
    assert!(
        o.contains(&format!("stack trust (UPDATE_COMPLETE) in account {MOTO_ACCOUNT} (eu-west-1) will be deleted")),
        "{o}\n{e}"
    );
}
