//! The account check: before anything is created, each stack's session
//! resolves the caller's account (once per credential set, see
//! [`crate::aws::Sessions`]); a stack pinned to another account (`account:`)
//! is refused, exit 2, naming both accounts.

use std::collections::BTreeMap;

use crate::aws::{Aws, Sessions};
use crate::cli::AwsArgs;
use crate::failure::Failure;

/// Where a stack goes: account, region and endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The account the credentials belong to.
    pub account: String,
    /// The region.
    pub region: String,
    /// The endpoint (a custom URL, or "AWS in REGION").
    pub endpoint: String,
}

/// Whose credentials these are, for messages.
pub fn credentials_description(args: &AwsArgs, role: Option<&str>) -> String {
    match (role, &args.profile) {
        (Some(r), _) => format!("the deploy role {r}"),
        (None, Some(p)) => format!("profile `{p}`"),
        (None, None) => "the credentials in use".to_owned(),
    }
}

/// The caller's account for `aws` (assumed into `role`, when given); a
/// mismatch with `pinned` is exit 2.
pub async fn check(
    aws: &Aws,
    args: &AwsArgs,
    stack: &str,
    pinned: Option<&str>,
    role: Option<&str>,
) -> Result<Destination, Failure> {
    let account = aws.caller_account().await?;
    let destination = Destination { account, region: aws.region(), endpoint: aws.endpoint() };
    match pinned {
        Some(pinned) if pinned != destination.account => Err(Failure::input(format!(
            "stack `{stack}` is pinned to account {pinned}, but {} belong to account {} ({})",
            credentials_description(args, role),
            destination.account,
            destination.endpoint
        ))
        .help(format!(
            "use credentials for account {pinned} (e.g. --profile NAME), or change `account:` on the stack; nothing was created"
        ))),
        _ => Ok(destination),
    }
}

/// One stack to check: name, region, deploy role, the account it must be in.
pub type Expected = (String, Option<String>, Option<String>, Option<String>);

/// Checks every stack before anything is created, each through its own
/// session (its region and deploy role); all mismatches are reported
/// together (exit 2).
pub async fn check_all(sessions: &Sessions, stacks: &[Expected]) -> Result<BTreeMap<String, Destination>, Failure> {
    let mut out = BTreeMap::new();
    let mut problems: Vec<Failure> = Vec::new();
    for (name, region, role, pinned) in stacks {
        let aws = sessions.get(region.as_deref(), role.as_deref()).await?;
        match check(&aws, sessions.args(), name, pinned.as_deref(), role.as_deref()).await {
            Ok(d) => {
                out.insert(name.clone(), d);
            }
            Err(f) if f.exit == crate::failure::EXIT_INPUT => problems.push(f),
            Err(f) => return Err(f),
        }
    }
    match problems.len() {
        0 => Ok(out),
        1 => Err(problems.remove(0)),
        _ => {
            let help = problems[0].help.clone();
            let message: Vec<String> = problems.into_iter().map(|f| f.message).collect();
            Err(Failure { help, ..Failure::input(message.join("\n")) })
        }
    }
}

/// The deploy header: one line per destination, naming its stacks.
pub fn header(destinations: &BTreeMap<String, Destination>, order: &[String]) -> Vec<String> {
    let mut groups: Vec<(&Destination, Vec<&str>)> = Vec::new();
    for name in order {
        let Some(d) = destinations.get(name) else { continue };
        match groups.iter_mut().find(|(g, _)| *g == d) {
            Some((_, names)) => names.push(name),
            None => groups.push((d, vec![name])),
        }
    }
    groups
        .into_iter()
        .map(|(d, names)| {
            let endpoint =
                if d.endpoint.starts_with("AWS in ") { String::new() } else { format!(" via {}", d.endpoint) };
            format!("Deploying to account {} in {}{endpoint}: {}", d.account, d.region, names.join(", "))
        })
        .collect()
}
