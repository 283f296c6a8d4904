//! `rcdk ami update`: moves the AMI pins of `rcdk.context.json` (see
//! [`rcdk_constructs::core::context`]) to the releases AWS recommends now.
//!
//! 1. Synthesize the app with its current context; the templates say which
//!    (region, recommended-AMI parameter) each cluster reads ([`plan::uses`]).
//! 2. Look each one up in its region (SSM GetParameter, [`lookup`]): the
//!    recommended release, and that its own parameter resolves to the same AMI.
//! 3. Print one line per pin (`REGION FAMILY (STACKS): OLD (ami-…) → NEW (ami-…)`)
//!    and, unless `--dry-run`, rewrite every context file, atomically, once
//!    every look-up succeeded.
//! 4. Synthesize again and check that every stack reads its pin (an app
//!    command that ignores `RCDK_CONTEXT` is named).

mod lookup;
pub mod plan;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::{Context, SynthesizedStack};

use crate::app_source::{AppSource, ProjectSettings};
use crate::aws::Sessions;
use crate::cli::{AmiArgs, AmiCommand, AmiUpdateArgs, AwsArgs};
use crate::failure::Failure;
use plan::{PinChange, Pinned, Uses};

/// Runs `rcdk ami`.
pub fn run(args: &AmiArgs) -> Result<(), Failure> {
    match &args.command {
        AmiCommand::Update(args) => update(args),
    }
}

/// The stacks that share one context file.
struct Group {
    /// The context file.
    path: PathBuf,
    /// Its stacks, synthesized with its current content.
    stacks: Vec<SynthesizedStack>,
}

/// The app's stacks, grouped by the context file they read: app files by
/// their directory, an app command by the directory it runs in.
fn groups(args: &AmiUpdateArgs) -> Result<Vec<Group>, Failure> {
    let source = match AppSource::from_flags(&args.app_files, args.app.as_deref(), None)? {
        Some(source) => source,
        None => AppSource::Files(crate::app_source::app_files(&[])?),
    };
    match &source {
        AppSource::Files(files) => {
            let mut by_context: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
            for file in files {
                by_context.entry(crate::context::beside(file)).or_default().push(file.clone());
            }
            by_context
                .into_iter()
                .map(|(path, files)| Ok(Group { path, stacks: crate::app_file::synthesize(&files, Format::Yaml)? }))
                .collect()
        }
        AppSource::Command { dir, .. } => {
            Ok(vec![Group { path: crate::context::in_dir(dir), stacks: source.stacks(Format::Yaml)? }])
        }
        AppSource::Assembly(dir) => Err(Failure::input(format!(
            "assembly {} is synthesized already: its AMIs were fixed when it was written",
            dir.display()
        ))
        .help("run `rcdk ami update` on the app (app files, --app or rcdk.toml), then synthesize the assembly again")),
    }
}

/// Runs `rcdk ami update`.
fn update(args: &AmiUpdateArgs) -> Result<(), Failure> {
    let groups = groups(args)?;
    let settings = ProjectSettings::load()?;
    let sessions =
        Sessions::new(AwsArgs { region: None, profile: args.profile.clone(), endpoint_url: args.endpoint_url.clone() });
    let runtime = crate::aws::runtime()?;
    // Every look-up first: a failure writes nothing.
    let mut planned: Vec<(PathBuf, Context, Vec<PinChange>)> = Vec::with_capacity(groups.len());
    for group in &groups {
        let context = crate::context::read_or_fail(&group.path)?;
        let uses = plan::uses(&group.stacks);
        for stack in &uses.without_region {
            eprintln!(
                "note: stack `{stack}` names no region, so its cluster's AMI cannot be pinned: it reads the \
                 recommended AMI at every deploy (give the stack a `region`)"
            );
        }
        let roles = roles(&group.stacks, &settings)?;
        let changes = runtime.block_on(look_up(&sessions, &uses, &context, &roles))?;
        planned.push((group.path.clone(), context, changes));
    }

    let mut moved_total = 0;
    let mut written = Vec::new();
    for (path, mut context, changes) in planned {
        if changes.is_empty() {
            eprintln!("{}: no cluster reads an ECS-optimized AMI it could pin", path.display());
            continue;
        }
        println!("{}", path.display());
        for change in &changes {
            println!("  {}", change.line());
            context.pin_ami(&change.region, &change.parameter, &change.new.release);
        }
        let moved = changes.iter().filter(|c| c.moves()).count();
        moved_total += moved;
        if moved == 0 {
            eprintln!("{}: every pin is current", path.display());
        } else if args.dry_run {
            eprintln!("{}: {moved} pin(s) would move (--dry-run: nothing written)", path.display());
        } else {
            written.push((path, context, moved));
        }
    }
    for (path, context, _) in &written {
        crate::context::write(path, context)?;
    }
    for (path, _, moved) in &written {
        eprintln!("wrote {} ({moved} pin(s) moved)", path.display());
    }
    if !written.is_empty() {
        check_applied(args)?;
        eprintln!(
            "next: `rcdk synth` rewrites the templates; `rcdk diff` shows each launch template's new AMI release and \
             the instance refresh that follows; `rcdk deploy` runs it"
        );
    }
    if args.exit_code && moved_total > 0 {
        let how = if args.dry_run { "would move" } else { "moved" };
        return Err(Failure::no(format!("{moved_total} pin(s) {how} (--exit-code)")));
    }
    Ok(())
}

/// The deploy role of each stack (its own, else the `rcdk.toml` pattern),
/// which the look-ups of its region go through.
fn roles(stacks: &[SynthesizedStack], settings: &ProjectSettings) -> Result<BTreeMap<String, String>, Failure> {
    let mut roles = BTreeMap::new();
    for s in stacks {
        let p = &s.props;
        if let Some(role) = settings.deploy_role(&p.name, p.account.as_deref(), p.deploy_role_arn.as_deref())? {
            roles.insert(p.name.clone(), role);
        }
    }
    Ok(roles)
}

/// Looks every pin of `uses` up: what AWS recommends now, and the AMI of
/// the release pinned before.
async fn look_up(
    sessions: &Sessions,
    uses: &Uses,
    context: &Context,
    roles: &BTreeMap<String, String>,
) -> Result<Vec<PinChange>, Failure> {
    let mut changes = Vec::with_capacity(uses.pins.len());
    for ((region, parameter), readers) in &uses.pins {
        let role = readers.iter().find_map(|(stack, _)| roles.get(stack)).map(String::as_str);
        let aws = sessions.get(Some(region), role).await?;
        let new = lookup::recommended(&aws, region, parameter).await?;
        let old = match context.ami_release(region, parameter) {
            None => None,
            Some(release) if release == new.release => Some(new.clone()),
            Some(release) => Some(Pinned {
                release: release.to_owned(),
                image_id: lookup::release_image(&aws, parameter, release).await?,
            }),
        };
        changes.push(PinChange {
            region: region.clone(),
            parameter: parameter.clone(),
            stacks: readers.iter().map(|(stack, _)| stack.clone()).collect(),
            old,
            new,
        });
    }
    Ok(changes)
}

/// Synthesizes the app again and names every stack that does not read the
/// release now pinned for it: an app command that does not hand
/// `rcdk_app::context()` to its stacks. A warning: the pins are written.
fn check_applied(args: &AmiUpdateArgs) -> Result<(), Failure> {
    for group in groups(args)? {
        let context = crate::context::read_or_fail(&group.path)?;
        for ((region, parameter), readers) in plan::uses(&group.stacks).pins {
            let Some(pinned) = context.ami_release(&region, &parameter) else { continue };
            for (stack, reads) in readers {
                if reads.as_deref() != Some(pinned) {
                    eprintln!(
                        "warning: stack `{stack}` does not read the release pinned for {region} in {}: the app does not \
                         apply its context (a Rust program ending in `rcdk_app::emit` does; one that writes its \
                         assembly otherwise, or gives the stack a context of its own, does not)",
                        group.path.display()
                    );
                }
            }
        }
    }
    Ok(())
}
